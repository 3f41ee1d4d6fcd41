"""In the browser: from the contexts list a worker opens the hotspots, opens one and reads its
weekly table; both pages free of axe violations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from locus.access.services import agency_create, system_worker
from locus.common import clock
from locus.incidents.services import incident_record
from locus.people.services import person_create
from locus.places.services import context_create
from tests.e2e.conftest import axe_violations, csc_social_worker, sign_in


def _plant(system: Any) -> None:
    police = agency_create(actor=system, name="Metropolitan Police", kind="police")
    child = person_create(
        actor=system, given_name="Robin", family_name="Testchild", date_of_birth=dt.date(2011, 3, 3)
    )
    places = [
        context_create(
            actor=system,
            kind="open_space",
            name=f"Quiet Green {i}",
            latitude=51.5500 + 0.004 * i,
            longitude=-0.0600 + 0.006 * (i % 3),
        )
        for i in range(6)
    ]
    hot = context_create(
        actor=system, kind="open_space", name="Lantern Fields", latitude=51.556, longitude=-0.054
    )
    for i, place in enumerate([*places, *[hot] * 12]):
        incident_record(
            actor=system,
            kind="peer_physical",
            occurred_at=clock.now() - dt.timedelta(days=1 + i % 20),
            context=place,
            summary="A synthetic incident for the browser test.",
            involvements=[(child, "harmed")],
            reporting_agency=police,
            source="police",
            confidence="high",
        )


def test_a_worker_finds_a_hotspot_opens_it_and_reads_its_weeks(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    csc_social_worker(system)
    _plant(system)

    sign_in(page, live_server.url, "sw", "/contexts/")
    with page.expect_navigation():
        page.get_by_role("link", name="Hotspots: where incidents concentrate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hotspots")
    row = page.get_by_role("row").filter(has_text="Near Lantern Fields")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("12 incidents within 150 m of Lantern Fields in 12 weeks")
    assert axe_violations(page) == []

    with page.expect_navigation():
        row.get_by_role("link", name="Near Lantern Fields").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Near Lantern Fields")
    table = page.get_by_role("table", name="Incidents within 150 m, week by week")
    expect(table.get_by_role("row")).to_have_count(13)
    expect(table.get_by_role("row").last).to_contain_text(
        (clock.today() - dt.timedelta(days=6)).strftime("%-d %b %Y")
    )
    expect(page.get_by_role("img", name="Incidents within 150 m each week")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Lantern Fields")).to_be_visible()
    assert axe_violations(page) == []
