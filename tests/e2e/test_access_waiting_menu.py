"""In a real browser: a social worker whose account an administrator has just made signs in
while her access waits for her team's manager to confirm it. Her home page says who confirms
it, and her menu offers Home only (was: the sharing register too, empty for her); the
policies, which she must follow, stay in the header, and their page carries the banner that
her access waits. Once her manager confirms it, the menu offers her work. axe on each page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, csc_team, e2e_worker, sign_in


def test_a_waiting_workers_menu_offers_only_home_until_her_manager_confirms(
    page: Any, live_server: Any, db: Any
) -> None:
    from locus.access.services import system_worker, worker_access_ask, worker_access_confirm

    system = system_worker()
    team = csc_team(system)
    manager = e2e_worker(system, "tm", "Tara Manning", team, "manager")
    admin = e2e_worker(system, "it", "Ivan Admin", None, "administrator")
    new = worker_access_ask(actor=admin, worker=e2e_worker(system, "nn", "Nia Newcomer", team))

    sign_in(page, live_server.url, "nn")
    main = page.locator("main")
    expect(main).to_contain_text(
        "Your access is waiting for Tara Manning or another manager of "
        "Contextual Safeguarding Team to confirm it."
    )
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(["Home"])
    expect(page.get_by_role("link", name="Sharing register")).to_have_count(0)
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Policies").click()
    expect(main).to_contain_text("Your access is waiting to be confirmed")
    expect(menu.get_by_role("link")).to_have_text(["Home"])
    assert axe_violations(page) == []

    worker_access_confirm(actor=manager, worker=new)
    page.goto(f"{live_server.url}/")
    expect(menu.get_by_role("link", name="Sharing register")).to_have_count(1)
    expect(menu.get_by_role("link", name="People")).to_have_count(1)
    expect(main).not_to_contain_text("Your access is waiting")
