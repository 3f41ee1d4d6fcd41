"""In the browser: a worker adds a place by its postcode and sees it on its page; a manager
merges a duplicate and edits a home; every page of it free of axe violations."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker, worker_create
from locus.places.services import context_create, context_merge
from tests.e2e.conftest import (
    axe_violations,
    csc_social_worker,
    e2e_worker,
    held_child,
    sign_in,
)


def _no_axe(page: Any) -> None:
    assert axe_violations(page) == []


def _submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_a_worker_adds_a_place_by_postcode_and_a_manager_merges_a_duplicate(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    worker = csc_social_worker(system)
    e2e_worker(system, "tm", "Tess Manager", worker.team, "manager")
    context_create(actor=system, kind="open_space", name="Millfields Park", postcode="E5 0AR")

    sign_in(page, live_server.url, "sw", "/contexts/")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a place").click()
    expect(page.get_by_role("heading", name="Add a place")).to_be_visible()
    _no_axe(page)

    # Nothing filled in: the messages name the fields.
    _submit(page, "Add the place")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what kind of place")
    _no_axe(page)

    page.get_by_label("Public place: park or open space").check()
    page.get_by_label("Name", exact=True).fill("Millfields Park north gate")
    page.get_by_label("Postcode", exact=True).fill("e5 0ar")
    _submit(page, "Add the place")
    # The park already recorded there is offered first.
    expect(page.locator("main")).to_contain_text("This place may already be recorded")
    expect(page.get_by_role("link", name="Millfields Park", exact=True)).to_be_visible()
    _no_axe(page)
    page.get_by_label("None of these is the place: add it as a new one").check()
    _submit(page, "Add the place")

    expect(page.get_by_role("heading", name="Millfields Park north gate")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("E5 0AR")
    expect(main).to_contain_text("51.55710, -0.04413")
    _no_axe(page)

    with page.expect_navigation():
        page.get_by_role("link", name="History of changes and merges").click()
    expect(page.locator("main")).to_contain_text("Sam Okafor")
    _no_axe(page)

    # A home for the worker's own child, edited: tenure and an adult's care needs.
    held_child(system, worker)
    home = context_create(actor=worker, kind="home", name="Family home of J.T.", postcode="E8 1DY")
    page.goto(f"{live_server.url}/contexts/{home.pk}/edit/")
    expect(page.get_by_role("heading", name="Edit Family home of J.T.")).to_be_visible()
    _no_axe(page)
    page.get_by_label("Tenure").select_option(label="Temporary accommodation")
    page.get_by_label("An adult living here has care and support needs").check()
    _submit(page, "Save the changes")
    expect(page.locator("main")).to_contain_text("Temporary accommodation")

    # The manager merges the duplicate into the park.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "tm", "/contexts/")
    with page.expect_navigation():
        page.get_by_role("link", name="Millfields Park north gate").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Merge into another place").click()
    expect(page.get_by_role("heading", name="Merge Millfields Park north gate")).to_be_visible()
    _no_axe(page)
    page.get_by_label("The place to keep", exact=True).select_option(
        label="Millfields Park (Park or open space)"
    )
    page.get_by_label("Why are these the same place?").fill("The gate is part of the park")
    _submit(page, "Merge the places")
    expect(page.get_by_role("heading", name="Millfields Park", exact=True)).to_be_visible()
    _no_axe(page)


def test_a_merged_home_whose_kept_record_is_out_of_sight_says_only_that(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    worker = csc_social_worker(system)
    admin = worker_create(
        actor=system,
        username="adm",
        first_name="Ada",
        last_name="Admin",
        team=None,
        role="administrator",
        scope="all",
        email="adm@workers.example",
    )
    mine = context_create(actor=worker, kind="home", name="Family home of J.T.")
    kept = context_create(actor=system, kind="home", name="Family home of J.T. (kept)")
    context_merge(actor=admin, duplicate=mine, kept=kept, reason="Recorded twice")

    sign_in(page, live_server.url, "sw", f"/contexts/{mine.pk}/")
    expect(page.locator("main")).to_contain_text("merged into another place, which you cannot")
    expect(page.locator("main")).not_to_contain_text("(kept)")
    _no_axe(page)
