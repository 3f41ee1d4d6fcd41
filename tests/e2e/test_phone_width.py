"""On a phone (375 pixels) the service menu folds behind a "Menu" button."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world

PHONE = {"width": 375, "height": 800}
WIDE_JS = "document.documentElement.scrollWidth"


def _people_link(page: Any) -> Any:
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name="People")


def test_on_a_phone_the_menu_folds_behind_a_button(
    page: Any, live_server: Any, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate(WIDE_JS) <= PHONE["width"]
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(_people_link(page)).to_be_hidden()
    assert axe_violations(page) == []

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(_people_link(page)).to_be_visible()
    assert axe_violations(page) == []
    menu.click()
    expect(_people_link(page)).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(_people_link(page)).to_be_visible()


def test_without_javascript_the_menu_shows_on_a_phone(
    browser: Any, live_server: Any, world: World
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Username").fill("sw")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(_people_link(page)).to_be_visible()
    context.close()
