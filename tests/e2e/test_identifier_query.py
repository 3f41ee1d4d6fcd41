"""In the browser: a refused identifier, the request to have it checked, and its answer,
each page free of axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.people.services import person_update
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world
from tests.factories import valid_upn


def test_a_refused_upn_is_sent_for_checking_and_answered(
    page: Any, live_server: Any, world: World
) -> None:
    from locus.access.services import system_worker

    system = system_worker()
    e2e_worker(system, "adm", "Ada Admin", None, "administrator")
    upn = valid_upn(88001)
    # Casey is held by nobody: the request goes to an administrator (the data team).
    person_update(actor=system, person=world.peer, upn=upn)

    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/edit/")
    page.get_by_label("UPN (optional)").fill(upn)
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("main")).to_contain_text("This UPN cannot be used here: ask your data team")
    assert "Casey" not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ask for this UPN to be checked").click()
    page.get_by_role("heading", name="Ask for an identifier to be checked").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Anything the person checking should know (optional)").fill(
        "From the school's admission form"
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("main")).to_contain_text("Your request has been sent")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "adm")
    page.get_by_role("link", name="1 identifier request").click()
    page.get_by_role("heading", name="Identifier requests").wait_for()
    expect(page.locator("main")).to_contain_text("Casey Peerless")
    assert axe_violations(page) == []
    page.get_by_role("link", name="(open the request)").click()
    page.get_by_role("button", name="Close the request").click()
    expect(page.locator("main")).to_contain_text("Say what was done, for the record")
    assert axe_violations(page) == []
    page.get_by_label("What was done").fill("Casey's UPN: Jordan's school will check theirs")
    page.get_by_role("button", name="Close the request").click()
    expect(page.locator("main")).to_contain_text("No identifier requests are waiting for you")
