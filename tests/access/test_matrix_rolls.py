"""The permission matrix for school rolls: persona x action on Millfields Academy's roll.

``Y``: the page answers and the write goes through; ``-``: 404 for the page (the same as
for a school that does not exist) and ``NotPermitted`` from the service, nothing written.
The roll is kept by the school's own staff and administrators (``access/rolls.py``,
``policies.can_manage_roll``; RULES.md, "School rolls").
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import AgencyKind, Role, Scope, Worker
from locus.common.errors import NotPermitted
from locus.places.models import Context, ContextKind, Enrolment, LeaveReason
from locus.places.services import enrolment_create, enrolment_end
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import (
    START,
    World,
    client_for,
    make_agency,
    make_context,
    make_person,
    make_team,
    make_worker,
    nothing_written,
)

# fmt: off
ROLL_ROW = " -    -    -    -    -    -    Y    -    -    Y "
#            sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
# fmt: on
CELLS = dict(zip(PERSONAS, ROLL_ROW.split(), strict=True))


def _urls(world: World) -> list[str]:
    school = world.school.pk
    enrolment = world.pupil.enrolments.get()
    return [
        reverse("school-roll", args=[school]),
        reverse("school-roll", args=[school]) + "?showing=left",
        reverse("school-roll-add", args=[school]),
        reverse("school-roll-leave", args=[school, enrolment.pk]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_roll_pages_by_persona(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    expected = 200 if CELLS[persona] == "Y" else 404
    for url in _urls(world):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_taking_a_pupil_off_the_roll_by_persona(world: World, persona: str) -> None:
    enrolment = world.pupil.enrolments.get()
    client = client_for(world.persona(persona))
    url = reverse("school-roll-leave", args=[world.school.pk, enrolment.pk])
    posted = {"end": START.strftime("%d/%m/%Y"), "leave_reason": LeaveReason.MOVED_AWAY}
    if CELLS[persona] == "Y":
        assert client.post(url, posted).status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.end == START
        return
    with nothing_written(Enrolment):
        assert client.post(url, posted).status_code == 404
        with pytest.raises(NotPermitted):
            enrolment_end(
                actor=world.persona(persona),
                enrolment=enrolment,
                end=START,
                leave_reason=LeaveReason.MOVED_AWAY,
            )


@pytest.mark.parametrize("persona", PERSONAS)
def test_putting_a_child_on_the_roll_by_persona(world: World, persona: str) -> None:
    worker = world.persona(persona)
    # A child the worker sees (one they recorded), so only the roll itself is in question.
    child = make_person(world.admin if persona == "auditor" else worker)
    if CELLS[persona] == "Y":
        enrolment_create(actor=worker, person=child, school=world.school, start=START)
        return
    with nothing_written(Enrolment), pytest.raises(NotPermitted):
        enrolment_create(actor=worker, person=child, school=world.school, start=START)


def _other_school(world: World) -> tuple[Worker, Context]:
    """Another school, run by another academy trust, with its own safeguarding lead."""
    agency = make_agency(world.system, kind=AgencyKind.EDUCATION, name="Stoke Newington School")
    team = make_team(world.system, agency=agency, name="Safeguarding")
    dsl = make_worker(
        world.system, team=team, role=Role.PRACTITIONER, scope=Scope.AGENCY, username="other_dsl"
    )
    school = make_context(
        world.system, kind=ContextKind.SCHOOL, name="Stoke Newington", responsible_agency=agency
    )
    return dsl, school


def test_another_schools_lead_gets_404_for_this_roll(world: World) -> None:
    other_dsl, _ = _other_school(world)
    client = client_for(other_dsl)
    for url in _urls(world):
        assert client.get(url).status_code == 404, url
    enrolment = world.pupil.enrolments.get()
    with nothing_written(Enrolment):
        url = reverse("school-roll-leave", args=[world.school.pk, enrolment.pk])
        assert client.post(url, {"end": START.strftime("%d/%m/%Y")}).status_code == 404


def test_a_pupil_is_taken_off_only_through_their_own_schools_roll(world: World) -> None:
    # Millfields' lead asks for Millfields' pupil under another school's roll, and the
    # other school's roll under Millfields' id: neither answers.
    _, other_school = _other_school(world)
    client = client_for(world.school_dsl)
    enrolment = world.pupil.enrolments.get()
    assert client.get(reverse("school-roll", args=[other_school.pk])).status_code == 404
    wrong = reverse("school-roll-leave", args=[other_school.pk, enrolment.pk])
    assert client.get(wrong).status_code == 404


def test_a_place_that_is_not_a_school_has_no_roll(world: World) -> None:
    client = client_for(world.admin)
    assert client.get(reverse("school-roll", args=[world.park.pk])).status_code == 404
    assert client.get(reverse("school-roll", args=[999999])).status_code == 404
