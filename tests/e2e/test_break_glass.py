"""Break-glass in a real browser: a social worker sees that a child they cannot see is linked
to theirs, asks for emergency access with a reason, reads the record under the banner, and
ends it; their manager then reviews it. Every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import BreakGlass
from tests.e2e.conftest import LinkedPair, axe_violations, linked_pair, sign_in

REASON = "Casey has been missing since last night and police need his friends' addresses"


@pytest.fixture
def world(transactional_db: Any) -> LinkedPair:
    return linked_pair()


def test_a_social_worker_asks_for_emergency_access_and_reads_under_the_banner(
    page: Any, live_server: Any, world: LinkedPair
) -> None:
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/linked/")
    expect(page.get_by_role("row").filter(has_text="A child not shared with you")).to_be_visible()
    # Offered once a page, below the rows: folded, since it is for an emergency only.
    page.get_by_text("Request emergency access (").click()
    page.get_by_role("link", name="Request emergency access to the child linked to").click()

    expect(page.get_by_role("heading", name="Request emergency access")).to_be_visible()
    assert page.get_by_text("Casey").count() == 0  # nothing about the record yet
    assert axe_violations(page) == []

    page.get_by_label("Why is this an emergency?").select_option("missing_child")
    page.get_by_label("What is happening").fill("urgent")
    page.get_by_role("button", name="Open the record in an emergency").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("at least 4 words")
    assert axe_violations(page) == []

    page.get_by_label("What is happening").fill(REASON)
    page.get_by_role("button", name="Open the record in an emergency").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Casey Peerless")
    banner = page.get_by_role("region", name="Emergency access", exact=True)
    expect(banner).to_contain_text(
        "you are seeing Casey Peerless's record because of missing child"
    )
    expect(banner).to_contain_text("reviewed by your manager")
    assert axe_violations(page) == []

    # The peer map carries the same banner.
    page.goto(f"{live_server.url}/people/{world.peer.pk}/peer-map/")
    expect(page.get_by_role("region", name="Emergency access", exact=True)).to_be_visible()

    banner = page.get_by_role("region", name="Emergency access", exact=True)
    banner.get_by_role("button", name="End emergency access").click()
    expect(page.get_by_role("alert").first).to_contain_text("Emergency access ended")
    assert page.get_by_role("region", name="Emergency access", exact=True).count() == 0
    assert axe_violations(page) == []
    response = page.goto(f"{live_server.url}/people/{world.peer.pk}/")
    assert response.status == 404


def test_the_manager_reviews_the_emergency_access_from_the_home_page(
    page: Any, live_server: Any, world: LinkedPair
) -> None:
    from locus.access.models import Worker
    from locus.access.services import break_glass_request

    break_glass_request(
        actor=Worker.objects.get(username="sw"),
        person_id=world.peer.pk,
        category="missing_child",
        reason=REASON,
    )
    sign_in(page, live_server.url, "tm")
    page.get_by_role("link", name="Review emergency access").click()
    expect(page.get_by_role("heading", name="Emergency access")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Review Sam Okafor's emergency access").click()
    page.get_by_label("Was the emergency access justified?").select_option("justified")
    page.get_by_label("Note on your decision").fill("Casey was found using the addresses.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_role("alert").first).to_contain_text("Review recorded")
    assert BreakGlass.objects.get().outcome == "justified"
