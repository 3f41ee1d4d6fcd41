"""Triaging linked cases in a real browser: a social worker lists the links on weaker evidence
from their summary, marks a strong link reviewed and sees it drop to the foot of the page.
Every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from locus.peers.services import association_record
from locus.people.services import allocation_create, person_create
from tests.e2e.conftest import ALLOCATED, PEER_DOB, axe_violations, linked_pair, sign_in


@pytest.fixture
def world(transactional_db: Any) -> None:
    """Jordan (held by sw) is directly associated with Casey (presents risk) and shares one
    associate, an adult, with Riley (also held in youth justice): weaker evidence."""
    pair = linked_pair()
    system = pair.system
    adult = person_create(
        actor=system,
        given_name="Adrian",
        family_name="Adult",
        date_of_birth=PEER_DOB,
        kind="adult_of_concern",
    )
    riley = person_create(
        actor=system, given_name="Riley", family_name="Weaklink", date_of_birth=PEER_DOB
    )
    allocation_create(actor=system, person=riley, worker=pair.yjs_worker, start=ALLOCATED)
    for one in (pair.child, riley):
        association_record(
            actor=system,
            person=one,
            other=adult,
            relationship="associate",
            nature="unclear",
            source="police",
            confidence="medium",
            valid_from=ALLOCATED,
        )


def test_a_worker_expands_the_weaker_links_and_marks_a_link_reviewed(
    page: Any, live_server: Any, world: None
) -> None:
    sign_in(page, live_server.url, "sw", "/linked/")
    strong = page.get_by_role("table", name="Linked cases on strong evidence")
    expect(strong.get_by_role("row").filter(has_text="presents risk")).to_be_visible()
    expect(page.get_by_text("1 linked case rests only on one associate in common")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="List the 1 linked case on weaker evidence").click()
    weak = page.get_by_role("table", name="Linked cases on weaker evidence")
    expect(weak.get_by_role("row").filter(has_text="1 associate in common")).to_be_visible()
    assert page.get_by_text("Weaklink").count() == 0  # Riley is not the worker's to name
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Strong evidence (1)").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Mark reviewed").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark a linked case reviewed")
    assert axe_violations(page) == []
    # "Not relevant" without a reason is refused, naming the field.
    page.get_by_label("Not relevant").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the link is not relevant")
    assert axe_violations(page) == []
    page.get_by_label("Known, already working together").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("Link marked reviewed")).to_be_visible()
    reviewed = page.get_by_role("table", name="Linked cases your team has reviewed")
    expect(reviewed).to_contain_text("Known, already working together")
    expect(reviewed).to_contain_text("Reviewed on")
    expect(page.get_by_text("No linked cases on strong evidence")).to_be_visible()
    assert axe_violations(page) == []
