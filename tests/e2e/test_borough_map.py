"""In the browser: a worker opens the borough map, filters it, reads its table, and reaches
a place, a hotspot's ring and the zoom buttons by keyboard; axe finds nothing on the page."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.incidents.services import incident_record
from locus.people.services import allocation_create, person_create
from locus.places import postcodes, selectors_map
from locus.places.services import context_create
from tests.e2e.conftest import ALLOCATED, START_DOB, axe_violations, csc_social_worker, sign_in
from tests.e2e.test_hotspots import _plant as _plant_a_hotspot
from tests.factories import past_moment


def _incident(system: Any, context: Any, child: Any, kind: str, agency: Any) -> None:
    incident_record(
        actor=system,
        kind=kind,
        occurred_at=past_moment(10),
        context=context,
        summary="A synthetic incident for tests.",
        involvements=[(child, "harmed")],
        reporting_agency=agency,
        source="professional",
        confidence="high",
    )


def _social_worker_and_child() -> tuple[Any, Any, Any]:
    """A social worker who signs in as "sw" and the child she holds: the system worker,
    her agency and the child."""
    system = system_worker()
    worker = csc_social_worker(system)
    child = person_create(
        actor=system, given_name="Ciara", family_name="Test", date_of_birth=START_DOB
    )
    allocation_create(actor=system, person=child, worker=worker, start=ALLOCATED)
    return system, worker.team.agency, child


def test_a_worker_filters_the_borough_map_and_reaches_its_places_by_keyboard(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system, csc, child = _social_worker_and_child()
    park = context_create(
        actor=system, kind="open_space", name="Millfields Park", postcode="E5 0AR"
    )
    shop = context_create(actor=system, kind="retail", name="Mare Street Centre", postcode="E8 1EJ")
    _incident(system, park, child, "robbery", csc)
    _incident(system, park, child, "robbery", csc)
    _incident(system, shop, child, "bullying", csc)

    sign_in(page, live_server.url, "sw", "/contexts/")
    with page.expect_navigation():
        page.get_by_role("link", name="Borough map").click()
    expect(page.get_by_role("heading", name="Borough map")).to_be_visible()
    # Drawn: the sectors and one marker per place, each labelled for a screen reader.
    marker = page.get_by_role("button", name="Millfields Park, Park or open space: 2 incidents")
    expect(marker).to_be_visible()
    # The sectors are shading only, neither clickable nor read out: the table holds them.
    sector_shapes = page.locator("#borough-map path.locus-sector")
    expect(sector_shapes.first).to_be_attached()
    expect(page.locator("#borough-map path.locus-sector:not([aria-hidden=true])")).to_have_count(0)
    expect(page.locator("#borough-map path.locus-sector.leaflet-interactive")).to_have_count(0)
    # Shaded by the data's shade for each sector with incidents: the shop's 1, the park's 2.
    for shade in selectors_map.SHADES[:2]:
        expect(page.locator(f'#borough-map path.locus-sector[fill="{shade}"]')).to_have_count(1)
    places = page.get_by_role("region", name="Places")
    expect(places).to_contain_text("Millfields Park")
    expect(places).to_contain_text("Mare Street Centre")
    assert axe_violations(page) == []

    # The keyboard: the zoom buttons are named and focusable, and a marker opens its popup.
    zoom_in = page.get_by_role("button", name="Zoom in")
    zoom_in.focus()
    expect(zoom_in).to_be_focused()
    marker.focus()
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Millfields Park")
    expect(popup).to_contain_text("Sector E5 0")
    expect(popup.get_by_role("link", name="Millfields Park")).to_be_visible()

    # Filtered to bullying: the park goes, from the map and from the table.
    page.get_by_label("Kind of incident").select_option("bullying")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    places = page.get_by_role("region", name="Places")
    expect(places).to_contain_text("Mare Street Centre")
    expect(places).not_to_contain_text("Millfields Park")
    expect(
        page.get_by_role("button", name="Mare Street Centre, Retail or shopping centre: 1 incident")
    ).to_be_visible()
    expect(
        page.get_by_role("button", name="Millfields Park, Park or open space: 2 incidents")
    ).to_have_count(0)
    sectors = page.get_by_role("region", name="Postcode sectors")
    expect(sectors.get_by_role("row", name="E8 1 1")).to_be_visible()
    assert axe_violations(page) == []


PHONE = {"width": 375, "height": 800}

# Each marker's box on the screen, and the pairs of markers whose boxes overlap.
MARKER_BOXES_JS = """() => {
  const boxes = [...document.querySelectorAll('#borough-map .leaflet-marker-icon')]
    .map((node) => node.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      overlaps.push(i);
    }
  }));
  return {sizes: boxes.map((b) => [b.width, b.height]), overlaps: overlaps.length};
}"""


def _busy_borough(system: Any, agency: Any, child: Any) -> int:
    """A place with an incident in every postcode sector of the borough, and ten more
    close together in one sector: more places than a phone's map can draw apart."""
    found = postcodes.postcodes_in(
        settings.LOCUS_BOROUGH_LAUA, tuple(settings.LOCUS_BOROUGH_POSTCODE_LETTERS.split(","))
    )
    first_in_sector: dict[str, str] = {}
    for point in found:
        first_in_sector.setdefault(selectors_map.sector_of(point.postcode), point.postcode)
    dense = [p.postcode for p in found if p.postcode.startswith("E8 1")][:10]
    chosen = [*first_in_sector.values(), *dense]
    for n, postcode in enumerate(chosen):
        place = context_create(actor=system, kind="retail", name=f"Shop {n}", postcode=postcode)
        _incident(system, place, child, "robbery", agency)
    return len(chosen)


def test_on_a_phone_the_map_groups_places_too_close_to_tap_apart(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    """At 375 pixels no marker covers another and each is at least 24 by 24 pixels (WCAG
    2.2, 2.5.8): places too close together are one marker with their count, whose popup
    lists them, and zooming in draws them apart."""
    system, csc, child = _social_worker_and_child()
    places = _busy_borough(system, csc, child)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/contexts/map/")
    markers = page.locator("#borough-map .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    drawn = page.evaluate(MARKER_BOXES_JS)
    assert drawn["overlaps"] == 0
    assert all(width >= 24 and height >= 24 for width, height in drawn["sizes"])
    assert len(drawn["sizes"]) < places  # some are grouped
    assert axe_violations(page) == []

    # A group names how many places it holds; its popup lists each with a link.
    group = page.get_by_role(
        "button", name=re.compile(r"^\d+ places near Shop \d+: \d+ incidents$")
    )
    first = group.first
    held = int(first.get_attribute("aria-label").split(" ")[0])
    first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link")).to_have_count(held)
    # Checked once faded in: half-way, its links' colours are not yet their own.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert axe_violations(page) == []

    # Zooming in to them draws more markers, still apart.
    popup.get_by_role("button", name="Zoom in to these places").click()
    expect(markers).not_to_have_count(len(drawn["sizes"]))
    page.wait_for_timeout(500)  # the zoom's animation
    after = page.evaluate(MARKER_BOXES_JS)
    assert after["overlaps"] == 0
    assert all(width >= 24 and height >= 24 for width, height in after["sizes"])


def test_a_worker_tabs_to_a_hotspot_ring_sees_it_focused_and_opens_it(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    """A hotspot's ring opens a popup with the link to its page: a keyboard user reaches it
    with Tab, sees where the focus is (WCAG 2.2, 2.4.7), opens it with Enter and comes back
    to it with Escape, as a mouse user clicks it."""
    system, _csc, _child = _social_worker_and_child()
    _plant_a_hotspot(system)

    sign_in(page, live_server.url, "sw", "/contexts/map/")
    ring = page.get_by_role("button", name="New hotspot near Lantern Fields", exact=True)
    expect(ring).to_be_attached()
    # The map first, then the ring: the next stop after the map itself.
    page.locator("#borough-map").focus()
    page.keyboard.press("Tab")
    expect(ring).to_be_focused()
    # Drawn in black, solid and thick with a yellow glow, where the ring is red and dashed.
    expect(ring).to_have_css("stroke", "rgb(11, 12, 12)")
    expect(ring).to_have_css("stroke-width", "9px")
    expect(ring).to_have_css("filter", re.compile(r"drop-shadow\(rgb\(255, 221, 0\)"))
    box = ring.bounding_box()
    frame = page.locator("#borough-map").bounding_box()
    assert box is not None and frame is not None
    # Not hidden: the ring lies inside the map's box.
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    assert axe_violations(page) == []

    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content").get_by_role(
        "link", name="New hotspot near Lantern Fields", exact=True
    )
    expect(link).to_be_focused()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(
        "12 incidents within 150 m of Lantern Fields"
    )
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(ring).to_be_focused()
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Near Lantern Fields")
