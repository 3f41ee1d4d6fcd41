"""In a real browser: the administrator reads the purge's dry run and purges; the auditor reads
the rules and the run; a manager sees the hold banner on a child in proceedings and lifts it.
Every page is checked with axe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, demo_borough, sign_in


@dataclass
class Borough:
    past_id: int
    held_id: int
    hold_id: int


@pytest.fixture
def borough(transactional_db: Any, settings: Any, tmp_path: Path) -> Borough:
    from locus.demo.retention import add_demo_retention

    demo_borough(settings, tmp_path)
    past, hold = add_demo_retention()
    assert hold is not None
    return Borough(past_id=past.pk, held_id=hold.held_id, hold_id=hold.pk)


def test_the_dry_run_the_purge_and_a_legal_hold(
    page: Any, live_server: Any, borough: Borough
) -> None:
    base = live_server.url
    sign_in(page, base, "admin", "/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention and legal holds")).to_be_visible()
    expect(page.get_by_role("region", name="Legal holds")).to_contain_text(
        f"Person {borough.held_id}"
    )
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Purge: see what is due").click()
    expect(page.get_by_role("heading", name="Purge what is due")).to_be_visible()
    expect(page.get_by_role("region", name="What would be purged")).to_contain_text(
        str(borough.past_id)
    )
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Purge these records").click()
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    page.get_by_label("I have read the list: purge these records for good").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Purge these records").click()
    expect(page.get_by_role("heading", name="Purge ")).to_be_visible()
    expect(page.locator("#run-state")).to_have_text("Finished")
    assert axe_violations(page) == []
    expect(page.get_by_role("row", name="A child who never had a plan Purged")).to_be_visible()

    # The auditor reads the rules and the run, but is offered no purge.
    page.context.clear_cookies()
    sign_in(page, base, "auditor", "/data/retention/")
    expect(page.get_by_role("heading", name="Retention rules")).to_be_visible()
    expect(page.get_by_role("link", name="Purge: see what is due")).to_have_count(0)

    # The manager who placed the hold sees it on the child's page, and lifts it.
    page.context.clear_cookies()
    sign_in(page, base, "team.manager", f"/people/{borough.held_id}/")
    banner = page.get_by_role("region", name="Legal hold")
    expect(banner).to_contain_text("care proceedings")
    assert axe_violations(page) == []
    with page.expect_navigation():
        banner.get_by_role("link", name="Lift the hold").click()
    expect(page.get_by_role("heading", name="Lift a legal hold")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Why the hold is lifted").fill("Final order made")
    with page.expect_navigation():
        page.get_by_role("button", name="Lift the hold").click()
    expect(page.get_by_role("region", name="Legal hold")).to_have_count(0)
    expect(page.get_by_role("link", name="Place a legal hold")).to_be_visible()
    # The lifted hold's own page says when the record may go (the release period).
    page.goto(f"{base}/data/retention/holds/{borough.hold_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Legal hold {borough.hold_id}")
    expect(page.locator("main")).to_contain_text("days after the lift")
    assert axe_violations(page) == []
    page.go_back()

    # And places it again, from the child's page.
    with page.expect_navigation():
        page.get_by_role("link", name="Place a legal hold").click()
    expect(page.get_by_role("heading", name="Place a legal hold")).to_be_visible()
    expect(page.get_by_label("Its record number")).to_have_value(str(borough.held_id))
    assert axe_violations(page) == []
    page.get_by_label("Why it must be kept").select_option("criminal")
    page.get_by_label("The proceedings").fill("Trial listed, ref T20267003")
    page.get_by_label("Review the hold on").fill("01/01/2099")
    with page.expect_navigation():
        page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("region", name="Legal hold")).to_contain_text("criminal proceedings")
