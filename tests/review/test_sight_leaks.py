"""Review: records and counts that reach a worker the rules say must not see them.

Each test asserts the behaviour RULES.md asks for, so it fails until fixed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access.models import Role
from locus.common.errors import NotPermitted
from locus.incidents.models import InvolvementRole
from locus.peers.selectors import group_detail
from locus.peers.services import membership_add
from locus.people.services import allocation_create
from locus.places.models import ContextKind
from tests.factories import (
    START,
    World,
    client_for,
    make_context,
    make_incident,
    make_person,
    make_worker,
)

pytestmark = pytest.mark.django_db


def test_person_page_does_not_name_a_former_peer_group_the_viewer_cannot_see(
    world: World,
) -> None:
    # A group the social worker has no sight of: csc_child left it, nobody she sees is in it.
    secret = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Secret Arches Crew")
    membership_add(
        actor=world.system,
        person=world.csc_child,
        group=secret,
        role="core",
        since=START,
        until=START + dt.timedelta(days=30),
        source="police",
        confidence="low",
    )
    client = client_for(world.social_worker)
    assert client.get(reverse("group", args=[secret.pk])).status_code == 404  # rules: no sight
    html = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    assert "Secret Arches Crew" not in html


def test_allocating_a_child_is_not_a_way_in_for_another_agency(world: World) -> None:
    # A police manager allocates a CSC-only child to their own team, and so gains sight of her.
    sergeant = make_worker(world.system, team=world.police_team, role=Role.MANAGER)
    with pytest.raises(NotPermitted):
        allocation_create(
            actor=sergeant, person=world.csc_child, worker=world.police_analyst, start=START
        )


def test_group_page_counts_roles_without_naming_hidden_members(world: World) -> None:
    # yjs_child (shown to the social worker as "YY (a child not shared with you)") harmed
    # someone in an incident the social worker cannot see. The group page must not tell her that.
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.yjs,
        involvements=[
            (world.other_child, InvolvementRole.HARMED),
            (world.yjs_child, InvolvementRole.HARMING),
        ],
    )
    detail = group_detail(viewer=world.social_worker, group=world.group)
    assert [m.label for m in detail.members if not m.visible] == ["YY"]
    assert detail.incidents == []  # she sees no incident involving members
    # The group's involvement is counted by role over the members she sees only: counted over
    # the whole group, the counts less the incidents listed told her what the hidden member
    # did (RULES.md: a peer she may not see shows by initials only). The hidden member is
    # counted, with no role; the page never shows who recorded a hidden member.
    assert dict(detail.role_counts) == {}
    assert detail.hidden_members == 1
    html = (
        client_for(world.social_worker)
        .get(reverse("group", args=[world.group.pk]))
        .content.decode()
    )
    assert "Yjschild" not in html
    # Counted below the members table; nothing of the membership (role, since when, who
    # recorded it) is shown: only the member she sees has a "recorded by".
    assert "And 1 person not shared with you." in html
    assert html.count("recorded by") == 1


def test_home_page_does_not_reveal_residents_known_to_another_agency(world: World) -> None:
    # A sibling at csc_child's home, held only by another CSC team.
    sibling = make_person(world.system, given_name="Sam", family_name="Sibling", home=world.home)
    allocation_create(
        actor=world.system, person=sibling, worker=world.other_social_worker, start=START
    )
    html = (
        client_for(world.social_worker)
        .get(reverse("context", args=[world.home.pk]))
        .content.decode()
    )
    assert "Ciara Cscchild" in html
    assert "not shared with you" not in html  # "And 1 other not shared with you." names a household
