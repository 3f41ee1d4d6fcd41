"""What a mapping meeting shares with an invitee (the children its holders agreed to bring,
its minutes and decisions) holds only while the invitee stays in the agency they were invited
in (the team kept on the invitation, ``Invitee.team``) and has not moved into the conference
chairs' unit: a worker who moves within their agency keeps it; one who moves to a partner
organisation or into the chairs' unit takes none of it with them, and minutes nothing there.
They still open the meeting, as its invitee (RULES.md, forum share)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import meetings as policies
from locus.access.models import Team, Worker
from locus.access.scopes import people_visible_to
from locus.access.services import team_create
from locus.common.errors import NotPermitted
from locus.mapping.models import Meeting
from locus.mapping.services import attendance_confirm
from tests.factories import World, client_for, end_cases, move_worker, nothing_written
from tests.mapping.helpers import hold, propose, schedule

pytestmark = pytest.mark.django_db

MINUTES = "We mapped the group."


def _attended_by_team_b(world: World) -> Meeting:
    """Held, with a social worker of Team B (children's social care) there, confirmed."""
    return hold(world, schedule(world, propose(world, invitees=[world.other_social_worker])))


def _reads(world: World, worker: Worker, meeting: Meeting) -> dict[str, bool]:
    """Whether ``worker`` sees the youth justice child (only the meeting shares her with
    Team B), reads the minutes (their page, their list) and may minute the meeting."""
    page = client_for(worker).get(reverse("meeting", args=[meeting.pk]))
    assert page.status_code == 200  # she opens it still, as its invitee
    reads = policies.can_read_minutes(worker, meeting)
    assert reads == policies.meetings_sharing_minutes_with(worker).filter(pk=meeting.pk).exists()
    assert reads == (MINUTES in page.content.decode())
    return {
        "child": people_visible_to(worker).filter(pk=world.yjs_child.pk).exists(),
        "minutes": reads,
        "writes": policies.can_record_minutes(worker, meeting),
    }


EVERYTHING = {"child": True, "minutes": True, "writes": True}
NOTHING = {"child": False, "minutes": False, "writes": False}


def test_before_she_moves_the_meeting_shares_with_her(world: World) -> None:
    meeting = _attended_by_team_b(world)
    assert _reads(world, world.other_social_worker, meeting) == EVERYTHING


def test_moving_within_her_agency_keeps_what_it_shared(world: World) -> None:
    meeting = _attended_by_team_b(world)
    move_worker(world.other_social_worker, world.csc_team_a)
    assert _reads(world, world.other_social_worker, meeting) == EVERYTHING


def test_moving_to_a_partner_organisation_ends_it(world: World) -> None:
    meeting = _attended_by_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    assert _reads(world, world.other_social_worker, meeting) == NOTHING


def test_moving_into_the_chairs_unit_of_her_own_agency_ends_it(world: World) -> None:
    meeting = _attended_by_team_b(world)
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    move_worker(world.other_social_worker, unit)
    assert _reads(world, world.other_social_worker, meeting) == NOTHING


def test_moving_back_restores_it(world: World) -> None:
    """The rule asks where she is now: back in her agency, her invitation carries again."""
    meeting = _attended_by_team_b(world)
    move_worker(world.other_social_worker, world.partner_team)
    move_worker(world.other_social_worker, Team.objects.get(pk=world.csc_team_b.pk))
    assert _reads(world, world.other_social_worker, meeting) == EVERYTHING


@pytest.mark.parametrize("moved_to", ["partner organisation", "chairs' unit"])
def test_one_who_moved_is_not_offered_attendance_to_confirm_and_cannot_confirm_it(
    world: World, moved_to: str
) -> None:
    """Confirming would give one who moved nothing (their invitation carries nothing now):
    the page does not offer it, its form is "not found" and the service refuses it. Before,
    the page offered it and the service recorded it. Back in her agency, it is offered
    again."""
    worker = world.other_social_worker
    meeting = hold(world, schedule(world, propose(world, invitees=[worker])), confirmed=False)
    confirm = reverse("meeting-confirm-attendance", args=[meeting.pk])
    assert confirm in client_for(worker).get(reverse("meeting", args=[meeting.pk])).content.decode()
    if moved_to == "chairs' unit":
        unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
        move_worker(worker, unit)
    else:
        move_worker(worker, world.partner_team)
    worker.refresh_from_db()
    client = client_for(worker)
    page = client.get(reverse("meeting", args=[meeting.pk]))
    assert page.status_code == 200 and confirm not in page.content.decode()
    assert client.get(confirm).status_code == 404
    assert client.post(confirm, {}).status_code == 404
    with pytest.raises(NotPermitted):
        attendance_confirm(actor=worker, meeting=meeting)
    assert not policies.can_confirm_attendance(worker, meeting)
    assert meeting.invitees.get(worker=worker).confirmed_at is None

    move_worker(worker, Team.objects.get(pk=world.csc_team_b.pk))
    worker.refresh_from_db()
    assert confirm in client_for(worker).get(reverse("meeting", args=[meeting.pk])).content.decode()


def test_a_proposer_who_moved_minutes_nothing_and_her_attendance_shares_nothing(
    world: World,
) -> None:
    """A proposer who has moved to a partner organisation organises the meeting no more, so
    records no minutes (before, she did, and her own "attended" was her confirmation); her
    old team's manager minutes it, and the child she agreed to bring is not shared with the
    others, since she cannot confirm being there."""
    proposer, other = world.social_worker, world.other_social_worker
    meeting = schedule(world, propose(world, invitees=[other]))
    end_cases(proposer)
    move_worker(proposer, world.partner_team)
    proposer.refresh_from_db()
    assert not policies.can_record_minutes(proposer, meeting)
    assert not policies.carries_invitation(proposer, meeting)
    with nothing_written(Meeting), pytest.raises(NotPermitted):
        hold(world, meeting, actor=proposer, confirmed=False)
    hold(world, meeting, actor=world.team_manager, confirmed=False)
    assert not policies.can_confirm_attendance(proposer, meeting)
    assert meeting.invitees.get(worker=proposer).confirmed_at is None
    attendance_confirm(actor=other, meeting=meeting)
    assert meeting.invitees.get(worker=other).confirmed_at is not None
    assert not people_visible_to(other).filter(pk=world.csc_child.pk).exists()
