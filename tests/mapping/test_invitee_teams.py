"""A manager may open the mapping meetings of the workers invited from their team: the team
each invitee was in when invited, kept on the invitation (``Invitee.team``), not the team
they are in now. When an invitee later moves team (here from children's social care to a
partner organisation, a shopping centre's security team), her new team's manager gets none
of her past meetings (their title, purpose, who was invited, a description of each child),
and her old team's managers keep them.

The rule is the team's, as the organisers' is: a manager who joins the invitee's old team
later opens its past meetings (the team's work stays with the team), and a manager who joins
her new team later gets none of the meetings she was invited to before she moved. She
herself keeps them, as an invitee."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access import meetings as policies
from locus.access.models import Role, Worker
from locus.mapping import selectors
from locus.mapping.models import Meeting
from locus.mapping.services import meeting_invite
from tests.factories import World, client_for, make_manager, make_worker, move_worker
from tests.mapping.helpers import propose

pytestmark = pytest.mark.django_db

TITLE = "Millfields group mapping"


def _invited_from_team_b(world: World) -> Meeting:
    """Proposed by the social worker (Team A), with a social worker of Team B invited."""
    return propose(world, invitees=[world.other_social_worker])


def _status(worker: Worker, meeting: Meeting) -> int:
    return client_for(worker).get(reverse("meeting", args=[meeting.pk])).status_code


def _listed(worker: Worker, meeting: Meeting) -> bool:
    listed = selectors.meetings_for(viewer=worker).filter(pk=meeting.pk).exists()
    page = client_for(worker).get(reverse("meetings")).content.decode()
    assert listed == (escape(TITLE) in page)
    return listed


def test_inviting_keeps_the_invitees_team(world: World) -> None:
    meeting = _invited_from_team_b(world)
    invitation = meeting.invitees.get(worker=world.other_social_worker)
    assert invitation.team == world.csc_team_b
    # One invited later, by the service that invites one more, keeps hers too.
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    assert meeting.invitees.get(worker=world.school_dsl).team == world.school_team


def test_the_moved_invitees_new_manager_gets_404_and_no_list_entry(world: World) -> None:
    meeting = _invited_from_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    assert _status(security, meeting) == 404
    assert not _listed(security, meeting)
    assert not policies.meetings_visible_to(security).filter(pk=meeting.pk).exists()


def test_the_moved_invitees_old_manager_keeps_her_meetings(world: World) -> None:
    meeting = _invited_from_team_b(world)
    team_b_manager = make_manager(world.system, team=world.csc_team_b)
    move_worker(world.other_social_worker, world.partner_team)
    assert _status(team_b_manager, meeting) == 200
    assert _listed(team_b_manager, meeting)


def test_the_moved_invitee_herself_keeps_her_meetings(world: World) -> None:
    meeting = _invited_from_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    assert _status(world.other_social_worker, meeting) == 200
    assert _listed(world.other_social_worker, meeting)


def test_a_manager_who_joins_her_new_team_later_gets_none_of_her_past_meetings(
    world: World,
) -> None:
    meeting = _invited_from_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    newcomer = make_manager(world.system, team=world.police_team)
    move_worker(newcomer, world.partner_team)
    assert _status(security, meeting) == 404
    assert _status(newcomer, meeting) == 404
    assert not _listed(newcomer, meeting)


def test_a_manager_who_joins_her_old_team_later_opens_its_past_meetings(world: World) -> None:
    # The team's managers, whoever they are now, as for the organisers (the chosen rule).
    meeting = _invited_from_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    newcomer = make_worker(world.system, team=world.police_team, role=Role.MANAGER)
    assert not policies.meetings_visible_to(newcomer).filter(pk=meeting.pk).exists()
    move_worker(newcomer, world.csc_team_b)
    assert _status(newcomer, meeting) == 200
    # It opens the meeting only: the minutes follow the share (access.meetings.can_read_minutes).
    assert not policies.can_read_minutes(newcomer, meeting)


def test_a_practitioner_of_the_team_gets_nothing_by_the_managers_rule(world: World) -> None:
    meeting = _invited_from_team_b(world)
    practitioner = make_worker(world.system, team=world.csc_team_b)
    assert _status(practitioner, meeting) == 404
