"""A busy place's timeline in a real browser: a shopping centre with a plan and seventy
incidents over the year; filter the timeline to the case, page through it, read the weekly
chart's table; axe on each state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import worker_set_password
from locus.casework.reference import ensure_reference_data
from locus.common import clock
from locus.incidents.models import IncidentKind, InvolvementRole
from tests.casework import helpers
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.factories import World, build_world, make_incident

KINDS = (IncidentKind.ROBBERY, IncidentKind.CCE, IncidentKind.PEER_PHYSICAL, IncidentKind.GROOMING)


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    built = build_world()
    worker_set_password(actor=built.admin, worker=built.social_worker, password=PASSWORD)
    helpers.active_case(built)
    # Seventy incidents, one every five days back from yesterday: more than a page's worth.
    for n in range(70):
        make_incident(
            built.system,
            context=built.shopping_centre,
            reporting_agency=built.police,
            kind=KINDS[n % len(KINDS)],
            summary=f"Incident number {n} at the centre",
            involvements=[(built.csc_child, InvolvementRole.HARMED)],
            occurred_at=clock.now() - dt.timedelta(days=1 + 5 * n),
        )
    return built


def _go(page: Any, click: Any) -> None:
    with page.expect_navigation():
        click()


def test_a_busy_places_timeline_filters_pages_and_charts(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "social_worker", f"/contexts/{world.shopping_centre.pk}/")
    count = page.locator("#timeline-count")
    expect(count).to_contain_text("newest first: 1 to 15 on this page")
    timeline = page.locator(".locus-timeline")
    expect(timeline.first).to_contain_text("Action due")  # coming up, first
    expect(page.get_by_text("Incident number 0 at the centre")).to_be_visible()
    expect(page.locator("#before-after")).to_have_text("Before and after the plan started")
    assert axe_violations(page) == []

    # Only the case's life: no incident left on the page.
    page.get_by_label("Case (", exact=False).check()
    _go(page, page.get_by_role("button", name="Show these").click)
    expect(count).to_contain_text("of the kinds chosen, newest first")
    expect(page.get_by_text("Context case opened")).to_be_visible()
    expect(page.get_by_text("Incident number 0 at the centre")).to_have_count(0)
    expect(page.get_by_label("Case (", exact=False)).to_be_checked()
    assert axe_violations(page) == []

    # Only incidents, and the second page of them.
    page.get_by_label("Case (", exact=False).uncheck()
    page.get_by_label("Incident (70)").check()
    _go(page, page.get_by_role("button", name="Show these").click)
    expect(count).to_contain_text("70 events of the kinds chosen")
    _go(page, page.get_by_role("link", name="Next page").click)
    expect(count).to_contain_text("16 to 30 on this page")
    expect(page.get_by_text("Incident number 29 at the centre")).to_be_visible()
    expect(page.get_by_text("Context case opened")).to_have_count(0)

    # The chart's table: one row a week, and its numbers add up to the chart's total.
    page.get_by_text("Incidents each week, as a table").click()
    table = page.locator("#weekly-incidents-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(52)
    cells = rows.locator("td.govuk-table__cell--numeric").all_inner_texts()
    total = sum(int(c) for c in cells)
    in_year = sum(1 for n in range(70) if 1 + 5 * n < 52 * 7 - 7)
    assert in_year <= total <= 70
    expect(page.locator("#weekly-incidents")).to_contain_text(
        f"{total} incidents recorded here in the last 52 weeks"
    )
    svg = page.locator("svg.locus-chart")
    expect(svg).to_have_attribute("role", "img")
    expect(svg.locator("title#chart-title")).to_have_count(1)
    assert axe_violations(page) == []
