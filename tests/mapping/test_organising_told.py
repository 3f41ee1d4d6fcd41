"""A proposer who moves to another agency organises her mapping meetings no more: the
managers of the team she proposed each from do (``test_organisers``). Was: nobody told them,
so a meeting waiting to be scheduled, or to be closed, sat with managers who did not know it
was theirs. Now each is told when the admin site saves the move, in its transaction: which
kind of meeting and its date (never its title, free text that may name a child), with the
meeting's page. A move within her agency changes nothing, and tells nobody."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from locus.access.models import Role, Scope, Worker
from locus.mapping.models import Meeting
from locus.mapping.services import meeting_cancel
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import on_day
from tests.access.test_admin import _change_form
from tests.factories import World, client_for, end_cases, make_worker
from tests.mapping.helpers import propose, schedule

pytestmark = pytest.mark.django_db

KIND = NotificationKind.MEETING_TO_ORGANISE


def _move(world: World, worker: Worker, team_id: int) -> None:
    """The administrator moves ``worker`` on the admin site (her cases passed on first)."""
    end_cases(worker, world.team_manager)
    form = _change_form(Worker.objects.get(pk=worker.pk), team=str(team_id))
    page = client_for(world.admin).post(f"/admin/access/worker/{worker.pk}/change/", form)
    assert page.status_code == 302
    assert Worker.objects.get(pk=worker.pk).team_id == team_id


def _meetings(world: World) -> tuple[Meeting, Meeting]:
    """Two of the social worker's meetings not yet over (one proposed, one scheduled) and a
    cancelled one, which nobody organises any more."""
    proposed = propose(world, invitees=[world.police_analyst])
    scheduled = schedule(world, propose(world))
    meeting_cancel(actor=world.social_worker, meeting=propose(world), reason="Not needed now")
    return proposed, scheduled


def test_moved_to_another_agency_her_old_team_s_managers_are_told(world: World) -> None:
    proposed, scheduled = _meetings(world)
    # Her new team has a manager (asked to confirm her access, told nothing of her meetings).
    make_worker(world.system, team=world.partner_team, role=Role.MANAGER, scope=Scope.AGENCY)
    _move(world, world.social_worker, world.partner_team.pk)
    told = list(Notification.objects.filter(kind=KIND).order_by("record_id"))
    # Her old team's manager, once for each meeting not yet over; nobody else (not her, nor
    # her new team's manager, the administrator who moved her or anyone invited).
    assert [(n.recipient, n.record_id) for n in told] == [
        (world.team_manager, proposed.pk),
        (world.team_manager, scheduled.pk),
    ]
    day = on_day(timezone.localtime(proposed.proposed_at).date())
    when = on_day(timezone.localtime(scheduled.scheduled_for).date())
    who = str(world.social_worker)
    assert told[0].text == (
        f"{who} has moved team and no longer organises the peer group mapping meeting they "
        f"proposed on {day}: as a manager of their old team, you organise it now"
    )
    assert told[1].text.startswith(
        f"{who} has moved team and no longer organises the peer group mapping meeting on "
        f"{when} they proposed:"
    )
    for notice, meeting in zip(told, (proposed, scheduled), strict=True):
        assert meeting.title not in notice.text
        assert world.csc_child.given_name not in notice.text
        assert notice.url == reverse("meeting", args=[meeting.pk])
        assert client_for(world.team_manager).get(notice.url).status_code == 200


def test_a_move_within_her_agency_tells_nobody(world: World) -> None:
    _meetings(world)
    _move(world, world.social_worker, world.csc_team_b.pk)
    assert not Notification.objects.filter(kind=KIND).exists()
