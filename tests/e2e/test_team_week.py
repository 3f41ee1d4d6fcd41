"""A team's week in the browser, each job done by the persona whose job it is: a social
worker records a new child with an address, adds a place by postcode, records an incident
there with both her children in their roles, puts them in a peer group and writes a case
note; her manager allocates a second worker; she proposes a transfer that the receiving
team's manager, told in the header, accepts from My work. Then a youth justice worker cannot
open or find the new child, and a police analyst cannot record a person. axe on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import agency_create, system_worker, team_create
from locus.common import clock
from locus.people.models import Person
from tests.e2e.conftest import (
    axe_violations,
    e2e_worker,
    held_child,
    sign_in,
    transfer_teams,
    yjs_worker,
)
from tests.e2e.picking import pick_person

NEW = "Nia Newchild"
HELD = "Jordan Testperson"


@dataclass
class World:
    held: Person


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    sw, _ = transfer_teams(system)
    yjs_worker(system)
    police = agency_create(actor=system, name="Borough Police", kind="police")
    police_team = team_create(actor=system, agency=police, name="Intelligence Unit")
    e2e_worker(system, "pa", "Pat Analyst", police_team, "analyst")
    return World(held_child(system, sw))


def _clean(page: Any) -> None:
    assert axe_violations(page) == []


def _go(page: Any, locator: Any) -> None:
    """Click something that loads the next page, and wait for it before the page is read."""
    with page.expect_navigation():
        locator.click()
    _clean(page)


def _link(page: Any, name: str, exact: bool = False) -> Any:
    return page.get_by_role("link", name=name, exact=exact)


def _button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def _as(page: Any, base: str, username: str, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username, path)
    _clean(page)


def _day(days_ago: int = 0) -> str:
    return (clock.today() - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def _record_the_child(page: Any) -> str:
    _go(page, _link(page, "Record a young person"))
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newchild")
    page.get_by_label("Date of birth").fill("01/05/2012")
    page.get_by_label("Address (optional)").fill("Flat 2\n14 Mare Street\nLondon")
    page.get_by_label("Postcode (optional)").fill("E8 1EJ")
    _go(page, _button(page, "Record this person"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW)
    expect(page.locator("table", has_text="14 Mare Street")).to_contain_text("E8 1EJ")
    return str(page.url)


def _add_the_place(page: Any, base: str) -> None:
    page.goto(f"{base}/contexts/")
    _clean(page)
    _go(page, _link(page, "Add a place"))
    page.get_by_label("Public place: park or open space").check()
    page.get_by_label("Name", exact=True).fill("Millfields Park")
    page.get_by_label("Postcode", exact=True).fill("e5 0ar")
    _go(page, _button(page, "Add the place"))
    expect(page.get_by_role("heading", level=1, name="Millfields Park")).to_be_visible()
    expect(page.locator("main")).to_contain_text("E5 0AR")


def _record_the_incident(page: Any, new_child: str) -> None:
    page.goto(new_child)
    _go(page, _link(page, f"Record an incident involving {NEW}"))
    page.get_by_label("Where it happened").select_option(
        label="Millfields Park (park or open space)"
    )
    page.get_by_label("Date", exact=True).fill(_day(1))
    page.get_by_label("Time").fill("17:30")
    page.get_by_label("Kind of incident").select_option(label="Robbery")
    page.get_by_label("Summary").fill("Phone taken at the park gates by an older boy.")
    page.get_by_label("Where this information came from").select_option(label="Young person")
    page.get_by_label("How sure are you?").select_option(label="Medium")
    page.locator("#id_role_1").select_option(label="Harmed")
    pick_person(page, "Person 2", "testperson", HELD)
    _clean(page)
    page.locator("#id_role_2").select_option(label="Harming")
    _go(page, _button(page, "Record the incident"))
    expect(page.get_by_role("heading", level=1, name="Robbery")).to_be_visible()
    expect(page.get_by_text("Incident recorded")).to_be_visible()
    expect(_link(page, NEW, exact=True)).to_be_visible()
    expect(_link(page, HELD, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Harmed", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Harming", exact=True)).to_be_visible()


def _make_the_group(page: Any, base: str) -> None:
    page.goto(f"{base}/contexts/")
    _go(page, _link(page, "Create a peer group"))
    page.get_by_label("Name of the group").fill("Millfields park group")
    _go(page, _button(page, "Create the group"))
    expect(page.get_by_role("heading", level=1, name="Millfields park group")).to_be_visible()
    _go(page, _link(page, "Members: add or end"))
    for name, source in ((NEW, "Young person"), (HELD, "Professional observation")):
        _go(page, _link(page, "Add a member"))
        pick_person(page, "Young person", name.split()[1], name)
        _clean(page)
        page.get_by_label("Role in the group").select_option(label="Core member")
        page.get_by_label("Since when?").fill(_day(30))
        page.get_by_label("Where this information came from").select_option(label=source)
        page.get_by_label("How sure are you?").select_option(label="Medium")
        _go(page, _button(page, "Add the member"))
        expect(_link(page, name, exact=True)).to_be_visible()
    expect(_link(page, NEW, exact=True)).to_be_visible()


def _write_the_note(page: Any, new_child: str) -> None:
    page.goto(new_child)
    _go(page, _link(page, f"Chronology of {NEW}"))
    _go(page, _link(page, "Write a case note"))
    page.get_by_label("Home visit").check()
    page.get_by_label("Date of the contact").fill(_day(1))
    page.get_by_label("Who else was present (optional)").fill("Her mum and her aunt")
    page.get_by_label("Tara Manning, Contextual Safeguarding Team").check()
    page.get_by_label(NEW).check()
    page.get_by_label("Summary").fill("Home visit after the robbery at the park")
    page.get_by_label("Note", exact=True).fill("Seen alone. She is frightened to go out.")
    _go(page, _button(page, "Save the note"))
    expect(page.get_by_role("alert")).to_contain_text("Case note recorded")
    main = page.locator("main")
    expect(main).to_contain_text("Her mum and her aunt")
    expect(main).to_contain_text("Tara Manning")


def _propose_the_transfer(page: Any, base: str, held: Person) -> None:
    page.goto(f"{base}/people/{held.pk}/")
    _go(page, _link(page, f"Propose a transfer of {HELD}"))
    page.get_by_label("Receiving team").select_option(label="Adolescent Support Team")
    page.get_by_label("Handover note").fill(
        "Weekly visits agreed. Open action: school meeting on Friday. Worry: robbery at the park."
    )
    _go(page, _button(page, "Propose the transfer"))
    expect(page.get_by_role("heading", name=f"Transfer of {HELD}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Waiting for acceptance")


def _holders(page: Any) -> Any:
    return page.locator("h2:has-text('Allocated workers') + ul")


def test_a_team_runs_its_week(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url

    # The social worker's week: a new child, a place, an incident, a group, a note, a transfer.
    sign_in(page, base, "sw", "/people/")
    _clean(page)
    new_child = _record_the_child(page)
    _add_the_place(page, base)
    _record_the_incident(page, new_child)
    _make_the_group(page, base)
    _write_the_note(page, new_child)
    _propose_the_transfer(page, base, world.held)

    # Her manager allocates a second worker to the new child, from the child's page.
    _as(page, base, "tm", new_child.removeprefix(base))
    _go(page, _link(page, f"Allocate a worker to {NEW}"))
    page.get_by_label("Worker", exact=True).select_option(
        label="Mo Teammate, Contextual Safeguarding Team"
    )
    page.get_by_label("Allocated from").fill(_day())
    _go(page, _button(page, "Allocate"))
    expect(_holders(page)).to_contain_text("Mo Teammate")
    expect(_holders(page)).to_contain_text("Sam Okafor")

    # The receiving manager is told in the header, finds it in My work and accepts.
    _as(page, base, "rm", "/")
    _go(page, _link(page, "Notifications, 1 unread"))
    expect(page.get_by_role("heading", name="Transfers to accept (1)")).to_be_visible()
    _go(page, _link(page, "All transfers waiting for you"))
    _go(page, _link(page, HELD))
    expect(page.locator("main")).to_contain_text("school meeting on Friday")
    _go(page, _link(page, "Accept the transfer"))
    page.get_by_label("Worker who will hold the case").select_option(
        label="Riley Reeves, Adolescent Support Team"
    )
    _go(page, _button(page, "Accept"))
    expect(page.locator("main")).to_contain_text("the case moved to Riley Reeves")
    _go(page, _link(page, HELD, exact=True))
    expect(_holders(page)).to_contain_text("Riley Reeves, Adolescent Support Team")
    expect(_holders(page)).not_to_contain_text("Sam Okafor")

    # A youth justice worker (another agency, no allocation): the new child is not there.
    _as(page, base, "yw", "/incidents/new/")
    picker = page.get_by_role("group", name="Person 1", exact=True)
    picker.get_by_label("Search by name").fill("Newchild")
    _go(page, picker.get_by_role("button", name="Find person 1"))
    expect(page.locator("main")).to_contain_text("No one you may name matches")
    expect(page.locator("main")).not_to_contain_text("Nia")
    response = page.goto(new_child)
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text("Nia")
    _clean(page)

    # A police analyst may not record a person: no link, and the page answers 404.
    _as(page, base, "pa", "/people/")
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    expect(_link(page, "Record a young person")).to_have_count(0)
    response = page.goto(f"{base}/people/new/young-person/")
    assert response is not None and response.status == 404
    _clean(page)
