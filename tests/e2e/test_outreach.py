"""In the browser: a social worker plans weekly visits to a park, logs a visit from the plan's
page (a refusal first, on its field), another team's worker reads it without the child's
name, and the household's consent is recorded on a protected home; axe on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import worker_set_password
from locus.casework.reference import ensure_reference_data
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.factories import World, build_world, make_incident
from tests.outreach.helpers import park_case


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    built = build_world()
    for name in ("social_worker", "other_social_worker"):
        worker_set_password(actor=built.admin, worker=built.persona(name), password=PASSWORD)
    park_case(built)
    # Ciara was harmed at the park: the visit form offers her to her worker to name.
    make_incident(
        built.system,
        context=built.park,
        reporting_agency=built.csc,
        involvements=[(built.csc_child, InvolvementRole.HARMED)],
    )
    return built


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _go(page: Any, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link).first.click()


def _clean(page: Any) -> None:
    assert axe_violations(page) == []


def test_a_visit_is_planned_and_logged_through_the_pages(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    sign_in(page, base, "social_worker", "/outreach/")
    expect(page.get_by_role("heading", name="Visits to places")).to_be_visible()
    _clean(page)
    _go(page, "Plan regular visits")
    _clean(page)
    _submit(page, "Plan the visits")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the place")
    _clean(page)

    start = today() - dt.timedelta(days=14)
    page.get_by_label("Place to visit").select_option(label="Millfields Park")
    page.get_by_label("What are the visits for?").fill("Older males approach children here.")
    page.get_by_label("Day of the week").select_option(label=start.strftime("%A"))
    page.get_by_label("How often").select_option(label="Every week")
    page.get_by_label("From", exact=True).fill("16:00")
    page.get_by_label("Until", exact=True).fill("18:00")
    page.get_by_label("First visit on or after").fill(start.strftime("%d/%m/%Y"))
    page.get_by_label("Test social_worker, Contextual Safeguarding Team A").check()
    page.get_by_label("Partners without a Locus account (optional)").fill("Sam Warden, parks")
    _submit(page, "Plan the visits")
    expect(page.get_by_role("heading", name="Visits to Millfields Park")).to_be_visible()
    expect(page.get_by_role("heading", name="Visits due (4)")).to_be_visible()
    _clean(page)

    _go(page, "Record it as missed")
    _clean(page)
    page.get_by_label("Why was it missed?").fill("Both workers at a strategy meeting")
    _submit(page, "Record it as missed")
    expect(page.get_by_role("heading", name="Visits due (3)")).to_be_visible()

    _go(page, "Record the visit")
    expect(page.get_by_role("heading", name="Record a visit to Millfields Park")).to_be_visible()
    _clean(page)
    page.get_by_label("Test social_worker").check()
    page.get_by_label("What did you see?").fill("Eight young people by the skate park.")
    page.get_by_label("Young people met").fill("5")
    page.get_by_label("Young people engaged").fill("6")
    page.get_by_label("Park wardens").check()
    _submit(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "You cannot engage more young people than you met"
    )
    _clean(page)
    page.get_by_label("Young people engaged").fill("3")
    page.get_by_label("Ciara Cscchild").check()
    _submit(page, "Save")
    expect(page.get_by_role("heading", name="Visits due (2)")).to_be_visible()
    expect(page.get_by_text("5 met, 3 engaged")).to_be_visible()
    expect(page.get_by_text("Named: Ciara Cscchild")).to_be_visible()
    _clean(page)

    page.goto(f"{base}/my-work/")
    expect(page.get_by_role("heading", name="Visits due (2)")).to_be_visible()
    _clean(page)

    page.goto(f"{base}/outreach/homes/{world.home.pk}/")
    expect(page.get_by_role("heading", name=f"Protecting {world.home.name}")).to_be_visible()
    _clean(page)
    _go(page, "Record the household's consent")
    _clean(page)
    page.get_by_label("Refused").check()
    _submit(page, "Save")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why consent was refused")
    _clean(page)
    page.get_by_label("Refused").check()
    page.get_by_label("Reason").fill("The tenant fears reprisals; the landlord's work goes on.")
    _submit(page, "Save")
    expect(page.get_by_text("Refused on")).to_be_visible()

    # Another team's worker sees the counts, never the child's name.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "other_social_worker", "/outreach/")
    _go(page, "Millfields Park")
    expect(page.get_by_text("5 met, 3 engaged")).to_be_visible()
    expect(page.get_by_text("Ciara Cscchild")).to_have_count(0)
    expect(page.get_by_role("link", name="Record the visit")).to_have_count(0)
    _clean(page)
