"""The demo's busy places: its four hot places are detected as busy and its quiet places are
not; team.manager has set one co-presence rule, with a reason."""

from __future__ import annotations

import pytest

from locus.access.models import Worker
from locus.demo import borough as spec
from locus.demo.generator import Summary
from locus.demo.steps.busy import CENTRE, add_demo_co_presence_rule
from locus.places.models import Context, CoPresenceMode
from locus.places.selectors import busy_places

pytestmark = pytest.mark.django_db


def test_the_hot_places_are_busy_and_a_quiet_one_is_not(borough: Summary) -> None:
    found = busy_places()
    detected = {
        name
        for name, pk in Context.objects.values_list("name", "id")
        if pk in found and found[pk].detected
    }
    hot = {p.name for p in spec.PLACES if p.hot}
    assert hot <= detected, found
    for quiet in ("Clapton Parade shops", "Fernbank Reservoir path", "Wick Green"):
        assert quiet not in detected
    centre = Context.objects.get(name=CENTRE)
    assert "different young people were involved in incidents here" in found[centre.pk].detected


def test_the_demo_manager_has_set_a_rule_with_a_reason(borough: Summary) -> None:
    rule = add_demo_co_presence_rule()
    assert rule is not None and rule.mode == CoPresenceMode.OUT_OF_HOURS
    assert rule.set_by == Worker.objects.get(username="team.manager")
    assert rule.context.name == CENTRE and rule.reason
    assert add_demo_co_presence_rule() is None  # safe to run again
    assert busy_places()[rule.context_id].rule == rule
