"""The demo's busy places: its four hot places are detected as busy and its quiet places are
not; team.manager has set one co-presence rule, with a reason.

The borough the demo tests share is small (200 young people, about 40 incidents a year):
too few for any place to stand out. So these tests make their own at 1,500 young people,
inside the test's transaction (the shared one is set aside, and back afterwards), as
tests/demo/test_cli.py does. The demo itself is 5,000 (there the four hot places have 123 to
203 young people each in a year against a median place of 28).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from locus.access.models import Worker
from locus.common import clock
from locus.demo import borough as spec
from locus.demo.generator import borough_exists, generate_borough
from locus.demo.steps.busy import CENTRE, add_demo_co_presence_rule
from locus.places.models import Context, CoPresenceMode
from locus.places.selectors import busy_places
from tests.demo.conftest import wipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    if borough_exists():
        wipe()
    yesterday = clock.today() - dt.timedelta(days=1)
    made = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(23, 59, 59)))
    with clock.frozen_at(made):
        generate_borough(seed=2016, people=1500)
    with clock.frozen_at(made + dt.timedelta(seconds=2)):
        yield


def test_the_hot_places_are_busy_a_quiet_one_is_not_and_the_manager_set_a_rule(demo) -> None:  # type: ignore[no-untyped-def]
    found = busy_places()
    names = dict(Context.objects.values_list("id", "name"))
    detected = {names[pk] for pk, place in found.items() if place.detected}
    hot = {p.name for p in spec.PLACES if p.hot}
    assert hot <= detected
    for quiet in ("Clapton Parade shops", "Fernbank Reservoir path", "Wick Green", "Peri Palace"):
        assert quiet in names.values() and quiet not in detected
    centre = Context.objects.get(name=CENTRE)
    assert "different young people were involved in incidents here" in found[centre.pk].detected

    rule = add_demo_co_presence_rule()
    assert rule is not None and rule.mode == CoPresenceMode.OUT_OF_HOURS
    assert rule.set_by == Worker.objects.get(username="team.manager")
    assert rule.context == centre and rule.reason
    assert add_demo_co_presence_rule() is None  # safe to run again
    assert busy_places()[centre.pk].rule == rule
