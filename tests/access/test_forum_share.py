"""The forum share (docs/access.md): a worker sees what was shared at a forum they sat on.

Once a peer group mapping meeting is held, workers who confirmed they attended
see the children whose holders agreed to bring them and confirmed attending
too (the helpers take that whole path; ``tests/mapping/test_forum_share_rules.py``
tests each condition); nobody else gains sight, and nobody does before it is
held or after it is closed.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from locus.access import lookups, policies, scopes
from locus.access.models import Scope
from locus.access.selectors import visible_person_ids
from locus.mapping.models import Attendance
from locus.mapping.services import meeting_cancel, meeting_close
from tests.factories import World, make_worker
from tests.mapping.helpers import hold, propose, schedule

pytestmark = pytest.mark.django_db


def sees(world: World, persona: str, child: str) -> bool:
    return policies.can_view_person(world.persona(persona), getattr(world, child))


def test_attendees_of_a_held_meeting_see_each_other_s_children(world: World) -> None:
    meeting = schedule(world, propose(world))
    assert not sees(world, "social_worker", "yjs_child")
    assert not sees(world, "yjs_worker", "csc_child")
    hold(world, meeting)
    assert sees(world, "social_worker", "yjs_child")
    assert sees(world, "yjs_worker", "csc_child")
    assert (
        lookups.access_person(world.yjs_worker, world.csc_child.pk, shared=True) == world.csc_child
    )


def test_nothing_is_shared_before_the_meeting_is_held(world: World) -> None:
    meeting = propose(world, invitees=[world.police_analyst])
    for step in ("proposed", "scheduled"):
        if step == "scheduled":
            schedule(world, meeting)
        for persona, child in (
            ("social_worker", "yjs_child"),
            ("yjs_worker", "csc_child"),
            ("police_analyst", "csc_child"),
            ("police_analyst", "yjs_child"),
        ):
            assert not sees(world, persona, child), (step, persona, child)


@pytest.mark.parametrize("attendance", [Attendance.APOLOGIES, Attendance.ABSENT])
def test_invitees_who_did_not_attend_see_nothing_more(world: World, attendance: str) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting, attendance={world.police_analyst: attendance})
    assert not sees(world, "police_analyst", "csc_child")
    assert not sees(world, "police_analyst", "yjs_child")
    with pytest.raises(Http404):
        lookups.access_person(world.police_analyst, world.csc_child.pk, shared=True)
    # Those who attended do.
    assert sees(world, "yjs_worker", "csc_child")


def test_an_added_invitee_who_attended_sees_the_children(world: World) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting)
    assert sees(world, "police_analyst", "csc_child")
    assert sees(world, "police_analyst", "yjs_child")
    # ...and only those children: the share is the meeting's, not the agency's.
    assert not sees(world, "police_analyst", "other_child")


def test_workers_who_were_not_at_the_meeting_gain_nothing(world: World) -> None:
    hold(world, schedule(world, propose(world)))
    for persona in ("teammate", "team_manager", "other_social_worker", "school_dsl"):
        assert not sees(world, persona, "yjs_child"), persona
    assert not scopes.people_visible_to(world.auditor).exists()


def test_closing_the_meeting_ends_the_share(world: World) -> None:
    meeting = hold(world, schedule(world, propose(world)))
    assert sees(world, "yjs_worker", "csc_child")
    meeting_close(actor=world.social_worker, meeting=meeting)
    assert not sees(world, "yjs_worker", "csc_child")
    assert not sees(world, "social_worker", "yjs_child")
    assert sees(world, "social_worker", "csc_child")  # her own case, as before


def test_a_cancelled_meeting_shares_nothing(world: World) -> None:
    meeting = schedule(world, propose(world))
    meeting_cancel(actor=world.social_worker, meeting=meeting, reason="Not needed")
    assert not sees(world, "yjs_worker", "csc_child")


def test_the_share_holds_at_own_scope_and_not_for_an_inactive_worker(world: World) -> None:
    solo = make_worker(world.system, team=world.yjs_team, scope=Scope.OWN)
    meeting = schedule(world, propose(world, invitees=[solo]))
    hold(world, meeting)
    assert policies.can_view_person(solo, world.csc_child)
    solo.is_active = False
    assert not policies.can_view_person(solo, world.csc_child)


def test_sight_through_the_forum_is_still_one_query(world: World) -> None:
    hold(world, schedule(world, propose(world)))
    ids = [world.csc_child.pk, world.yjs_child.pk, world.other_child.pk]
    with CaptureQueriesContext(connection) as ctx:
        seen = visible_person_ids(world.yjs_worker, ids)
    assert seen == {world.csc_child.pk, world.yjs_child.pk}
    assert len(ctx.captured_queries) == 1


def test_the_share_follows_through_to_the_child_s_records(world: World) -> None:
    # A share shows what it carried, not the whole record: not the child's home (an address,
    # reached through a resident only by those who see the resident in their own right).
    assert not policies.can_view_context(world.yjs_worker, world.home)
    hold(world, schedule(world, propose(world)))
    assert policies.can_view_person(world.yjs_worker, world.csc_child)
    assert not policies.can_view_context(world.yjs_worker, world.home)
    # Seeing a child does not make her case the attendee's to edit.
    assert not policies.can_edit_person(world.yjs_worker, world.csc_child)


def test_a_share_shows_what_was_shared_and_nothing_else_of_the_record(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from locus.audit.models import AccessEvent

    meeting = hold(world, schedule(world, propose(world, invitees=[world.police_analyst])))
    analyst = world.police_analyst
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    page = page.split('id="main-content"', 1)[1]  # the page, not the menu
    assert "Shared with you at a peer group mapping meeting" in page
    assert meeting.title in page and world.social_worker.get_full_name() in page
    # Not the rest of the record: her peer group, her home, her incidents and associations.
    group_link = reverse("group", args=[world.group.pk])
    for withheld in (group_link, world.home.name, "Associations", "Incidents", "Peer groups"):
        assert withheld not in page, withheld
    assert not policies.can_view_context(analyst, world.group)
    assert not policies.can_view_context(analyst, world.home)
    read = AccessEvent.objects.get(actor=analyst, record_id=str(world.csc_child.pk))
    assert read.detail["meetings"] == [meeting.pk]
    # Her own caseworker still sees the whole record.
    client.force_login(world.social_worker)
    own = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    assert "Shared with you" not in own and group_link in own
