"""In the browser: a social worker records a child with an address from the people list,
sees them on their page, changes their address; then tries a child another team holds and
is told only that a record may already exist, and asks the data team. Each page axe-clean."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import system_worker, team_create
from locus.common import clock
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from tests.e2e.conftest import axe_violations, csc_team, e2e_worker, sign_in


@dataclass
class World:
    social_worker: Worker
    hidden: Person


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    team_a = csc_team(system, "Assessment Team A")
    team_b = team_create(actor=system, agency=team_a.agency, name="Assessment Team B")
    social_worker = e2e_worker(system, "sw", "Sam Okafor", team_a)
    other = e2e_worker(system, "osw", "Omar Other", team_b)
    e2e_worker(system, "bm", "Bea Manager", team_b, "manager")
    hidden = person_create(
        actor=system, given_name="Olu", family_name="Otherchild", date_of_birth=dt.date(2011, 3, 14)
    )
    allocation_create(actor=system, person=hidden, worker=other, start=dt.date(2026, 1, 5))
    return World(social_worker, hidden)


def _main(page: Any) -> Any:
    return page.locator("main")


def _details(page: Any, given: str, family: str, dob: str) -> None:
    page.get_by_label("First name").fill(given)
    page.get_by_label("Last name").fill(family)
    page.get_by_label("Date of birth").fill(dob)


def test_record_a_child_with_an_address_and_see_them(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw", "/people/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a young person").click()
    expect(page.get_by_role("heading", name="Record a young person")).to_be_visible()
    assert axe_violations(page) == []

    # A postcode that is not on the list is refused on its field, and nothing is recorded.
    _details(page, "Nia", "Newchild", "01/05/2012")
    page.get_by_label("Address (optional)").fill("Flat 2\n14 Mare Street\nLondon")
    page.get_by_label("Postcode (optional)").fill("E8 9ZZ")
    with page.expect_navigation():
        page.get_by_role("button", name="Record this person").click()
    expect(page.locator("#id_postcode-error")).to_contain_text(
        "E8 9ZZ is not a postcode we can find"
    )
    assert axe_violations(page) == []
    page.get_by_label("Postcode (optional)").fill("E8 1EJ")
    with page.expect_navigation():
        page.get_by_role("button", name="Record this person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Newchild")
    expect(_main(page)).to_contain_text("Person recorded and allocated")
    addresses = page.locator("table", has_text="14 Mare Street")
    expect(addresses).to_contain_text("E8 1EJ")
    expect(page.locator("main")).to_contain_text("Sam Okafor")  # allocated to the recorder

    # A move: the old address stays in the history.
    with page.expect_navigation():
        page.get_by_role("link", name="Change address of Nia Newchild").click()
    expect(page.get_by_role("heading", name="Change address")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Address", exact=True).fill("3 Clapton Square")
    page.get_by_label("Postcode", exact=True).fill("E5 8HP")
    page.get_by_label("Living here since").fill(clock.today().strftime("%d/%m/%Y"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save address").click()
    expect(_main(page)).to_contain_text("Address saved")
    history = page.locator("table", has_text="Clapton Square")
    expect(history).to_contain_text("14 Mare Street")
    expect(history).to_contain_text("Moved to a new address")


def test_a_child_another_team_holds_is_not_revealed_and_the_data_team_is_asked(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw", "/people/new/young-person/")
    expect(page.get_by_role("heading", name="Record a young person")).to_be_visible()
    _details(page, "Olu", "Other-Child", "14/03/2011")
    with page.expect_navigation():
        page.get_by_role("button", name="Record this person").click()
    expect(_main(page)).to_contain_text("A record may already exist: ask the data team.")
    expect(_main(page)).not_to_contain_text("Omar Other")
    expect(_main(page)).not_to_contain_text("Team B")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Ask the data team to check").click()
    expect(_main(page)).to_contain_text("Your request has been sent to the data team")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")

    # The manager holding the other child answers it: the match named for her, axe-clean.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "bm")
    with page.expect_navigation():
        page.get_by_role("link", name="1 identifier request").click()
    expect(_main(page)).to_contain_text("A record may already exist")
    expect(_main(page)).to_contain_text("Olu Otherchild")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="(open the request)").click()
    expect(page.get_by_role("heading", name="Possible duplicate record")).to_be_visible()
    expect(_main(page)).to_contain_text("Other-Child")  # what was typed
    assert axe_violations(page) == []
    # She says what she found: the same child, so the worker may not record them again.
    with page.expect_navigation():
        page.get_by_role("button", name="Close the request").click()
    expect(_main(page)).to_contain_text("Choose whether it is a different child or the same child")
    assert axe_violations(page) == []
    page.get_by_label("The same child: do not record").check()
    page.get_by_label("What was done").fill("Olu is already known to team B")
    with page.expect_navigation():
        page.get_by_role("button", name="Close the request").click()
    expect(_main(page)).to_contain_text("No identifier requests are waiting for you")
