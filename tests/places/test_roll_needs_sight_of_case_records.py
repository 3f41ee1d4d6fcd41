"""A school's roll names its pupils (or shows them by initials, with when they joined and
left): it is kept by the school's own staff who see case records, not by one whose access
waits for a second person to confirm it, nor by one given no sight of case records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import policies
from locus.common import clock
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def _pages(world: World) -> list[str]:
    enrolment = world.pupil.enrolments.get()
    return [
        reverse("school-roll", args=[world.school.pk]),
        reverse("school-roll-add", args=[world.school.pk]),
        reverse("school-roll-leave", args=[world.school.pk, enrolment.pk]),
    ]


def test_the_schools_safeguarding_lead_keeps_its_roll(world: World) -> None:
    client = client_for(world.school_dsl)
    assert all(client.get(url).status_code == 200 for url in _pages(world))


@pytest.mark.parametrize("why", ["access waits", "no sight of case records"])
def test_a_school_worker_who_sees_no_case_records_does_not_read_the_roll(
    world: World, why: str
) -> None:
    dsl = world.school_dsl
    if why == "access waits":
        dsl.access_awaiting_since = clock.now()
    else:
        dsl.scope = "none"
    dsl.save()
    assert not policies.can_manage_roll(dsl, world.school)
    client = client_for(dsl)
    for url in _pages(world):
        assert client.get(url).status_code == 404, url
