"""A peer group's page: its map, members with roles, places, and who holds members' cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.access.selectors import visible_person_ids
from locus.audit.models import AccessEvent
from locus.incidents.models import InvolvementRole
from locus.peers.maps import group_map
from locus.peers.models import GroupMembership, GroupRole
from locus.peers.selectors import group_detail
from locus.people.services import allocation_create
from locus.places.models import ContextKind
from tests.api.conftest import api_as
from tests.factories import (
    START,
    World,
    client_for,
    make_association,
    make_context,
    make_incident,
)
from tests.peers.group_helpers import join

pytestmark = pytest.mark.django_db


def link(world: World, person: Any, other: Any, **fields: Any) -> Any:
    return make_association(world.system, person=person, other=other, nature="risk", **fields)


def test_group_map_members_roles_relationships_and_places(world: World) -> None:
    # Members: csc_child (core, the social worker's) and yjs_child (peripheral, hidden from her).
    link(world, world.csc_child, world.yjs_child, contexts=[world.park])
    link(world, world.csc_child, world.team_child)  # not a member: not on the group's map
    detail = group_detail(viewer=world.social_worker, group=world.group)
    gmap = group_map(viewer=world.social_worker, detail=detail)
    nodes = {n.key: n for n in gmap.nodes}
    c, y, g = f"p{world.csc_child.pk}", f"p{world.yjs_child.pk}", f"c{world.group.pk}"
    assert nodes[g].kind == "centre"
    assert (nodes[c].label, nodes[c].href) == ("Ciara Cscchild", f"/people/{world.csc_child.pk}/")
    assert (nodes[y].label, nodes[y].href) == ("YY", "")
    assert f"p{world.team_child.pk}" not in nodes
    roles = {(e.source, e.label) for e in gmap.edges if e.kind == "member"}
    assert roles == {(c, "Core member"), (y, "")}  # a hidden member's role is not shown
    assert {(e.source, e.target, e.nature) for e in gmap.edges if e.kind == "association"} == {
        (c, y, "risk")
    }
    # The park, where the group's members spend time, is a place the group uses.
    assert (g, f"c{world.park.pk}") in {(e.source, e.target) for e in gmap.edges}
    assert [r.places[0].label for r in gmap.rows] == ["Millfields Park"]


def test_relationships_between_members_the_viewer_cannot_see_are_left_out(world: World) -> None:
    from locus.peers.services import membership_add

    membership_add(
        actor=world.system,
        person=world.other_child,
        group=world.group,
        role="core",
        since=START,
        source="professional",
        confidence="low",
    )
    link(world, world.yjs_child, world.other_child)  # both hidden from the social worker
    detail = group_detail(viewer=world.social_worker, group=world.group)
    assert group_map(viewer=world.social_worker, detail=detail).rows == []
    detail = group_detail(viewer=world.admin, group=world.group)
    assert len(group_map(viewer=world.admin, detail=detail).rows) == 1


def test_group_page_shows_the_map_and_who_holds_members_cases(world: World) -> None:
    link(world, world.csc_child, world.yjs_child)
    response = client_for(world.social_worker).get(reverse("group", args=[world.group.pk]))
    html = response.content.decode()
    assert 'id="peer-map-canvas"' in html and 'id="peer-map-data"' in html
    assert "Relationships among members" in html
    # Who to contact about a member she may not see: the worker and team, not the child.
    holders = {
        (h.allocation.worker.username, h.label, h.visible) for h in response.context["d"].holders
    }
    assert holders == {("social_worker", "Ciara Cscchild", True), ("yjs_worker", "YY", False)}
    assert "YJS Casework, Youth Justice Service" in html
    assert "Yjschild" not in html and "Yusuf" not in html


def test_hidden_child_and_hidden_adult_members_read_the_same(world: World) -> None:
    """A worker who sees neither a hidden child nor a hidden adult of a group reads both as
    "a person not shared with you" (on the group's page, its members page and the API):
    "a child" for one and "a person" for the other told her which member was an adult."""
    join(world.system, world.group, world.adult)
    allocation_create(actor=world.system, person=world.adult, worker=world.yjs_worker, start=START)
    sw = world.social_worker
    assert not visible_person_ids(sw, {world.yjs_child.pk, world.adult.pk})
    html = client_for(sw).get(reverse("group", args=[world.group.pk])).content.decode()
    # Among whom workers hold cases for (the members table counts them, below).
    assert html.count("YY (a person not shared with you)") == 1
    assert html.count("AA (a person not shared with you)") == 1
    assert "And 2 people not shared with you." in html
    assert "child not shared" not in html
    members = client_for(sw).get(reverse("group-members", args=[world.group.pk]))
    assert "And 2 people not shared with you." in members.content.decode()
    got = api_as(sw).ok(f"/groups/{world.group.pk}")["members"]
    assert sorted(m["label"] for m in got if not m["visible"]) == [
        "AA (a person not shared with you)",
        "YY (a person not shared with you)",
    ]


def test_a_hidden_member_s_role_and_dates_are_not_shown(world: World) -> None:
    """The social worker sees Ciara (core), not Yusuf (peripheral since 14 March 2025): the
    group's page lists Ciara with her role and counts one person not shared with her, with
    nothing of Yusuf's membership: not his role (in the table or on the map's link to the
    group), not since when, not who recorded it, nor his place among the rows (the seen
    first, by role; then the others)."""
    since = dt.date(2025, 3, 14)
    GroupMembership.objects.filter(group=world.group, person=world.yjs_child).update(
        since=since, role=GroupRole.PERIPHERAL
    )
    join(world.system, world.group, world.adult)  # core: a role ahead of peripheral
    sw = world.social_worker
    response = client_for(sw).get(reverse("group", args=[world.group.pk]))
    html = response.content.decode()
    members = response.context["d"].members
    assert [m.visible for m in members] == [True, False, False]
    assert "Core member" in html and "Peripheral" not in html
    assert "14 Mar 2025" not in html and "14 March 2025" not in html
    assert "And 2 people not shared with you." in html
    gmap = group_map(viewer=sw, detail=response.context["d"])
    roles = {e.source: e.label for e in gmap.edges if e.kind == "member"}
    assert roles == {
        f"p{world.csc_child.pk}": "Core member",
        f"p{world.yjs_child.pk}": "",
        f"p{world.adult.pk}": "",
    }
    # Nor through the API: the same members, in the same order, the hidden without either.
    got = api_as(sw).ok(f"/groups/{world.group.pk}")["members"]
    assert [(m["visible"], m["role"], m["since"]) for m in got] == [
        (True, "core", START.isoformat()),
        (False, "", None),
        (False, "", None),
    ]


def test_places_the_group_uses_come_only_through_members_the_viewer_sees(world: World) -> None:
    """A relationship between a member she may not see and a child outside the group is that
    member's record: its place is not listed as one the group uses, on the page, on the map
    or through the API."""
    w = world
    sw = w.social_worker
    # She sees csc_child (a member), not yjs_child (a member) nor other_child.
    assert visible_person_ids(sw, [w.yjs_child.pk, w.other_child.pk]) == set()
    shop = make_context(w.system, kind=ContextKind.FOOD_OUTLET, name="Dalston Chicken Shack")
    make_association(
        w.system, person=w.yjs_child, other=w.other_child, nature="risk", contexts=[shop]
    )
    response = client_for(sw).get(reverse("group", args=[w.group.pk]))
    assert response.status_code == 200
    detail = response.context["d"]
    assert shop not in detail.places
    assert f"c{shop.pk}" not in {n.key for n in group_map(viewer=sw, detail=detail).nodes}
    assert "Dalston Chicken Shack" not in response.content.decode()
    assert shop.pk not in [p["id"] for p in api_as(sw).ok(f"/groups/{w.group.pk}")["places"]]
    # Whoever sees the member sees the place the group uses.
    assert shop in group_detail(viewer=w.admin, group=w.group).places


def test_a_group_page_lists_no_incident_that_only_a_hidden_member_was_in(world: World) -> None:
    """She sees the incident through Tariq (her team's child, not a member); the only member
    in it is Yusuf, whom she may not see. Listing it on the group's page would tell her the
    hidden party in it is in this group (RULES.md: never tied to a member it cannot name)."""
    w = world
    sw = w.social_worker
    involved = [(w.team_child, InvolvementRole.HARMED), (w.yjs_child, InvolvementRole.HARMING)]
    incident = make_incident(
        w.system, context=w.park, reporting_agency=w.yjs, involvements=involved
    )
    response = client_for(sw).get(reverse("group", args=[w.group.pk]))
    assert response.status_code == 200
    assert incident not in response.context["d"].incidents
    assert incident.pk not in api_as(sw).ok(f"/groups/{w.group.pk}")["incidents"]
    # Whoever sees the member in it sees it on the group's page.
    assert incident in group_detail(viewer=w.admin, group=w.group).incidents


def test_involvement_counts_only_the_members_the_viewer_sees(world: World) -> None:
    """A group's involvement counts are over the members she sees: counted over every member,
    the counts less the incidents listed for the members she sees told her what the member
    she may not see did (RULES.md: a peer she may not see shows by initials only). The
    member she may not see is counted as one not shared with her, with no role."""
    w = world
    sw = w.social_worker
    # csc_child (hers) was harmed at the park; yjs_child (hidden from her) harmed someone.
    harmed, harming = InvolvementRole.HARMED, InvolvementRole.HARMING
    for agency, involved in (
        (w.csc, [(w.csc_child, harmed)]),
        (w.yjs, [(w.other_child, harmed), (w.yjs_child, harming)]),
    ):
        make_incident(w.system, context=w.park, reporting_agency=agency, involvements=involved)
    response = client_for(sw).get(reverse("group", args=[w.group.pk]))
    detail = response.context["d"]
    assert dict(detail.role_counts) == {"Harmed": 1}
    assert detail.hidden_members == 1
    html = response.content.decode()
    assert "Harming" not in html
    assert "1 more member not shared with you is not counted." in html
    # Whoever sees both members counts both.
    assert dict(group_detail(viewer=w.admin, group=w.group).role_counts) == {
        "Harmed": 1,
        "Harming": 1,
    }


def test_the_group_page_logs_the_memberships_places_incidents_and_cases_it_lists(
    world: World,
) -> None:
    """The read names, by id, the memberships of the members she sees (not a hidden one's),
    the places the group uses, its incidents and its context cases."""
    w = world
    sw = w.social_worker
    link(w, w.csc_child, w.team_child, contexts=[w.park])
    incident = make_incident(
        w.system,
        context=w.park,
        reporting_agency=w.csc,
        involvements=[(w.csc_child, InvolvementRole.HARMED)],
    )
    response = client_for(sw).get(reverse("group", args=[w.group.pk]))
    assert response.status_code == 200 and incident in response.context["d"].incidents
    read = AccessEvent.objects.filter(actor=sw).latest("id")
    assert read.record_id == str(w.group.pk)
    seen = GroupMembership.objects.get(person=w.csc_child, group=w.group)
    assert read.detail["memberships_shown"] == [seen.pk]  # not the hidden yjs_child's
    assert w.park.pk in read.detail["places_shown"]
    assert read.detail["incidents_shown"] == [incident.pk]
    assert read.detail["cases_shown"] == []
    assert w.csc_child.pk in read.detail["people_shown"]
