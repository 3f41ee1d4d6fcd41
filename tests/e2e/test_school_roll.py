"""In the browser: a school's safeguarding lead adds a pupil to the roll and records a
leaver, and the child's page shows their school history; each page free of axe violations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from locus.access.services import agency_create, system_worker, team_create, worker_create
from locus.people.services import person_create
from locus.places.services import context_create, enrolment_create
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in


def _shows(page: Any, *texts: str) -> None:
    """The page's main content says each of ``texts``, and axe finds nothing on the page."""
    main = page.locator("main").inner_text()
    assert all(text in main for text in texts), (texts, main)
    assert axe_violations(page) == []


def test_a_dsl_adds_a_pupil_and_records_a_leaver(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    trust = agency_create(actor=system, name="Millfields Academy", kind="education")
    team = team_create(actor=system, agency=trust, name="Safeguarding")
    dsl = worker_create(
        actor=system,
        username="dsl",
        first_name="Dee",
        last_name="Lead",
        team=team,
        role="practitioner",
        scope="agency",
        password=PASSWORD,
        email="dsl@workers.example",
    )
    school = context_create(
        actor=system, kind="school", name="Millfields Academy", responsible_agency=trust
    )
    # Both children were first recorded by the lead (so she sees them whether on the roll or not).
    leaver = person_create(
        actor=dsl, given_name="Ayo", family_name="Leaving", date_of_birth=dt.date(2011, 3, 1)
    )
    person_create(
        actor=dsl, given_name="Nia", family_name="Newcomer", date_of_birth=dt.date(2012, 6, 9)
    )
    enrolment_create(actor=system, person=leaver, school=school, start=dt.date(2023, 9, 4))

    sign_in(page, live_server.url, "dsl", f"/contexts/{school.pk}/")
    page.get_by_role("link", name="School roll: add pupils and record leavers").click()
    page.get_by_role("heading", name="School roll").wait_for()
    _shows(page, "Ayo Leaving")

    page.get_by_role("link", name="Add a pupil").click()
    page.get_by_label("Find a young person", exact=True).fill("Newcomer")
    page.get_by_role("button", name="Find").click()
    _shows(page, "1 young person matches")
    page.get_by_label("Young person", exact=True).select_option(
        label="Nia Newcomer, born 09/06/2012"
    )
    page.get_by_role("button", name="Add to the roll").click()
    main = page.locator("main").inner_text()
    assert "Added to the roll" in page.content()
    assert "Nia Newcomer" in main and "2 current pupils" in main

    # Adding her again is refused on the field, and nothing is written.
    page.get_by_role("link", name="Add a pupil").click()
    page.get_by_label("Find a young person", exact=True).fill("Newcomer")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Young person", exact=True).select_option(
        label="Nia Newcomer, born 09/06/2012"
    )
    page.get_by_role("button", name="Add to the roll").click()
    _shows(page, "This young person is already on this school's roll")
    page.get_by_role("link", name="Back without saving").click()

    page.get_by_role("link", name="Record leaving for Ayo Leaving").click()
    page.get_by_role("radio", name="Other", exact=True).check()
    page.get_by_role("button", name="Record leaving").click()
    _shows(page, "Say why the pupil left")
    page.get_by_label("If other, say why").fill("Elective home education")
    page.get_by_role("button", name="Record leaving").click()
    expect(page.locator("main")).to_contain_text("1 current pupil.")

    page.get_by_label("Show", exact=True).select_option("left")
    page.get_by_role("button", name="Show", exact=True).click()
    _shows(page, "Ayo Leaving", "Elective home education")

    page.get_by_role("link", name="Ayo Leaving").click()
    page.get_by_role("heading", name="School history").wait_for()
    history = page.locator("table", has=page.get_by_text("Reason for leaving")).inner_text()
    assert "Millfields Academy" in history and "4 Sep 2023" in history
    assert "Elective home education" in history
    assert axe_violations(page) == []
