"""A child's peer map fits the screen it is read on: its table fits a desk's 960 pixel column,
and reads on a phone without the page scrolling sideways; on a phone the drawing opens with
every person, place and group inside the map's box; and the header gives the service name
GOV.UK's space above it."""

from __future__ import annotations

from typing import Any

from locus.access.services import agency_create, system_worker, team_create
from locus.common.clock import today
from locus.peers.models import Association
from locus.places.models import Context
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.e2e.test_peer_map import MapWorld
from tests.e2e.test_peer_map import map_world as map_world

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# How far the table runs past its box (the box scrolls it on a phone).
OVERFLOW_JS = """() => {
  const box = document.querySelector("#peer-map-table").parentElement;
  return {box: box.clientWidth, table: box.scrollWidth};
}"""

# Whether each node, with its label, lies inside the map's box (Cytoscape's own measure).
NODES_JS = """() => {
  const cy = document.getElementById("peer-map-canvas")._cyreg.cy;
  const w = cy.width(), h = cy.height();
  return cy.nodes().map((n) => {
    const b = n.renderedBoundingBox({includeLabels: true});
    return {label: n.data("label"), inside: b.x1 >= 0 && b.y1 >= 0 && b.x2 <= w && b.y2 <= h};
  });
}"""

# The space above and below the service name, inside the header.
HEADER_GAPS_JS = """() => {
  const header = document.querySelector(".govuk-header").getBoundingClientRect();
  const name = document.querySelector(".govuk-header__service-name").getBoundingClientRect();
  return {above: name.top - header.top, below: header.bottom - name.bottom};
}"""


def _as_recorded_by_the_police(world: MapWorld) -> None:
    """Long words where the demo has them: places named after a bus route (the friend's row
    lists two), every relationship police intelligence recorded by an officer of an agency
    with a long name."""
    system = system_worker()
    police = agency_create(actor=system, name="Metropolitan Police, Central East", kind="police")
    officer = e2e_worker(
        system, "cy", "Can Yilmaz", team_create(actor=system, agency=police, name="Gangs Unit")
    )
    Context.objects.filter(name="Millfields Park").update(
        name="Bus route H5 (Kingsgate to Stoke Rise)"
    )
    group = Context.objects.get(name="Millfields Year 10 group")
    group.name = "Bus route H5 (Kingsgate to Stoke Rise) peer group D"
    group.save()
    Association.objects.get(other=world.friend).contexts.add(group)
    Association.objects.update(
        relationship="partner",
        source="police",
        confidence="high",
        recorded_by=officer,
        recorded_in_team=officer.team,
    )


def _open_map(page: Any, base: str, world: MapWorld, viewport: dict[str, int]) -> None:
    """The child's map, opened by the social worker on a screen of ``viewport``."""
    _as_recorded_by_the_police(world)
    page.set_viewport_size(viewport)
    sign_in(page, base, "sw", f"/people/{world.child.pk}/peer-map/")
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()


def test_the_peer_map_table_fits_a_desk_column_and_a_phone(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    _open_map(page, live_server.url, map_world, DESK)
    sizes = page.evaluate(OVERFLOW_JS)
    # The table fits its 960 pixel column: nothing hidden past its right edge.
    assert sizes["box"] == 960 and sizes["table"] <= sizes["box"], sizes
    # Nothing was dropped to make it fit: each relationship keeps its step, who it links
    # to, its provenance (source, confidence, recorder and date) and its dates.
    row = page.locator("#peer-map-table tbody tr", has_text="RF")
    text = " ".join(row.inner_text().split())
    for said in (
        "Step 1",
        "Jordan Testperson",
        "Partner (boyfriend or girlfriend)",
        "Presents risk",
        "Leading or influential",
        "Bus route H5 (Kingsgate to Stoke Rise) peer group D",
        "Police intelligence, high confidence",
        "Can Yilmaz (Metropolitan Police, Central East)",
        f"on {today():%-d %b %Y}",
        "5 Jan 2026 to now",
    ):
        assert said in text, (said, text)
    # A date is never broken across lines.
    for date in row.locator(".locus-nowrap").all():
        box = date.bounding_box()
        assert box is not None and box["height"] < 30, date.inner_text()
    assert axe_violations(page) == []

    # On a phone the page does not scroll sideways: the table scrolls in its own box.
    page.set_viewport_size(PHONE)
    page.reload()
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []


def test_on_a_phone_the_peer_map_opens_with_every_node_inside_its_box(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    _open_map(page, live_server.url, map_world, PHONE)
    nodes = page.evaluate(NODES_JS)
    assert len(nodes) == 6
    assert [n["label"] for n in nodes if not n["inside"]] == []
    # The map's box is no taller than it is wide: the drawing fills it, no tall blank band.
    canvas = page.locator("#peer-map-canvas").bounding_box()
    assert canvas is not None and canvas["height"] <= canvas["width"], canvas
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_the_service_name_has_space_above_it(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/people/")  # the sign-in page
    # GOV.UK's header gives its first line 16 pixels above and 12 below (the logo's).
    gaps = page.evaluate(HEADER_GAPS_JS)
    assert gaps["above"] >= 16 and gaps["below"] >= 12, gaps
    sign_in(page, live_server.url, "sw", "/people/")
    assert page.evaluate(HEADER_GAPS_JS) == gaps
    # On a desk the header is as GOV.UK draws it.
    page.set_viewport_size(DESK)
    desk = page.evaluate(HEADER_GAPS_JS)
    assert desk["above"] == 19 and desk["below"] >= 11, desk
