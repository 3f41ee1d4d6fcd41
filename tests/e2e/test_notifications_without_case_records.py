"""In a real browser: the information governance lead (an auditor, no case records), whose
API token an administrator revoked, sees "Notifications, 1 unread" in the header, opens her
notifications page (not My work, which is not hers), reads who revoked it and where to read
why (her tokens page, which says it: not the notification), marks it
read and sees the count go to zero. axe on the page before and after."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.sharing.helpers import token_args

REASON = "Token seen in the proxy log on Tuesday"


def test_an_auditor_reads_and_marks_the_notice_of_her_revoked_token(
    page: Any, live_server: Any, db: Any
) -> None:
    from locus.access.services import system_worker
    from locus.api.services import token_create, token_revoke_any

    system = system_worker()
    lead = e2e_worker(system, "ig", "Ines Governance", None, "auditor")
    admin = e2e_worker(system, "it", "Ivan Admin", None, "administrator")
    made = token_create(**token_args(), actor=lead, name="Audit extract")
    token_revoke_any(actor=admin, token=made.token, reason=REASON)

    sign_in(page, live_server.url, "ig")
    expect(page.get_by_role("link", name="My work")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="Notifications, 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    table = page.get_by_role("table", name="Your notifications, newest first")
    expect(table.get_by_text("Unread", exact=True)).to_have_count(1)
    expect(table).to_contain_text("API token revoked: Your API token")
    expect(table).to_contain_text("revoked by Ivan Admin on ")
    expect(table).to_contain_text("why is on your API tokens page")
    expect(table).not_to_contain_text(REASON)
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
    expect(table.get_by_text("Unread", exact=True)).to_have_count(0)
    assert axe_violations(page) == []

    # Its link leads to her tokens page, where the revoked token is.
    with page.expect_navigation():
        table.get_by_role("link", name="API token revoked", exact=False).click()
    expect(page.locator("main")).to_contain_text("Audit extract")
    expect(page.locator("main")).to_contain_text(f"by an administrator: {REASON}")
