"""A large group's map is drawn by sub-group, with counts, each openable to its members;
sub-groups come only from relationships the viewer may see, and the tables stay whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.access import scopes
from locus.audit.models import AccessEvent
from locus.peers.maps import CLUSTER_OVER, people_map
from tests.factories import World, client_for, heading_jumps, make_association, make_person
from tests.mapping.helpers import held_meeting, hold, propose, schedule
from tests.peers.group_helpers import join
from tests.peers.test_map_reading import overlapping_labels

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_group(world: World) -> dict[str, list[Any]]:
    """30 members of world.group: two circles of friends (14 and 12) and 4 with none."""
    circles: dict[str, list[Any]] = {"a": [], "b": [], "alone": []}
    for name, size in (("a", 14), ("b", 12), ("alone", 4)):
        for i in range(size):
            person = make_person(world.system, given_name=f"Member{name}{i}", family_name="Big")
            join(world.system, world.group, person)
            circles[name].append(person)
    for name in ("a", "b"):
        ring = circles[name]
        for i, person in enumerate(ring):
            make_association(world.system, person=person, other=ring[(i + 1) % len(ring)])
            make_association(world.system, person=person, other=ring[(i + 3) % len(ring)])
    # One relationship between the two circles.
    make_association(world.system, person=circles["a"][0], other=circles["b"][0])
    return circles


def drawn(response: Any) -> tuple[list[str], list[dict[str, Any]]]:
    nodes = response.context["map_elements"]["nodes"]
    return [n["data"]["label"] for n in nodes], response.context["map_elements"]["edges"]


def test_a_large_group_is_drawn_as_sub_groups_with_counts(
    world: World, big_group: dict[str, list[Any]]
) -> None:
    assert CLUSTER_OVER < 30
    client = client_for(world.admin)
    url = reverse("group", args=[world.group.pk])
    response = client.get(url)
    labels, edges = drawn(response)
    clusters = sorted(label.replace("\n", " ") for label in labels if "Sub-group" in label)
    # The world's own members of the group (none linked to another) join the 4 alone.
    alone = len(response.context["d"].members) - 26
    assert clusters == [
        "Sub-group 1: 14 young people",
        "Sub-group 2: 12 young people",
        f"Sub-group 3: {alone} young people",
    ]
    assert not any("Big" in label for label in labels)  # no member drawn on their own
    between = [e for e in edges if "between" in e["classes"]]
    assert [e["data"]["label"] for e in between] == ["1 relationship"]
    html = response.content.decode()
    # The table still holds every relationship, and every member is listed.
    assert html.count("Membera0 Big") >= 2 and "Memberalone3 Big" in html
    assert "Show the members of sub-group 1 on the map" in html

    opened = client.get(url + "?expand=2")
    labels, _ = drawn(opened)
    members = sorted(label for label in labels if "Big" in label)
    assert members == sorted(p.full_name for p in big_group["b"])
    assert "Close sub-group 2" in opened.content.decode()


def test_a_small_group_is_drawn_member_by_member(world: World) -> None:
    for i in range(3):
        join(world.system, world.group, make_person(world.system, given_name=f"Few{i}"))
    response = client_for(world.admin).get(reverse("group", args=[world.group.pk]))
    labels, _ = drawn(response)
    assert not any("Sub-group" in label for label in labels)
    assert sum("Few" in label for label in labels) == 3


def test_sub_groups_come_only_from_relationships_the_viewer_may_see(
    world: World, big_group: dict[str, list[Any]]
) -> None:
    # The social worker may see none of the 30: their relationships with each other are
    # not hers to know, so nothing splits them, and opened they show by initials.
    url = reverse("group", args=[world.group.pk])
    client = client_for(world.social_worker)
    labels, edges = drawn(client.get(url))
    clusters = [label.replace("\n", " ") for label in labels if "Sub-group" in label]
    assert len(clusters) == 1 and "young people" in clusters[0]
    assert not any("between" in e["classes"] for e in edges)
    opened = client.get(url + "?expand=1")
    html = opened.content.decode()
    assert "Big" not in html
    labels, _ = drawn(opened)
    assert "MB" in labels


def test_a_meeting_map_of_many_people_is_drawn_by_sub_group() -> None:
    # 30 people: the meeting's 10 children in two linked circles, and 20 associates.
    people = [(f"p{i}", f"Person {i}", "person", 1 if i < 10 else 2) for i in range(30)]
    links = [(f"p{i}", f"p{(i + 1) % 15}", "risk") for i in range(15)]
    links += [(f"p{15 + i}", f"p{15 + (i + 1) % 15}", "unclear") for i in range(15)]
    data = people_map("Millfields group", people, links, anchor="meeting-map-svg")
    labels = [n.label for n in data.drawn_nodes]
    assert sorted(label for label in labels if label.startswith("Sub-group")) == [
        "Sub-group 1: 15 young people",
        "Sub-group 2: 15 young people",
    ]
    assert not any(label.startswith("Person") for label in labels)
    assert data.sub_groups[0].href == "?expand=1#meeting-map-svg"
    opened = people_map("Millfields group", people, links, expand=2)
    assert sum(n.label.startswith("Person") for n in opened.drawn_nodes) == 15
    assert overlapping_labels(opened) == []


def test_a_held_meetings_map_is_drawn_with_the_labels_its_tables_show(world: World) -> None:
    meeting = held_meeting(world)
    response = client_for(world.social_worker).get(reverse("meeting", args=[meeting.pk]))
    html = response.content.decode()
    assert 'id="meeting-map-svg"' in html
    group_map = response.context["d"].group_map
    # Every label drawn (lines rejoined) is one the tables show, or the group's at the centre.
    shown = {" ".join(text for _, text in n.lines) for n in response.context["map_drawn"].nodes}
    assert shown == {n.label for n in group_map.nodes} | {group_map.group_label}


def test_a_held_meetings_drawn_map_folds_its_tables_below_it(world: World) -> None:
    """Scores of rows (a person, a relationship each) would make the meeting's page several
    screens long under a map that already shows them: drawn, the tables are folded, and the
    summary says how many of each."""
    meeting = held_meeting(world)
    response = client_for(world.social_worker).get(reverse("meeting", args=[meeting.pk]))
    html = response.content.decode()
    group_map = response.context["d"].group_map
    folded = html.split('<details class="govuk-details" id="meeting-map-tables">', 1)
    assert len(folded) == 2 and html.index('id="meeting-map-svg"') < len(folded[0])
    inside = folded[1].split("</details>", 1)[0]
    nodes, edges = len(group_map.nodes), len(group_map.edges)
    people = f"{nodes} {'person' if nodes == 1 else 'people'}"
    relationships = f"{edges} relationship{'' if edges == 1 else 's'}"
    assert nodes and f"Show the map as tables: {people}, {relationships}" in inside
    assert "People on the group map" in inside and "Relationships on the group map" in inside
    assert "{#" not in html and "#}" not in html  # no template comment shown as text


def cluster_url(*people: Any, expand: int | None = None) -> str:
    query = "&".join(f"person={p.pk}" for p in people)
    return f"{reverse('cluster-map')}?{query}" + (f"&expand={expand}" if expand else "")


def test_a_cluster_map_shows_only_the_children_the_viewer_may_see(world: World) -> None:
    w = world
    make_association(w.system, person=w.csc_child, other=w.team_child, nature="risk")
    make_association(w.system, person=w.csc_child, other=w.other_child, nature="risk")
    make_association(w.system, person=w.other_child, other=w.police_child)
    asked = (w.csc_child, w.team_child, w.other_child, w.police_child)
    response = client_for(w.social_worker).get(cluster_url(*asked))
    assert response.status_code == 200
    html = response.content.decode()
    for hidden in (w.other_child, w.police_child):
        assert hidden.family_name not in html and hidden.initials not in [
            n["data"]["label"] for n in response.context["map_elements"]["nodes"]
        ]
    assert "2 children in this cluster are not yours to see" in html
    assert w.csc_child.full_name in html and w.team_child.full_name in html
    # Only the relationship between two she sees is drawn and listed.
    assert len(response.context["map"].rows) == 1
    event = AccessEvent.objects.filter(actor=w.social_worker).latest("id")
    assert event.detail == {
        "page": "cluster-map",
        "named": sorted([w.csc_child.pk, w.team_child.pk]),
    }


def test_a_cluster_map_s_headings_go_down_one_level_at_a_time(world: World) -> None:
    """The map's key and sub-groups headings sit under a heading one level up, as on a
    child's peer map and a group's page."""
    make_association(world.system, person=world.csc_child, other=world.team_child)
    response = client_for(world.social_worker).get(cluster_url(world.csc_child, world.team_child))
    assert heading_jumps(response.content.decode()) == []


def test_a_worker_who_sees_none_of_a_cluster_learns_nothing_but_the_count(world: World) -> None:
    w = world
    response = client_for(w.school_dsl).get(cluster_url(w.csc_child, w.yjs_child))
    html = response.content.decode()
    assert "None of these children is yours to see" in html
    assert w.csc_child.family_name not in html and w.yjs_child.family_name not in html


def test_a_cluster_map_does_not_go_through_a_shared_child_to_her_relationships(
    world: World,
) -> None:
    """A forum share opens a child's page, not whom she is clustered with: a worker who sees
    two children only because a meeting shared them does not find them, or the relationship
    between them, on a borough cluster's map (RULES.md: in a borough cluster, only a child
    seen in their own right is named)."""
    w = world
    osw = w.other_social_worker
    hold(w, schedule(w, propose(w, invitees=[osw])))
    for child in (w.csc_child, w.yjs_child):
        assert scopes.people_visible_to(osw).filter(pk=child.pk).exists()
        assert not scopes.people_visible_to(osw, shared=False).filter(pk=child.pk).exists()
    # Recorded after the meeting: no share carried it.
    make_association(w.system, person=w.csc_child, other=w.yjs_child, nature="risk")
    response = client_for(osw).get(cluster_url(w.csc_child, w.yjs_child))
    assert response.status_code == 200
    cmap = response.context["map"]
    assert cmap.rows == [] and cmap.edges == [] and cmap.hidden == 2
    html = response.content.decode()
    assert "None of these children is yours to see" in html
    assert w.csc_child.family_name not in html and w.yjs_child.family_name not in html


def test_a_large_cluster_is_drawn_by_sub_group_and_opens_keeping_its_people(
    world: World, big_group: dict[str, list[Any]]
) -> None:
    everyone = big_group["a"] + big_group["b"] + big_group["alone"]
    client = client_for(world.admin)
    labels, _ = drawn(client.get(cluster_url(*everyone)))
    assert sorted(label.replace("\n", " ") for label in labels if "Sub-group" in label) == [
        "Sub-group 1: 14 young people",
        "Sub-group 2: 12 young people",
        "Sub-group 3: 4 young people",
    ]
    opened = client.get(cluster_url(*everyone, expand=1))
    html = opened.content.decode()
    labels, _ = drawn(opened)
    assert sum("Big" in label for label in labels) == 14
    # The links to open and close a sub-group keep the cluster's people.
    assert f"?person={everyone[0].pk}&amp;" in html and "Close sub-group 1" in html


def test_a_cluster_maps_query_count_does_not_grow(
    world: World, big_group: dict[str, list[Any]], django_assert_num_queries: Any
) -> None:
    client = client_for(world.admin)  # sees them all: every relationship is read
    everyone = big_group["a"] + big_group["b"] + big_group["alone"]
    client.get(cluster_url(*everyone[:3]))
    for size in (3, 30):
        with django_assert_num_queries(CLUSTER_MAP_QUERIES):
            client.get(cluster_url(*everyone[:size]))


# The session and user, which of them she sees (and in her own right), their fields, the
# people, their relationships, the disputed-accuracy flags of the table, and the access log's
# write (the row and its chain head, read locked and moved on).
CLUSTER_MAP_QUERIES = 12
