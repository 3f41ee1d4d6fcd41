"""In the browser: a worker makes an API token (shown once), uses it, and revokes it; the
API's docs page draws under the site's content security policy. Pages free of axe
violations."""

from __future__ import annotations

from typing import Any

from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.factories import make_agency, make_team
from tests.sharing.helpers import choose_basis, soon_posted, token_args


def test_a_worker_makes_uses_and_revokes_a_token(page: Any, live_server: Any, db: Any) -> None:
    from locus.access.services import system_worker

    system = system_worker()
    team = make_team(system, agency=make_agency(system, kind="youth_service"), name="Outreach")
    e2e_worker(system, "tok", "Toni Token", team)
    sign_in(page, live_server.url, "tok")
    with page.expect_navigation():
        page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="Your API tokens").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("Team dashboard")
    page.get_by_label("Expiry date").fill(soon_posted())
    choose_basis(page, "The team's dashboard of open cases")
    with page.expect_navigation():
        page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="Token made")).to_be_visible()
    assert axe_violations(page) == []
    secret = page.locator("#api-token-secret").inner_text()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/v1/people", **auth).status_code == 200
    with page.expect_navigation():
        page.get_by_role("link", name="back to your tokens").click()
    expect(page.locator("main")).to_contain_text("Team dashboard")
    expect(page.locator("main")).not_to_contain_text(secret)
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke Team dashboard").click()
    expect(page.locator("main")).to_contain_text("Revoked")
    assert axe_violations(page) == []
    assert Client().get("/api/v1/people", **auth).status_code == 401


def test_an_administrator_revokes_a_workers_token_with_a_reason(
    page: Any, live_server: Any, db: Any
) -> None:
    from locus.access.services import system_worker
    from locus.api.services import token_create

    system = system_worker()
    team = make_team(system, agency=make_agency(system, kind="youth_service"), name="Outreach")
    holder = e2e_worker(system, "tok", "Toni Token", team)
    made = token_create(**token_args(), actor=holder, name="Team dashboard")
    e2e_worker(system, "ida", "Ida Admin", None, role="administrator")
    sign_in(page, live_server.url, "ida")
    with page.expect_navigation():
        page.get_by_role("link", name="Live API tokens").click()
    page.get_by_role("heading", name="Live API tokens").wait_for()
    expect(page.locator("main")).to_contain_text(made.token.prefix)
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name=f"Revoke token {made.token.prefix} of Toni Token").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the token is revoked")
    assert axe_violations(page) == []
    page.get_by_label("Why the token is revoked").fill("Toni has left the service")
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator("main")).to_contain_text("No API token works now")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.secret}"}
    assert Client().get("/api/v1/people", **auth).status_code == 401


def test_the_api_docs_draw_under_the_csp(page: Any, live_server: Any, db: Any) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("Locus API")
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/people")
    assert refused == []
