"""A police analyst reads a child's page in a real browser: the fields their role may not see
read "Not shared with your role", and the page still meets WCAG (axe)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import agency_create, system_worker
from locus.common import clock
from locus.incidents.services import incident_record
from locus.people.models import Person
from locus.people.services import episode_start, person_create
from locus.places.services import context_create
from tests.e2e.conftest import axe_violations, police_analyst, sign_in
from tests.factories import valid_nhs_number

NHS_NUMBER = valid_nhs_number(424242)


@pytest.fixture
def child(transactional_db: Any) -> Person:
    system = system_worker()
    csc = agency_create(actor=system, name="Children's Social Care", kind="csc")
    police = police_analyst(system).team.agency
    park = context_create(actor=system, kind="open_space", name="Millfields Park")
    home = context_create(actor=system, kind="home", name="Flat 2, Fieldtest House")
    person = person_create(
        actor=system,
        given_name="Jordan",
        family_name="Testperson",
        date_of_birth=dt.date(2011, 5, 4),
        sex="1",
        ethnicity="BCRB",
        nhs_number=NHS_NUMBER,
        home=home,
    )
    episode_start(actor=system, person=person, status="CIN", start=dt.date(2026, 1, 5), agency=csc)
    # Police see the child through an incident they reported.
    incident_record(
        actor=system,
        kind="robbery",
        occurred_at=clock.now() - dt.timedelta(days=10),
        context=park,
        summary="Phone taken by an older group",
        reporting_agency=police,
        involvements=[(person, "harmed")],
        source="police",
        confidence="high",
    )
    return person


def test_police_analyst_sees_only_their_fields(page: Any, live_server: Any, child: Person) -> None:
    sign_in(page, live_server.url, "pa", f"/people/{child.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Jordan Testperson"
    details = page.locator("dl.govuk-summary-list")
    expect(details).to_contain_text("4 May 2011")
    for label in ("Ethnicity", "NHS number", "Home address"):
        row = details.locator(".govuk-summary-list__row", has_text=label)
        assert row.locator("dd").inner_text() == "Not shared with your role", label
    assert page.get_by_text(NHS_NUMBER).count() == 0
    assert page.get_by_text("Black Caribbean").count() == 0
    assert page.get_by_text("Fieldtest House").count() == 0
    assert page.get_by_text("Child in need (s.17)").count() == 0
    assert axe_violations(page) == []
