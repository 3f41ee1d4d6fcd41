"""A new worker whose access waits for a second person may be recorded as present.

Was: a conference's attendance list and a case note's "Workers present" offered confirmed
accounts only, so a recorder could not write down that the new social worker was in the
room. An attendance list records who was there; it grants nothing. Now both offer a waiting
account, named "(access not yet confirmed)", never a closed one; and the waiting worker,
recorded present, still opens neither the case, the conference nor the child, nor does a
waiting partner's attendance open the case to her organisation, until a second person
confirms her access (RULES.md, "Context cases")."""

from __future__ import annotations

import pytest

from locus.access import context_cases
from locus.access.models import AgencyKind, Role, Scope, Worker
from locus.access.scopes import people_visible_to
from locus.access.services import worker_access_confirm
from locus.casework.models import ConferenceAttendee
from locus.casework.services import AttendeeInput
from locus.common import clock
from locus.notes.models import CaseNote
from tests.casework.helpers import assessed_case, attendees, conference_of, hold, schedule
from tests.casework.test_views import _record
from tests.factories import World, client_for, make_agency, make_team, make_worker
from tests.mapping.test_views import url

pytestmark = pytest.mark.django_db

AWAITING_NOTE = "(access not yet confirmed)"


def _waiting(world: World, **fields: object) -> Worker:
    """A new account in children's social care Team A (the case's team) whose access waits."""
    worker = make_worker(
        world.system,
        **{"team": world.csc_team_a, "first_name": "Nia", "last_name": "Newcomer", **fields},
    )
    Worker.objects.filter(pk=worker.pk).update(access_awaiting_since=clock.now())
    return Worker.objects.get(pk=worker.pk)


def _closed(world: World) -> Worker:
    worker = make_worker(world.system, team=world.csc_team_a, first_name="Cal", last_name="Gone")
    Worker.objects.filter(pk=worker.pk).update(is_active=False)
    return worker


def test_a_waiting_worker_is_recorded_at_a_conference_and_sees_nothing_by_it(
    world: World,
) -> None:
    newcomer = _waiting(world)
    _closed(world)
    case = assessed_case(world)
    schedule(world, conference_of(case))
    form = client_for(world.social_worker).get(url("context-conference-record", case.pk)).text
    assert f"Nia Newcomer, {world.csc_team_a.name}" in form
    assert AWAITING_NOTE in form.split("Nia Newcomer", 1)[1].split("</label>", 1)[0]
    assert "Cal Gone" not in form
    response = _record(world, case, "We met.", **{f"worker_{newcomer.pk}": "attended"})
    assert response.status_code == 302
    assert ConferenceAttendee.objects.get(worker=newcomer).attendance == "attended"
    # Being in the room gave her nothing: the case, the conference and the children.
    waiting = client_for(newcomer)
    for name in ("context-case", "context-conference"):
        assert waiting.get(url(name, case.pk)).status_code == 404, name
    assert waiting.get(url("person", world.csc_child.pk)).status_code == 404
    assert not context_cases.cases_visible_to(newcomer).exists()
    assert not people_visible_to(newcomer).exists()


def test_a_waiting_partners_attendance_opens_the_case_to_nobody_in_her_organisation(
    world: World,
) -> None:
    housing = make_agency(world.system, kind=AgencyKind.PARTNER, name="Housing provider")
    team = make_team(world.system, agency=housing)
    officer = make_worker(world.system, team=team, role=Role.PRACTITIONER, scope=Scope.AGENCY)
    manager = make_worker(world.system, team=team, role=Role.MANAGER, scope=Scope.AGENCY)
    newcomer = _waiting(world, team=team, role=Role.PRACTITIONER, scope=Scope.AGENCY)
    case = assessed_case(world)
    there = AttendeeInput(attendance="attended", worker=newcomer)
    hold(world, schedule(world, conference_of(case)), attendees=[*attendees(world), there])
    assert ConferenceAttendee.objects.get(worker=newcomer).agency == housing
    for worker in (officer, newcomer):
        assert not context_cases.cases_visible_to(worker).filter(pk=case.pk).exists()
    assert client_for(officer).get(url("context-case", case.pk)).status_code == 404
    # Once her access is confirmed, her organisation attended like any other.
    worker_access_confirm(actor=manager, worker=newcomer)
    assert context_cases.cases_visible_to(officer).filter(pk=case.pk).exists()
    # Only an attendance recorded while she waited waits: her access waiting again later
    # (her scope widened) takes nothing from her organisation.
    Worker.objects.filter(pk=newcomer.pk).update(access_awaiting_since=clock.now())
    assert context_cases.cases_visible_to(officer).filter(pk=case.pk).exists()


def test_a_waiting_worker_is_named_present_in_a_case_note_and_sees_nothing_by_it(
    world: World,
) -> None:
    newcomer = _waiting(world)
    _closed(world)
    client = client_for(world.social_worker)
    form = client.get(url("note-add", "person", world.csc_child.pk)).text
    assert AWAITING_NOTE in form.split("Nia Newcomer", 1)[1].split("</label>", 1)[0]
    assert "Cal Gone" not in form
    response = client.post(
        url("note-add", "person", world.csc_child.pk),
        {
            "kind": "home_visit",
            "contact_on": "11/09/2025",
            "contact_at": "16:30",
            "summary": "Home visit with the new social worker",
            "text": "Seen alone.",
            "present_workers": [str(newcomer.pk)],
        },
    )
    note = CaseNote.objects.get()
    assert response.status_code == 302
    assert list(note.present_workers.all()) == [newcomer]
    waiting = client_for(newcomer)
    assert waiting.get(url("note", note.pk)).status_code == 404
    assert waiting.get(url("person", world.csc_child.pk)).status_code == 404
