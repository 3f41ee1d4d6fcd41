"""A peer the viewer may not see is initials only, on every surface of a map or a peer list.

No legal-status marker ([SC]/[YJ]) or "open to" value (their legal status), and no database
id in the map's JSON (the drawn map and the PNG export are made from it) or in the page.
A visible person's status follows the field table (``access.fields``) on maps too.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from locus.access.fields import WITHHELD
from locus.access.selectors import visible_person_ids
from locus.common.services import today
from locus.peers.maps import peer_map
from locus.people.models import LegalStatus, Person
from locus.people.services import allocation_create, episode_start
from tests.api.conftest import api_as
from tests.factories import START, World, client_for, make_association

pytestmark = pytest.mark.django_db


def link(world: World, person: Person, other: Person) -> None:
    make_association(world.system, person=person, other=other, nature="risk")


@pytest.fixture
def hidden(world: World) -> list[Person]:
    """Two peers of the social worker's child that she may not see, each open to a service:
    yjs_child (youth justice, also in the child's peer group) and other_child (child in need)."""
    episode_start(
        actor=world.system,
        person=world.other_child,
        status=LegalStatus.CHILD_IN_NEED,
        start=START,
        agency=world.csc,
    )
    for peer in (world.yjs_child, world.other_child):
        link(world, world.csc_child, peer)
    return [world.yjs_child, world.other_child]


def test_a_hidden_adult_peer_and_a_hidden_child_peer_read_the_same(world: World) -> None:
    """A worker who sees neither of two peers of her child, one a child and one an adult,
    reads both as "a person not shared with you" on the child's peers page, the child's page
    and in the API: "a child" for one and "a person" for the other told her which was an
    adult."""
    allocation_create(actor=world.system, person=world.adult, worker=world.yjs_worker, start=START)
    for peer in (world.yjs_child, world.adult):
        link(world, world.csc_child, peer)
    sw = world.social_worker
    assert not visible_person_ids(sw, {world.yjs_child.pk, world.adult.pk})
    words = ["AA (a person not shared with you)", "YY (a person not shared with you)"]
    for page in ("person-peers", "person"):
        html = client_for(sw).get(reverse(page, args=[world.csc_child.pk])).content.decode()
        assert all(w in html for w in words), page
        assert "child not shared" not in html, page
    got = api_as(sw).ok(f"/people/{world.csc_child.pk}/associations")["results"]
    assert sorted(r["peer"]["label"] for r in got if not r["peer"]["visible"]) == words


def map_json(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="peer-map-data" type="application/json">(.*?)</script>', html)
    assert found, "no map data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def relationship_rows(html: str, *markers: str) -> list[str]:
    """The relationship table rows (each a risk, as ``link`` records) holding all ``markers``."""
    rows = [r.split("</tr>")[0] for r in html.split("<tr")[1:]]
    found = [r for r in rows if "Presents risk" in r and all(m in r for m in markers)]
    assert found, markers
    return found


def person_nodes(data: dict[str, Any], label: str) -> list[dict[str, Any]]:
    return [n for n in data["nodes"] if n["data"]["label"].split("\n")[0] == label]


SURFACES = {
    "peer map": lambda w: reverse("peer-map", args=[w.csc_child.pk]),
    "group map": lambda w: reverse("group", args=[w.group.pk]),
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_hidden_peers_carry_no_status_marker_in_the_map_json(
    world: World, hidden: list[Person], surface: str
) -> None:
    html = client_for(world.social_worker).get(SURFACES[surface](world)).content.decode()
    data = map_json(html)
    for peer in hidden:
        for node in person_nodes(data, peer.initials):
            assert "[" not in node["data"]["label"], node
            assert "social-care" not in node["classes"] and "youth-justice" not in node["classes"]
            assert node["data"]["href"] == ""
    # The child she holds is still marked: the rule takes only what she may not see.
    centre = person_nodes(data, world.csc_child.full_name)
    if surface == "peer map":
        assert centre and "[SC]" in centre[0]["data"]["label"]


@pytest.mark.parametrize(
    ("surface", "marker"),
    [
        ("peer map", "not shared with you"),
        ("peer list", "(a person not shared with you)"),
        ("group map", "not shared with you"),
    ],
)
def test_hidden_peers_show_no_open_to_in_the_tables(
    world: World, hidden: list[Person], surface: str, marker: str
) -> None:
    urls = {**SURFACES, "peer list": lambda w: reverse("person-peers", args=[w.csc_child.pk])}
    html = client_for(world.social_worker).get(urls[surface](world)).content.decode()
    for peer in hidden:
        if surface == "group map" and peer == world.other_child:
            continue  # not a member of the group
        for row in relationship_rows(html, f">{peer.initials}", marker):
            assert "Youth justice" not in row and "Social care" not in row
            assert "Neither" not in row and WITHHELD in row


@pytest.mark.parametrize("surface", ["peer map", "group map", "peer list"])
def test_no_database_id_of_an_unseen_child_is_on_the_page(
    world: World, hidden: list[Person], surface: str
) -> None:
    urls = {**SURFACES, "peer list": lambda w: reverse("person-peers", args=[w.csc_child.pk])}
    html = client_for(world.social_worker).get(urls[surface](world)).content.decode()
    for peer in hidden:
        assert f"/people/{peer.pk}/" not in html
        assert f'"p{peer.pk}"' not in html
    if surface == "peer list":
        return
    data = map_json(html)
    node_ids = [n["data"]["id"] for n in data["nodes"]]
    assert all(re.fullmatch(r"n\d+", i) for i in node_ids), node_ids
    assert all(re.fullmatch(r"e\d+", e["data"]["id"]) for e in data["edges"])
    assert {e["data"]["source"] for e in data["edges"]} <= set(node_ids)
    if surface == "group map":
        # A member she may see is still reached by a link, not by the node's id.
        named = person_nodes(data, world.csc_child.full_name)
        assert named and named[0]["data"]["href"] == f"/people/{world.csc_child.pk}/"


def test_a_visible_persons_status_follows_the_field_table_on_the_map(world: World) -> None:
    # The police analyst sees police_child (a police incident) but not their legal status.
    episode_start(
        actor=world.system,
        person=world.police_child,
        status=LegalStatus.CHILD_IN_NEED,
        start=START,
        agency=world.csc,
    )
    link(world, world.police_child, world.adult)
    url = reverse("peer-map", args=[world.police_child.pk])
    police = map_json(client_for(world.police_analyst).get(url).content.decode())
    assert not any("social-care" in n["classes"] for n in police["nodes"])
    assert not any("[SC]" in n["data"]["label"] for n in police["nodes"])
    admin = map_json(client_for(world.admin).get(url).content.decode())
    assert any("[SC]" in n["data"]["label"] for n in admin["nodes"])


def test_a_hidden_peer_in_the_childs_group_carries_no_role_on_the_childs_map(
    world: World, hidden: list[Person]
) -> None:
    """On the child's own map, a peer she may not see links to the group they share with
    nothing but that they are in it: the role in the group (peripheral) is that peer's
    record, as on the group's own map. Her own child's role still shows."""
    sw = world.social_worker
    pmap = peer_map(viewer=sw, person=world.csc_child, as_at=today(), natures=["risk"])
    roles = {(e.source, e.label) for e in pmap.edges if e.kind == "member"}
    assert roles == {
        (f"p{world.csc_child.pk}", "Core member"),
        (f"p{world.yjs_child.pk}", ""),
    }
    html = client_for(sw).get(reverse("peer-map", args=[world.csc_child.pk])).content.decode()
    data = map_json(html)
    member_labels = [e["data"]["label"] for e in data["edges"] if "member" in e["classes"]]
    assert sorted(member_labels) == ["", "Core member"]
    assert "Peripheral" not in html
    # Whoever sees the peer sees their role.
    seen = peer_map(viewer=world.admin, person=world.csc_child, as_at=today(), natures=["risk"])
    assert (f"p{world.yjs_child.pk}", "Peripheral") in {
        (e.source, e.label) for e in seen.edges if e.kind == "member"
    }
