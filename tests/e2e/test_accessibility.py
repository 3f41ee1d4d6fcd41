"""Every page, as the persona who uses it, has no WCAG 2.2 AA violation axe can find,
and can be worked by keyboard from the skip link."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from locus.audit.models import AccessEvent
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world


def pages(w: World) -> dict[str, str]:
    incident = w.child.involvements.first().incident
    group = w.child.memberships.first().group
    return {
        "home": "/",
        "people": "/people/",
        "people search with an error": "/people/?age_from=15&age_to=12",
        "person": f"/people/{w.child.pk}/",
        "contexts": "/contexts/",
        "context": f"/contexts/{incident.context_id}/",
        "group": f"/groups/{group.pk}/",
        "incidents": "/incidents/",
        "incident": f"/incidents/{incident.pk}/",
        "not found": "/people/999999/",
    }


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "people",
        "people search with an error",
        "person",
        "contexts",
        "context",
        "group",
        "incidents",
        "incident",
        "not found",
    ],
)
def test_page_has_no_axe_violations(page: Any, live_server: Any, world: World, name: str) -> None:
    sign_in(page, live_server.url, "sw")
    page.goto(live_server.url + pages(world)[name])
    assert page.locator("h1").count() == 1, "one main heading per page"
    assert axe_violations(page) == []


def test_sign_in_and_audit_pages_have_no_axe_violations(
    page: Any, live_server: Any, world: World
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    assert axe_violations(page) == []
    sign_in(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}/audit/?show=changes")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    assert axe_violations(page) == []


def test_keyboard_user_can_skip_to_content_and_reach_a_person(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw")
    page.get_by_role("heading", name="My caseload").wait_for()  # the home page has loaded
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    # The first link inside main is the caseload child's name: reach it and follow it.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Jordan Testperson":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/people/{world.child.pk}/")
    assert AccessEvent.objects.filter(record_id=str(world.child.pk)).exists()
