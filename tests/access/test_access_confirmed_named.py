"""A waiting account has no powers from being named either, and is given no work.

An account whose access waits for a second person (``access/provisioning.py``) sees nothing,
so the pages of what it was named on are closed to it; the services behind them asked only
that the account be active. Was: a proposer moved into another team, whose access waited,
still cancelled her mapping meeting through the service, a waiting invitee confirmed her
attendance (and so took the meeting's share) and recorded its minutes and papers, a panel's
organiser and attendee still wrote its record, and a waiting worker downloaded an export made
before. And a waiting worker was offered, and accepted by the services, as a case's lead,
chair, an action's owner or a case holder: work given to someone who cannot act on it."""

from __future__ import annotations

import pytest

from locus.access import context_cases, meetings, panel_meetings, transfers
from locus.access.documents import can_upload
from locus.access.exports import owns_export
from locus.access.models import Role, Scope, Worker
from locus.access.recording import holders_for
from locus.access.services import worker_access_confirm
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.mapping.selectors import invitable_workers
from locus.mapping.services import attendance_confirm, meeting_cancel
from locus.people.services import allocation_create
from tests.access.test_access_confirmed import _waiting
from tests.access.test_provisioning import _admin_saves
from tests.factories import World, client_for
from tests.mapping.helpers import hold, propose, schedule
from tests.panels.helpers import with_agenda

pytestmark = pytest.mark.django_db


def _made_to_wait(world: World, worker: Worker) -> Worker:
    """An administrator widens the worker's scope on the admin site: the account waits."""
    return _admin_saves(client_for(world.admin), worker, scope=Scope.ALL)


def test_a_waiting_proposer_no_longer_organises_her_meeting(world: World) -> None:
    meeting = schedule(world, propose(world))
    proposer = _made_to_wait(world, world.social_worker)
    assert not meetings.is_organiser(proposer, meeting)
    assert not meetings.can_read_minutes(proposer, meeting)
    with pytest.raises(NotPermitted):
        meeting_cancel(actor=proposer, meeting=meeting, reason="Nobody can come")


def test_a_waiting_invitee_neither_confirms_attending_nor_minutes_nor_files(world: World) -> None:
    meeting = schedule(world, propose(world))
    meeting = hold(world, meeting, confirmed=False)
    invitee = _made_to_wait(world, world.yjs_worker)
    assert meetings.can_confirm_attendance(world.yjs_worker, meeting)
    assert not meetings.can_confirm_attendance(invitee, meeting)
    assert not meetings.can_record_minutes(invitee, meeting)
    assert not can_upload(invitee, meeting)
    with pytest.raises(NotPermitted):
        attendance_confirm(actor=invitee, meeting=meeting)


def test_a_waiting_organiser_or_attendee_writes_nothing_on_a_panel(world: World) -> None:
    meeting = with_agenda(world)
    organiser = _made_to_wait(world, world.social_worker)
    assert not panel_meetings.is_organiser(organiser, meeting)
    assert not panel_meetings.can_record_discussion(organiser, meeting)
    assert not panel_meetings.can_read_discussion(organiser, meeting)
    chair = _made_to_wait(world, world.team_manager)
    assert meeting.chair_id == chair.pk
    assert not panel_meetings.is_organiser(chair, meeting)


def test_a_waiting_worker_downloads_no_export_of_theirs(world: World) -> None:
    assert owns_export(world.social_worker, world.social_worker.pk)
    waiting = _made_to_wait(world, world.social_worker)
    assert not owns_export(waiting, waiting.pk)


def test_a_waiting_worker_is_given_no_work(world: World) -> None:
    """Not offered, nor accepted, as a lead, an assessor, an owner, a chair or a case holder."""
    from tests.casework.helpers import open_case

    case = open_case(world)
    waiting = _waiting(world, Role.PRACTITIONER)
    assert not context_cases.is_casework_worker(waiting)
    assert waiting not in context_cases.casework_workers()
    assert not context_cases.can_chair(waiting, case)
    assert not transfers.holds_cases(waiting)
    assert waiting not in transfers.case_holders()
    assert waiting not in holders_for(world.team_manager)
    assert waiting not in invitable_workers()
    with pytest.raises(ValidationFailed):
        allocation_create(
            actor=world.team_manager, person=world.team_child, worker=waiting, start=clock.today()
        )
    worker_access_confirm(actor=world.team_manager, worker=waiting)
    confirmed = Worker.objects.get(pk=waiting.pk)
    assert context_cases.is_casework_worker(confirmed)
    assert confirmed in context_cases.casework_workers()
    assert context_cases.can_chair(confirmed, case)
    assert transfers.holds_cases(confirmed)
    assert confirmed in transfers.case_holders()
    assert confirmed in holders_for(world.team_manager)
    assert confirmed in invitable_workers()
    allocation_create(
        actor=world.team_manager, person=world.team_child, worker=confirmed, start=clock.today()
    )


def test_a_chairs_line_manager_is_too_close_while_their_own_access_waits(world: World) -> None:
    """The conflict check is not a power given: another account of the candidate's, a manager
    of the lead's team, keeps them from chairing whether or not its access is confirmed."""
    from tests.casework.helpers import open_case
    from tests.factories import make_worker

    case = open_case(world)
    candidate = make_worker(world.system, team=world.csc_team_b, username="dual")
    manager = make_worker(
        world.system, team=case.lead.team, role=Role.MANAGER, username="dual.manager"
    )
    assert context_cases.can_chair(candidate, case)
    # Accounts made before one person had one account: the same email on both.
    Worker.objects.filter(pk=manager.pk).update(email=candidate.email)
    assert not context_cases.can_chair(candidate, case)
    Worker.objects.filter(pk=manager.pk).update(access_awaiting_since=clock.now())
    assert not context_cases.can_chair(candidate, case)


def test_a_manager_whose_access_waits_passes_no_sign_off_asked_of_them(world: World) -> None:
    """Was: the manager a sign-off was asked of passed it on to a manager of their choice
    while their access waited; only that they were active was asked."""
    from locus.casework.models import SignOffRequest
    from tests.casework.helpers import submitted_case
    from tests.casework.test_separation_of_duties import another_manager, pass_on

    second = another_manager(world)
    case = submitted_case(world)  # social_worker asked team_manager
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    assert context_cases.can_reassign_sign_off(world.team_manager, asked)
    waiting = _made_to_wait(world, world.team_manager)
    assert not context_cases.can_reassign_sign_off(waiting, asked)
    with pytest.raises(NotPermitted):
        pass_on(waiting, asked, second)
