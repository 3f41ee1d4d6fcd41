"""The information governance lead verifies the audit trail's hash chain, in a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.audit.models import AccessEvent
from locus.audit.services import record_access
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in


@pytest.fixture
def trail(transactional_db: Any) -> None:
    system = system_worker()
    e2e_worker(system, "auditor", "Ade Auditor", None, "auditor")
    record_access(actor=system, record_type="people.person")


def test_the_auditor_verifies_the_chain_and_sees_a_tampered_row_named(
    page: Any, live_server: Any, trail: None
) -> None:
    sign_in(page, live_server.url, "auditor")
    page.goto(f"{live_server.url}/audit/")
    with page.expect_navigation():
        page.get_by_role("link", name="its hash chain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail: hash chain")
    expect(page.get_by_text("The chain has not been verified yet.")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Verify the chain now").click()
    expect(page.get_by_text("The chain verified")).to_be_visible()

    # Someone with database access changes a row: the next verification names it.
    first = AccessEvent.objects.order_by("seq").first()
    assert first is not None
    AccessEvent.objects.filter(pk=first.pk).update(record_type="places.context")
    with page.expect_navigation():
        page.get_by_role("button", name="Verify the chain now").click()
    expect(page.get_by_text("The chain did not verify")).to_be_visible()
    problems = page.get_by_role("table", name="Problems found")
    row = problems.get_by_role("row").filter(has_text="edited")
    expect(row.get_by_role("cell")).to_have_text(
        ["access", str(first.seq), str(first.pk), "edited", re.compile("no longer give its hash")]
    )
    assert axe_violations(page) == []
