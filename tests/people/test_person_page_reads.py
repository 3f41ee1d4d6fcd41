"""A child's page lists their associations, incidents, legal-status episodes and peer group
memberships, and names the places and groups around them: its read's audit entry names each
by id, beside the people it names, so the trail says which records the reader saw. Before,
the entry named the peers, holders, moves, holds, panels and safety map only."""

from __future__ import annotations

from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.peers.models import GroupMembership
from tests.factories import World, client_for, make_association, make_incident


def test_the_child_s_page_logs_the_records_it_lists(world: World) -> None:
    child = world.csc_child
    association = make_association(world.system, person=child, other=world.team_child)
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(child, "harmed")],
    )
    page = client_for(world.social_worker).get(reverse("person", args=[child.pk]))
    assert page.status_code == 200
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.record_id == str(child.pk)
    assert read.detail["associations_shown"] == [association.pk]
    assert read.detail["incidents_shown"] == [incident.pk]
    assert read.detail["episodes_shown"] == [e.pk for e in child.episodes.order_by("-start", "id")]
    assert read.detail["episodes_shown"]  # the child in need episode
    membership = GroupMembership.objects.get(person=child, group=world.group)
    assert read.detail["memberships_shown"] == [membership.pk]
    assert {world.home.pk, world.group.pk, world.park.pk} <= set(read.detail["places_shown"])
