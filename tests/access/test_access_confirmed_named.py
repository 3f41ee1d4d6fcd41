"""A waiting account has no powers from being named either.

An account whose access waits for a second person (``access/provisioning.py``) sees nothing,
so the pages of what it was named on are closed to it; the services behind them asked only
that the account be active. Was: a proposer moved into another team, whose access waited,
still cancelled her mapping meeting through the service, a waiting invitee confirmed her
attendance (and so took the meeting's share) and recorded its minutes and papers, a panel's
organiser and attendee still wrote its record, and a waiting worker downloaded an export made
before."""

from __future__ import annotations

import pytest

from locus.access import documents, exports, meetings, panel_meetings
from locus.access.models import Scope, Worker
from locus.common.errors import NotPermitted
from locus.mapping.services import attendance_confirm, meeting_cancel
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
    assert not documents.can_upload(invitee, meeting)
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
    assert exports.owns_export(world.social_worker, world.social_worker.pk)
    waiting = _made_to_wait(world, world.social_worker)
    assert not exports.owns_export(waiting, waiting.pk)
