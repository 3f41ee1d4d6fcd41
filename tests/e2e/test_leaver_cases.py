"""In the browser: a worker holding a child leaves (their account is closed); their team's
manager finds the child on My work under "Held by someone whose account is closed", from the
notice, and opens the child's page to end the allocation. Every page is free of axe
violations."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import closed_account_cases_told, system_worker
from tests.e2e.conftest import axe_violations, held_child, sign_in, transfer_teams


@pytest.fixture
def leaver(transactional_db: Any) -> Worker:
    """Sam Okafor holds Jordan Testperson, and his account is closed as the admin site does."""
    system = system_worker()
    sw, _ = transfer_teams(system)
    held_child(system, sw)
    with transaction.atomic():
        Worker.objects.filter(pk=sw.pk).update(is_active=False)
        closed_account_cases_told(actor=system, worker=Worker.objects.get(pk=sw.pk))
    return sw


def _clean(page: Any) -> None:
    assert page.locator("h1").count() == 1, "one main heading per page"
    assert axe_violations(page) == []


def test_the_manager_finds_a_leaver_s_child_on_my_work(
    page: Any, live_server: Any, leaver: Worker
) -> None:
    sign_in(page, live_server.url, "tm", "/my-work/")
    expect(page.locator("main")).to_contain_text("account was closed while they held 1 child")
    closed = page.get_by_role("heading", name="Held by someone whose account is closed (1)")
    expect(closed).to_be_visible()
    _clean(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Jordan Testperson").first.click()
    expect(page.get_by_role("heading", name="Jordan Testperson")).to_be_visible()
    expect(page.get_by_role("link", name="End the allocation of Jordan Testperson")).to_be_visible()
    _clean(page)
