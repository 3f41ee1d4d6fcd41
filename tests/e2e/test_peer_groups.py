"""In a real browser: a social worker creates a peer group, adds two of her children to it,
ends one membership with a reason and finds it in the group's history. axe on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.common import clock
from locus.people.services import allocation_create
from tests.e2e.conftest import ALLOCATED, axe_violations, linked_pair, sign_in
from tests.e2e.picking import pick_person


@pytest.fixture
def children(transactional_db: Any) -> None:
    """Jordan and Casey, both held by the social worker ``sw`` (Casey by a youth justice
    worker too)."""
    pair = linked_pair()
    sw = Worker.objects.get(username="sw")
    allocation_create(actor=pair.system, person=pair.peer, worker=sw, start=ALLOCATED)


def test_create_a_group_add_two_members_end_one(
    page: Any, live_server: Any, children: None
) -> None:
    sign_in(page, live_server.url, "sw", "/contexts/")
    page.get_by_role("link", name="Create a peer group").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the group's name")
    assert axe_violations(page) == []
    page.get_by_label("Name of the group").fill("Station car park group")
    page.get_by_label("Description (optional)").fill("Meets after school")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Station car park group")).to_be_visible()

    page.get_by_role("link", name="Members: add or end").click()
    assert axe_violations(page) == []
    since = (clock.today() - dt.timedelta(days=30)).strftime("%d/%m/%Y")
    for name in ("Jordan Testperson", "Casey Peerless"):
        page.get_by_role("link", name="Add a member").click()
        assert axe_violations(page) == []
        pick_person(page, "Young person", name.split()[1], name)
        page.get_by_label("Role in the group").select_option(label="Core member")
        page.get_by_label("Since when?").fill(since)
        page.get_by_label("Where this information came from").select_option(index=1)
        page.get_by_label("How sure are you?").select_option(index=0)
        page.get_by_role("button", name="Add the member").click()
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="End Casey Peerless's membership").click()
    assert axe_violations(page) == []
    page.get_by_label("Date the membership ended").fill(clock.today().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="End the membership").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the membership ends")
    page.get_by_label("Why?").fill("Moved to another area")
    page.get_by_role("button", name="End the membership").click()
    expect(page.get_by_role("link", name="Casey Peerless", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Jordan Testperson", exact=True)).to_be_visible()

    page.get_by_role("link", name="The group's history").click()
    expect(page.get_by_text("Moved to another area")).to_be_visible()
    assert axe_violations(page) == []
