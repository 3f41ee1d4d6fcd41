"""A peer map a person can read: one step unless the second is asked for, laid out in
bands with no label over another, and printed for a meeting with the viewer's naming
rule, logged with who was on it."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.analysis.layout import label_box, overlapping
from locus.audit.models import AccessAction, AccessEvent
from locus.common.services import today
from locus.peers.maps import FONT_PX, NODE_PX, MapData, peer_map
from tests.factories import World, client_for
from tests.peers.test_peer_map import ALL, NAMED, grow, mapped  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(mapped: World) -> World:  # noqa: F811  (pytest passes the imported fixture)
    """The hand-worked map of test_peer_map (its fixture, under a name of this module's)."""
    return mapped


def people_on(world: World, viewer: Any, steps: int) -> dict[str, int | None]:
    pmap = peer_map(viewer=viewer, person=world.csc_child, as_at=today(), natures=ALL, steps=steps)
    return {n.key: n.step for n in pmap.nodes if n.kind in ("person", "unknown")}


def test_one_step_leaves_out_the_peers_of_peers(drawn: World) -> None:
    w = drawn
    one, two = people_on(w, w.admin, 1), people_on(w, w.admin, 2)
    assert set(one.values()) == {1}
    assert {k for k, s in two.items() if s == 1} == set(one)
    assert {k for k, s in two.items() if s == 2} == {
        f"p{w.other_child.pk}",
        f"p{w.police_child.pk}",
    }


def test_the_page_shows_one_step_and_the_second_on_demand_without_javascript(
    drawn: World,
) -> None:
    w = drawn
    client = client_for(w.admin)
    url = reverse("peer-map", args=[w.csc_child.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "one step out" in html and NAMED["other"] not in html
    assert 'href="?steps=2"' in html  # a link: it works without a script
    # steps alone leaves the filters at their defaults (no "choose a nature" error).
    wider = client.get(url + "?steps=2").content.decode()
    assert "two steps out" in wider and NAMED["other"] in wider
    assert "Choose at least one" not in wider
    # The filter form keeps the step shown.
    assert '<input type="hidden" name="steps" value="2">' in wider
    # The page's drawing for print and without JavaScript carries the same people.
    assert wider.count('class="locus-peermap__svg"') == 1


def overlapping_labels(data: MapData) -> list[list[int]]:
    at = data.positions()
    sizes = [label_box(n.lines, font_px=FONT_PX, node_px=NODE_PX) for n in data.drawn_nodes]
    centres = [
        (at[n.key][0], at[n.key][1] - NODE_PX / 2 + h / 2)
        for n, (_, h) in zip(data.drawn_nodes, sizes, strict=True)
    ]
    return overlapping(centres, sizes).tolist()


def test_a_busy_map_is_laid_out_in_bands_with_no_label_over_another(world: World) -> None:
    grow(world, 14)  # 14 peers, 14 unknown peers and 14 friends, 15 places and a group
    pmap = peer_map(viewer=world.admin, person=world.csc_child, as_at=today(), natures=ALL)
    assert len(pmap.people) >= 42 and len(pmap.contexts) >= 15
    at = pmap.positions()
    assert at[f"p{world.csc_child.pk}"] == (0.0, 0.0)

    def radius(key: str) -> float:
        x, y = at[key]
        return float((x * x + y * y) ** 0.5)

    rings = {band: [radius(n.key) for n in pmap.nodes if n.band == band] for band in (1, 2, 3)}
    assert max(rings[1]) < min(rings[2]) and max(rings[2]) < min(rings[3])
    assert overlapping_labels(pmap) == []
    # The browser gets exactly these coordinates (the print uses them too).
    element = pmap.elements()["nodes"][0]
    assert element["position"] == {"x": 0.0, "y": 0.0}


def test_the_print_names_as_the_page_does_and_is_logged_with_who_was_on_it(
    drawn: World,
) -> None:
    w = drawn
    url = reverse("peer-map-print", args=[w.csc_child.pk])
    # Allocated (Level 1), no purpose: initials only, in the print as on the page.
    response = client_for(w.social_worker).get(url + "?steps=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert "not a measure of risk" in html and "Printed" in html
    assert not any(name in html for key, name in NAMED.items() if key != "unknown")
    event = AccessEvent.objects.get(actor=w.social_worker)
    assert event.action == AccessAction.EXPORT
    assert event.detail["page"] == "peer-map print" and event.detail["named"] == []
    # The teammate sees team_child by scope: named, and the log says so.
    svg = client_for(w.teammate).get(url + "?steps=2&format=svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"].startswith('attachment; filename="peer-map-CC.svg"')
    body = svg.content.decode()
    assert body.startswith("<?xml") and NAMED["team"] in body and NAMED["yjs"] not in body
    # A well-formed SVG file on its own, headed with what it is and who printed it.
    root = ElementTree.fromstring(body.encode())  # noqa: S314  (our own output, in a test)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    header = [t.text for t in root.findall("{http://www.w3.org/2000/svg}text")]
    assert header[0] == f"Peer map of {w.csc_child.full_name}" and "Printed" in (header[1] or "")
    logged = AccessEvent.objects.get(actor=w.teammate)
    assert logged.detail["page"] == "peer-map svg"
    assert logged.detail["named"] == [w.team_child.pk]


@pytest.mark.parametrize("persona", ["other_social_worker", "police_analyst", "auditor"])
def test_a_worker_who_may_not_see_the_child_cannot_print_the_map(
    drawn: World, persona: str
) -> None:
    url = reverse("peer-map-print", args=[drawn.csc_child.pk])
    for query in ("", "?format=svg&steps=2"):
        response = client_for(drawn.persona(persona)).get(url + query)
        assert response.status_code == 404
        assert "Cscchild" not in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()


def test_the_print_page_query_count_is_pinned(world: World, django_assert_num_queries: Any) -> None:
    grow(world, 1)
    client = client_for(world.social_worker)
    url = reverse("peer-map-print", args=[world.csc_child.pk]) + "?steps=2"
    client.get(url)
    with django_assert_num_queries(PRINT_QUERIES):
        client.get(url)
    grow(world, 4, start=1)
    with django_assert_num_queries(PRINT_QUERIES):
        client.get(url)


# As many as the map page at two steps: the session and user, the child, the map's
# (naming, the walk, statuses, memberships, contexts), the disputed-accuracy flags of the
# table, and the access log's write (the row and its chain head, read locked and moved on).
PRINT_QUERIES = 23


def test_the_print_costs_what_the_page_costs(world: World) -> None:
    grow(world, 1)
    client = client_for(world.social_worker)
    counts = []
    for name in ("peer-map", "peer-map-print"):
        url = reverse(name, args=[world.csc_child.pk]) + "?steps=2"
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("steps", "queries"), [(1, 9), (2, 11)])
def test_one_step_costs_two_queries_fewer(
    world: World, steps: int, queries: int, django_assert_num_queries: Any
) -> None:
    # The second step's two queries (the peers' relationships, which of their peers the
    # viewer sees) are not made at one step; the count does not grow with the data.
    for n in (1, 4):
        grow(world, n, start=10 * n)
        with django_assert_num_queries(queries):
            peer_map(
                viewer=world.social_worker,
                person=world.csc_child,
                as_at=today(),
                natures=ALL,
                steps=steps,
            )
