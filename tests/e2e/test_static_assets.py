"""In the browser: no request for an asset fails, no console error, no GDS Transport, and the
form kit's error summary takes focus when a page with errors loads."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world


def watch(page: Any) -> list[str]:
    """Failed requests, HTTP errors for static files and console errors, as they happen."""
    problems: list[str] = []
    # A request the browser itself abandoned (ERR_ABORTED: the page moved on, e.g. a favicon
    # still loading) says nothing about the asset; any other failure does.
    page.on(
        "requestfailed",
        lambda r: (
            None if "ERR_ABORTED" in (r.failure or "") else problems.append(f"failed: {r.url}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status}: {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


def test_pages_load_every_asset_and_use_arial(page: Any, live_server: Any, world: World) -> None:
    problems = watch(page)
    sign_in(page, live_server.url, "sw")
    for path in ["/", "/people/", f"/people/{world.child.pk}/", "/incidents/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" not in font and font.lower().startswith("arial")
    fonts = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => /\\.(woff2?|ttf|otf)(\\?|$)/.test(n))"
    )
    assert fonts == []
    assert problems == []


def test_the_error_summary_takes_focus_and_links_to_the_field(
    page: Any, live_server: Any, world: World
) -> None:
    problems = watch(page)
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/incidents/?since=31/02/2026")
    page.wait_for_load_state("networkidle")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the from date as a date")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    field = page.get_by_label("From")
    assert "id_since-error" in (field.get_attribute("aria-describedby") or "").split()
    summary.get_by_role("link", name="Enter the from date as a date").click()
    assert page.evaluate("document.activeElement.id") == "id_since"
    assert axe_violations(page) == []
    assert problems == []
