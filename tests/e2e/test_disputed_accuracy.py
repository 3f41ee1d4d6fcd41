"""A child disputes an association on their record: the social worker records it in their words,
the team manager decides it is not corrected, and the person page carries the banner and the
tag beside the association, with its account one link away; axe finds nothing on the way."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.common import clock
from tests.e2e.conftest import axe_violations, linked_pair, sign_in


def test_a_dispute_recorded_decided_and_shown(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    pair = linked_pair()
    base = live_server.url
    child = pair.child.pk
    sign_in(page, base, "sw", f"/people/{child}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Accuracy disputes and objections").click()
    expect(page.get_by_role("heading", name="Accuracy and objections")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Record a dispute of accuracy").click()
    # Casey is held by youth justice: the social worker knows him by his initials only.
    page.get_by_label("What does the person say is wrong?").select_option(
        label="Association with CP (friend)"
    )
    page.get_by_label("The person's account, in their own words").fill("I don't know him.")
    page.get_by_label("In person").check()
    page.get_by_label("Received on").fill(clock.today().strftime("%d/%m/%Y"))
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("I don't know him.")).to_be_visible()
    assert axe_violations(page) == []

    page.context.clear_cookies()
    sign_in(page, base, "tm", f"/people/{child}/accuracy/")
    with page.expect_navigation():
        page.get_by_role("link", name="Decide").click()
    page.get_by_role("radio", name="Not corrected").check()
    page.get_by_label("If not corrected: why").fill("Police saw them together twice.")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Police saw them together twice.")).to_be_visible()

    page.goto(f"{base}/people/{child}/")
    banner = page.get_by_role("region", name="Accuracy disputed")
    expect(banner).to_be_visible()
    row = page.get_by_role("row").filter(has_text="CP")
    expect(row.get_by_text("Accuracy disputed")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_navigation():
        banner.get_by_role("link", name="Read their account and what was decided").click()
    expect(page.get_by_text("I don't know him.")).to_be_visible()
