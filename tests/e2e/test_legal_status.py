"""In the browser: a social worker opens a child protection plan with its category from the
child's page, changes the category, then ends the plan; each page free of axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def test_open_change_and_end_a_child_protection_plan(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/")
    page.get_by_role("link", name="Open a status for Jordan Testperson").click()
    page.get_by_role("heading", name="Open a legal status").wait_for()
    assert axe_violations(page) == []

    # A plan without its category is refused on the field, and nothing is opened.
    page.get_by_role("radio", name="Child protection plan").check()
    page.get_by_label("Start date").fill("02/02/2026")
    page.get_by_role("button", name="Open the status").click()
    assert "A child protection plan needs its category" in _main(page)
    assert axe_violations(page) == []
    page.get_by_label("Category of the child protection plan").select_option(label="Neglect")
    page.get_by_role("button", name="Open the status").click()
    assert "Legal status opened" in _main(page)
    assert "Neglect" in _main(page)

    page.get_by_role("link", name="Change the CP episode from 2 Feb 2026").click()
    page.get_by_role("heading", name="Change the plan's category").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("New category").select_option(label="Emotional abuse")
    page.get_by_label("Date of the change").fill("02/03/2026")
    page.get_by_label("Why it changed").fill("Review conference agreed emotional abuse")
    page.get_by_role("button", name="Save").click()
    assert "Child protection plan changed" in _main(page)
    history = page.locator("table", has_text="Child protection plan")
    expect(history).to_contain_text("Review conference agreed emotional abuse")
    expect(history).to_contain_text("Emotional abuse")

    page.get_by_role("link", name="End the CP episode from 2 Mar 2026").click()
    page.get_by_role("heading", name="End a legal status").wait_for()
    page.get_by_label("End date").fill("02/04/2026")
    page.get_by_role("button", name="End it").click()
    assert "Say why, for the record" in _main(page)
    assert axe_violations(page) == []
    page.get_by_label("Why it ended").fill("Stepped down to child in need")
    page.get_by_role("button", name="End it").click()
    assert "Child protection plan ended" in _main(page)
    assert "Stepped down to child in need" in _main(page)
    # The ended plan is no longer offered for change or ending; the open episode still is.
    assert page.get_by_role("link", name="the CP episode").count() == 0
    assert page.get_by_role("link", name="End the CIN episode from 5 Jan 2026").count() == 1
    assert axe_violations(page) == []
