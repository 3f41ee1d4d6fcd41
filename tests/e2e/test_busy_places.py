"""In the browser: a manager sets a place's co-presence rule from the place's page, a refusal
names the field, and the rule shows on the page; every state free of axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.places.services import context_create
from tests.e2e.conftest import axe_violations, csc_team, e2e_worker, sign_in


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_a_manager_sets_a_rule_from_the_place_page(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    e2e_worker(system, "tm", "Tess Manager", csc_team(system), "manager")
    centre = context_create(
        actor=system, kind="retail", name="Mare Street Centre", postcode="E5 0AR"
    )

    sign_in(page, live_server.url, "tm", f"/contexts/{centre.pk}/")
    section = page.locator("#co-presence")
    expect(section).to_contain_text("No rule is set for this place")
    page.get_by_text("Set a rule for this place").click()
    expect(page.get_by_label("Only out of hours (18:00 to 07:59)")).to_be_visible()
    assert axe_violations(page) == []

    # No reason: the form comes back with the message on its field.
    page.get_by_label("Only out of hours (18:00 to 07:59)").check()
    _submit(page, "Set the rule")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why this place needs the rule"
    )
    assert axe_violations(page) == []

    page.get_by_label("Only out of hours (18:00 to 07:59)").check()
    page.get_by_label("Why does this place need the rule?").fill(
        "Crowded after school and on Saturdays"
    )
    _submit(page, "Set the rule")
    section = page.locator("#co-presence")
    expect(section).to_contain_text("Being here counts only out of hours (18:00 to 07:59)")
    expect(section).to_contain_text("Crowded after school and on Saturdays")
    expect(section).to_contain_text("Tess Manager")
    page.get_by_text("Change the rule").click()
    expect(page.get_by_label("Exclude: being here never links two children")).to_be_visible()
    assert axe_violations(page) == []
