"""A social worker records an incident with two people in two roles, then amends it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.people.models import Person
from locus.people.services import person_create
from locus.places.services import context_create
from tests.e2e.conftest import axe_violations, csc_social_worker, held_child, sign_in
from tests.e2e.picking import pick_person


@pytest.fixture
def people(transactional_db: Any) -> tuple[Person, Person]:
    system = system_worker()
    social_worker = csc_social_worker(system)
    context_create(actor=system, kind="open_space", name="Millfields Park", postcode="E5 0AR")
    child = held_child(system, social_worker)
    # Recorded by the social worker herself, so she may name him.
    peer = person_create(
        actor=social_worker,
        given_name="Casey",
        family_name="Peerless",
        date_of_birth=dt.date(2010, 2, 2),
    )
    return child, peer


def test_record_an_incident_with_two_people_in_two_roles_and_amend_it(
    page: Any, live_server: Any, people: tuple[Person, Person]
) -> None:
    child, peer = people
    sign_in(page, live_server.url, "sw", f"/people/{child.pk}/")
    page.get_by_role("link", name="Record an incident involving Jordan Testperson").click()
    expect(page.get_by_role("heading", level=1, name="Record an incident")).to_be_visible()
    # Chosen already, from the child's page: her radio ticked in "Person 1".
    expect(page.get_by_label(re.compile("^Jordan Testperson, born 4 May 2011"))).to_be_checked()
    assert axe_violations(page) == []

    # Saved with nothing else filled in: every problem on its field, the page still accessible.
    page.get_by_role("button", name="Record the incident").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Say where it happened")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Where it happened").select_option(
        label="Millfields Park (park or open space)"
    )
    page.get_by_label("Date", exact=True).fill("01/12/2026")
    page.get_by_label("Time").fill("17:30")
    page.get_by_label("Kind of incident").select_option(label="Robbery")
    page.get_by_label("Summary").fill("Phone taken near the gates by an older boy.")
    page.get_by_label("Where this information came from").select_option(label="Young person")
    page.get_by_label("How sure are you?").select_option(label="High")
    page.locator("#id_role_1").select_option(label="Harmed")
    # Found by name: the form comes back with the matches and every answer kept.
    hidden = person_create(
        actor=system_worker(),
        given_name="Casey",
        family_name="Unseen",
        date_of_birth=dt.date(2010, 3, 3),
    )
    pick_person(page, "Person 2", "casey", peer.full_name)
    expect(page.get_by_text(re.compile(hidden.family_name))).to_have_count(0)  # not hers to name
    assert axe_violations(page) == []
    expect(page.get_by_label("Summary")).to_have_value(
        "Phone taken near the gates by an older boy."
    )
    page.locator("#id_role_2").select_option(label="Harming")
    page.get_by_role("button", name="Record the incident").click()

    expect(page.get_by_role("heading", level=1, name="Robbery")).to_be_visible()
    expect(page.get_by_text("Incident recorded")).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Testperson", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Casey Peerless", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Harming", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Amend").click()
    assert (
        page.get_by_label("Summary").input_value() == "Phone taken near the gates by an older boy."
    )
    page.get_by_label("Summary").fill("Phone and bank card taken near the gates.")
    page.get_by_label("Why are you amending it?").fill("Jordan told us about the card later")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the amendment").click()

    expect(page.get_by_text("Incident amended")).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_text("Reason: Jordan told us about the card later")).to_be_visible()
    expect(page.get_by_text("Phone taken near the gates by an older boy.")).to_be_visible()
    assert axe_violations(page) == []

    # Taken out with a reason: kept in the history, never deleted.
    page.get_by_role("link", name="Remove Casey Peerless (harming)").click()
    assert axe_violations(page) == []
    page.get_by_label("Why are you removing them?").fill("Another boy, seen on CCTV")
    page.get_by_role("button", name="Remove them").click()
    expect(page.get_by_text("Person removed from the incident")).to_be_visible()
    expect(
        page.get_by_text("Casey Peerless, harming. Reason: Another boy, seen on CCTV")
    ).to_be_visible()

    page.get_by_role("link", name="Add a person").click()
    expect(
        page.get_by_role("heading", level=1, name="Add a person to the incident")
    ).to_be_visible()
    assert axe_violations(page) == []
