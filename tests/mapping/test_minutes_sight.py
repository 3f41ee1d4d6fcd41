"""Who reads a mapping meeting's minutes and decisions.

The minutes are free text that may name children, so they follow the forum share: the
organisers, the worker who recorded them and invitees who confirmed they attended read
them. An invitee who never confirmed (or sent apologies) and a manager of an invitee's
team may open the meeting, and read only that minutes were recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access.models import Role, Worker
from locus.common.errors import NotPermitted
from locus.mapping import selectors
from locus.mapping.models import Decision, Meeting
from locus.mapping.services import attendance_confirm, decision_add
from tests.factories import World, client_for, make_worker
from tests.mapping.helpers import hold, propose, schedule

pytestmark = pytest.mark.django_db

NOTES = "Ciara was seen with the older boys at Millfields park on Fridays"
DECISION = "Youth service to run Friday sessions at the park"
WITHHELD = "The minutes and decisions go to the meeting's organisers"


def _minuted(world: World) -> Meeting:
    """Held: the police analyst and the youth justice worker marked present, not confirmed."""
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    meeting = hold(world, meeting, decisions=(DECISION,), confirmed=False)
    Meeting.objects.filter(pk=meeting.pk).update(notes=NOTES)
    return Meeting.objects.get(pk=meeting.pk)


def _page(worker: Worker, meeting: Meeting) -> str:
    response = client_for(worker).get(reverse("meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _reads(worker: Worker, meeting: Meeting) -> bool:
    page = _page(worker, meeting)
    shown = escape(NOTES) in page and escape(DECISION) in page
    assert shown is not (WITHHELD in page)  # one or the other, never both, never neither
    detail = selectors.meeting_detail(viewer=worker, meeting=meeting)
    assert detail.can_read_minutes is shown
    assert bool(detail.decisions) is shown
    return shown


def test_an_invitee_who_has_not_confirmed_reads_only_that_minutes_were_recorded(
    world: World,
) -> None:
    meeting = _minuted(world)
    page = _page(world.police_analyst, meeting)
    assert "Minutes recorded" in page
    assert not _reads(world.police_analyst, meeting)
    assert "Confirm that you attended to read them" in page
    # Confirming her attendance is what shares the meeting with her.
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    assert _reads(world.police_analyst, meeting)


def test_an_invitee_who_sent_apologies_never_reads_them(world: World) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    meeting = hold(world, meeting, attendance={world.police_analyst: "apologies"})
    Meeting.objects.filter(pk=meeting.pk).update(notes=NOTES)
    page = _page(world.police_analyst, meeting)
    assert escape(NOTES) not in page and WITHHELD in page
    assert "Confirm that you attended" not in page


def test_a_manager_of_an_invitee_s_team_opens_the_meeting_but_not_its_minutes(
    world: World,
) -> None:
    manager = make_worker(world.system, team=world.yjs_team, role=Role.MANAGER)
    meeting = _minuted(world)
    attendance_confirm(actor=world.yjs_worker, meeting=meeting)
    assert not _reads(manager, meeting)
    assert _reads(world.yjs_worker, meeting)  # her team member confirmed: he reads them


def test_the_organisers_and_the_recorder_read_them(world: World) -> None:
    meeting = _minuted(world)
    assert _reads(world.social_worker, meeting)  # proposer and recorder
    assert _reads(world.team_manager, meeting)  # manages the proposer's team
    assert _reads(world.admin, meeting)


def test_the_recorder_reads_the_minutes_they_wrote_without_marking_themselves_present(
    world: World,
) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    meeting = hold(
        world,
        meeting,
        actor=world.police_analyst,
        attendance={world.police_analyst: "apologies"},
        decisions=(DECISION,),
        confirmed=False,
    )
    Meeting.objects.filter(pk=meeting.pk).update(notes=NOTES)
    assert _reads(world.police_analyst, meeting)


def test_who_may_not_read_the_minutes_adds_no_decision(world: World) -> None:
    meeting = _minuted(world)
    url = reverse("meeting-decision", args=[meeting.pk])
    analyst = client_for(world.police_analyst)
    assert url not in _page(world.police_analyst, meeting)
    assert analyst.get(url).status_code == 404
    assert analyst.post(url, {"text": "A decision"}).status_code == 404
    with pytest.raises(NotPermitted):
        decision_add(actor=world.police_analyst, meeting=meeting, text="A decision")
    assert not Decision.objects.filter(text="A decision").exists()
    # Once she confirms she attended, she may.
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    assert url in _page(world.police_analyst, meeting)
    decision_add(actor=world.police_analyst, meeting=meeting, text="A decision")
    assert Decision.objects.filter(meeting=meeting, text="A decision").exists()
