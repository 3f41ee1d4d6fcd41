"""In the browser: a social worker proposes a transfer of a child to another team with a
handover note; that team's manager finds it in My work, reads it, and accepts it, choosing
the receiving worker; the child's page then shows the new holder. A manager allocates a
child from the child's page. Every page on the way is free of axe violations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import system_worker
from locus.people.models import Person
from tests.e2e.conftest import axe_violations, held_child, sign_in, transfer_teams


@dataclass
class World:
    child: Person
    receiver: Worker


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    sw, receiver = transfer_teams(system)
    Worker.objects.filter(pk=receiver.pk).update(phone="020 7946 0123", email="riley@example.org")
    return World(held_child(system, sw), receiver)


def _clean(page: Any) -> None:
    assert page.locator("h1").count() == 1, "one main heading per page"
    assert axe_violations(page) == []


def _go(page: Any, action: Any) -> None:
    """A click that loads the next page, waited for before the page is read."""
    with page.expect_navigation():
        action()


def test_a_worker_proposes_and_the_receiving_manager_accepts(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    child_path = f"/people/{world.child.pk}/"
    sign_in(page, base, "sw", child_path)
    _go(page, page.get_by_role("link", name="Propose a transfer of Jordan Testperson").click)
    expect(page.get_by_role("heading", name="Propose a transfer")).to_be_visible()
    _clean(page)

    # Without a handover note the proposal is refused on the field.
    page.get_by_label("Receiving team").select_option(label="Adolescent Support Team")
    _go(page, page.get_by_role("button", name="Propose the transfer").click)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write the handover note")
    _clean(page)
    page.get_by_label("Receiving team").select_option(label="Adolescent Support Team")
    page.get_by_label("Handover note").fill(
        "Weekly visits agreed. Open action: school meeting on Friday. Worry: seen late at the park."
    )
    _go(page, page.get_by_role("button", name="Propose the transfer").click)
    expect(page.get_by_role("heading", name="Transfer of Jordan Testperson")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Waiting for acceptance")
    _clean(page)
    _go(page, page.get_by_role("link", name="Withdraw the transfer").click)
    expect(page.get_by_role("heading", name="Withdraw the transfer")).to_be_visible()
    _clean(page)

    # The receiving manager: My work lists the transfer; they read it and accept.
    page.context.clear_cookies()
    sign_in(page, base, "rm", "/my-work/")
    expect(page.get_by_role("heading", name="Transfers to accept (1)")).to_be_visible()
    _clean(page)
    _go(page, page.get_by_role("link", name="All transfers waiting for you").click)
    expect(page.get_by_role("heading", name="Transfers to accept")).to_be_visible()
    _clean(page)
    _go(page, page.get_by_role("link", name="Jordan Testperson").click)
    expect(page.locator("main")).to_contain_text("school meeting on Friday")
    _go(page, page.get_by_role("link", name="Decline the transfer").click)
    expect(page.get_by_role("heading", name="Decline the transfer")).to_be_visible()
    _clean(page)
    _go(page, page.get_by_role("link", name="Back to the transfer").click)
    _go(page, page.get_by_role("link", name="Accept the transfer").click)
    expect(page.get_by_role("heading", name="Accept the transfer")).to_be_visible()
    _clean(page)
    page.get_by_label("Worker who will hold the case").select_option(
        label="Riley Reeves, Adolescent Support Team"
    )
    _go(page, page.get_by_role("button", name="Accept").click)
    expect(page.locator("main")).to_contain_text("the case moved to Riley Reeves")
    _clean(page)

    # The child's page, now open to the receiving team, shows the new holder only.
    _go(page, page.get_by_role("link", name="Jordan Testperson", exact=True).click)
    holders = page.locator("h2:has-text('Allocated workers') + ul")
    expect(holders).to_contain_text("Riley Reeves, Adolescent Support Team")
    expect(holders).to_contain_text("riley@example.org")
    expect(holders).not_to_contain_text("Sam Okafor")
    _clean(page)


def test_a_manager_allocates_a_child(page: Any, live_server: Any, world: World) -> None:
    sign_in(page, live_server.url, "tm", f"/people/{world.child.pk}/")
    _go(page, page.get_by_role("link", name="Allocate a worker to Jordan Testperson").click)
    expect(page.get_by_role("heading", name="Allocate a worker")).to_be_visible()
    _clean(page)
    page.get_by_label("Worker", exact=True).select_option(
        label="Mo Teammate, Contextual Safeguarding Team"
    )
    page.get_by_label("Allocated from").fill("01/02/2026")
    _go(page, page.get_by_role("button", name="Allocate").click)
    holders = page.locator("h2:has-text('Allocated workers') + ul")
    expect(holders).to_contain_text("Mo Teammate")
    expect(holders).to_contain_text("Sam Okafor")
    _clean(page)

    # The co-worker steps back: the manager ends that allocation, with a reason.
    _go(page, page.get_by_role("link", name="End the allocation of Jordan Testperson to Mo").click)
    expect(page.get_by_role("heading", name="End the allocation to Mo Teammate")).to_be_visible()
    _clean(page)
    _go(page, page.get_by_role("button", name="End the allocation").click)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the allocation ends")
    _clean(page)
    page.get_by_label("Why does it end?").fill("Co-working ended: the school meeting is done.")
    _go(page, page.get_by_role("button", name="End the allocation").click)
    expect(holders).to_contain_text("Sam Okafor")
    expect(holders).not_to_contain_text("Mo Teammate")
