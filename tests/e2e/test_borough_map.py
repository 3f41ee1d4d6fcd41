"""In the browser: a worker opens the borough map, filters it, reads its table, and reaches
a place and the zoom buttons by keyboard; axe finds nothing on the page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.access.services import agency_create, system_worker, team_create
from locus.incidents.services import incident_record
from locus.people.services import allocation_create, person_create
from locus.places.services import context_create
from tests.e2e.conftest import ALLOCATED, START_DOB, axe_violations, e2e_worker, sign_in
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


def test_a_worker_filters_the_borough_map_and_reaches_its_places_by_keyboard(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    csc = agency_create(actor=system, name="Children's Social Care", kind="csc")
    team = team_create(actor=system, agency=csc, name="Contextual Safeguarding Team")
    worker = e2e_worker(system, "sw", "Sam Okafor", team)
    child = person_create(
        actor=system, given_name="Ciara", family_name="Test", date_of_birth=START_DOB
    )
    allocation_create(actor=system, person=child, worker=worker, start=ALLOCATED)
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
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
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
