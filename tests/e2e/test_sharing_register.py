"""In the browser: the information governance lead reads the sharing register, filters it and
follows its link to the information-sharing agreement; a social worker's emergency access is
on it. Pages free of axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.factories import build_world
from tests.sharing.helpers import EMERGENCY_POST


def test_the_ig_lead_reads_and_filters_the_register(page: Any, live_server: Any, db: Any) -> None:
    from django.test import Client

    from locus.access.services import worker_set_password
    from locus.policies.services import policy_edit
    from tests.casework.helpers import refer

    world = build_world()
    for worker in (world.auditor, world.social_worker):
        worker_set_password(actor=world.admin, worker=worker, password=PASSWORD)
    policy_edit(actor=world.admin, kind="isa", title="Our ISA", text="We share.", summary="First")
    refer(world)
    client = Client()
    client.force_login(world.social_worker)
    reason = "He is missing tonight and his friends may know where he is"
    client.post(
        f"/people/{world.yjs_child.pk}/emergency-access/",
        {"category": "missing_child", "reason": reason, **EMERGENCY_POST},
    )

    sign_in(page, live_server.url, "auditor")
    with page.expect_navigation():
        page.get_by_role("link", name="Sharing register").click()
    expect(page.get_by_role("heading", level=1, name="Sharing register")).to_be_visible()
    table = page.get_by_role("table", name="Sharing, newest first")
    shares = table.locator("tr.locus-register__facts")  # each share's row of facts
    expect(shares).to_have_count(2)
    expect(table).to_contain_text("Emergency access (break-glass)")
    expect(table).to_contain_text("1 person not shared with you")
    expect(table).not_to_contain_text(world.yjs_child.full_name)
    assert axe_violations(page) == []
    # Seven columns take a wide window's width, not the page's 960px column, and the page
    # still does not scroll sideways.
    page.set_viewport_size({"width": 1280, "height": 800})
    box = page.get_by_role("region", name="Results").bounding_box()
    assert box is not None and box["width"] > 1100
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Kind").select_option("referral")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(shares).to_have_count(1)
    expect(table).to_contain_text("Referral")
    # What was shared and why is one click away, in the share's disclosure.
    table.get_by_text("What was shared and why").click()
    expect(table.get_by_text("Purpose", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="information-sharing agreement").first.click()
    expect(page.get_by_role("heading", name="Our ISA")).to_be_visible()
    assert axe_violations(page) == []
