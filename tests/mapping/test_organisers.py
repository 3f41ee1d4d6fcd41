"""A meeting's organisers are its proposer, the managers of the team she proposed it from,
and administrators. The team is kept on the meeting when it is proposed: when the proposer
later moves team (here to a partner organisation, a shopping centre's security team), her
new team's manager gets none of her past meetings (minutes and decisions naming children,
the papers, inviting, cancelling and closing), and her old team's managers keep them. She
herself organises it, and reads its minutes, only while she is in the agency she proposed
it from: moved to another, she needs its minutes about that agency's children no more."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access import meetings as policies
from locus.access.models import Role, Scope, Worker
from locus.common.errors import NotPermitted
from locus.mapping.models import Meeting, MeetingStatus
from locus.mapping.services import meeting_close
from tests.factories import World, client_for, make_worker, move_worker
from tests.mapping.helpers import hold, propose, schedule
from tests.mapping.test_minutes_sight import DECISION, NOTES

pytestmark = pytest.mark.django_db


def _held(world: World) -> Meeting:
    """Proposed by the social worker (Contextual Safeguarding Team A), held, with minutes."""
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    meeting = hold(world, meeting, decisions=(DECISION,))
    Meeting.objects.filter(pk=meeting.pk).update(notes=NOTES)
    return Meeting.objects.get(pk=meeting.pk)


def _security_manager(world: World) -> Worker:
    return make_worker(
        world.system,
        team=world.partner_team,
        role=Role.MANAGER,
        scope=Scope.AGENCY,
        username="security_manager",
    )


def _page(worker: Worker, meeting: Meeting) -> tuple[int, str]:
    response = client_for(worker).get(reverse("meeting", args=[meeting.pk]))
    return response.status_code, response.content.decode()


def test_the_proposers_new_manager_neither_reads_nor_runs_her_old_meetings(
    world: World,
) -> None:
    meeting = _held(world)
    move_worker(world.social_worker, world.partner_team)
    security = _security_manager(world)
    status, _ = _page(security, meeting)
    # Her invitation as the proposer keeps her old team too: he does not open it at all.
    assert status == 404
    assert not policies.is_organiser(security, meeting)
    assert not policies.can_read_minutes(security, meeting)
    # Nor the papers, which follow the minutes.
    assert not policies.meetings_sharing_minutes_with(security).filter(pk=meeting.pk).exists()
    with pytest.raises(NotPermitted):
        meeting_close(actor=security, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_the_old_team_s_manager_still_organises_a_moved_proposer_s_meeting(
    world: World,
) -> None:
    meeting = _held(world)
    move_worker(world.social_worker, world.partner_team)
    status, html = _page(world.team_manager, meeting)
    assert status == 200
    assert escape(NOTES) in html and escape(DECISION) in html
    assert policies.meetings_sharing_minutes_with(world.team_manager).filter(pk=meeting.pk)
    meeting = meeting_close(actor=world.team_manager, meeting=meeting)
    assert meeting.status == MeetingStatus.CLOSED


def test_a_proposer_who_moves_agency_organises_it_no_more_nor_reads_its_minutes(
    world: World,
) -> None:
    # Was: she organised her meeting, and read its minutes naming her old agency's
    # children, wherever she moved. Need-to-know: they are her old team's managers' now.
    meeting = _held(world)
    move_worker(world.social_worker, world.partner_team)
    assert not policies.is_organiser(world.social_worker, meeting)
    assert not policies.can_read_minutes(world.social_worker, meeting)
    assert not policies.meetings_sharing_minutes_with(world.social_worker).filter(pk=meeting.pk)
    with pytest.raises(NotPermitted):
        meeting_close(actor=world.social_worker, meeting=meeting)
    # She still opens it, as its invitee (who called it and who was invited), not the minutes.
    status, html = _page(world.social_worker, meeting)
    assert status == 200
    assert escape(NOTES) not in html and escape(DECISION) not in html
    # Her old team's manager organises it (the meeting is never left without an organiser),
    # and the page says so.
    assert policies.is_organiser(world.team_manager, meeting)
    now = f"the managers of {world.csc_team_a.name} organise this meeting now"
    assert now in html and now in _page(world.team_manager, meeting)[1]
    # Moved back, it is hers again.
    move_worker(world.social_worker, world.csc_team_b)
    assert policies.is_organiser(world.social_worker, meeting)
    assert policies.meetings_sharing_minutes_with(world.social_worker).filter(pk=meeting.pk)


def test_a_proposer_who_moves_team_within_her_agency_still_organises(world: World) -> None:
    meeting = _held(world)
    move_worker(world.social_worker, world.csc_team_b)
    assert policies.is_organiser(world.social_worker, meeting)
    assert policies.can_read_minutes(world.social_worker, meeting)
    assert "organise this meeting now" not in _page(world.team_manager, meeting)[1]


def test_proposing_keeps_the_proposers_team_and_the_page_names_it(world: World) -> None:
    meeting = propose(world)
    assert meeting.proposer_team == world.csc_team_a
    move_worker(world.social_worker, world.partner_team)
    # The page says whom the meeting came from: the team she proposed it from.
    _, html = _page(world.team_manager, meeting)
    proposed_by = html.split("Proposed by</dt>", 1)[1].split("</dd>", 1)[0]
    team = world.csc_team_a
    assert escape(f"{world.social_worker}, {team.name}, {team.agency.name}") in proposed_by


def test_a_manager_who_joins_the_proposing_team_later_organises_its_meetings(
    world: World,
) -> None:
    # The team's managers organise, whoever they are now: a manager who joins it takes over.
    meeting = _held(world)
    newcomer = make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER)
    assert not policies.is_organiser(newcomer, meeting)
    move_worker(newcomer, world.csc_team_a)
    assert policies.is_organiser(newcomer, meeting)
    assert policies.meetings_visible_to(newcomer).filter(pk=meeting.pk).exists()
    assert policies.can_read_minutes(newcomer, meeting)
