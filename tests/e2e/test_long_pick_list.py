"""In a real browser: a social worker whose caseload is longer than the case-note form shows
finds a child with the form's search, keeps the child ticked before searching and the words
already typed, and saves the note naming both. axe on the form as first drawn and as found.
Enter pressed in a box saves the note (or shows what is missing at the top of the page), with
JavaScript or without; pressed in the search box, it finds."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.common import clock
from locus.notes.models import CaseNote
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from tests.e2e.conftest import axe_violations, csc_social_worker, sign_in

CASELOAD = 30


@pytest.fixture
def caseload(transactional_db: Any) -> list[Person]:
    """Sam Okafor ("sw") holds :data:`CASELOAD` children, Alex Holder01 to Holder30."""
    system = system_worker()
    sw = csc_social_worker(system)
    start = clock.today() - dt.timedelta(days=100)
    held = []
    for i in range(1, CASELOAD + 1):
        child = person_create(
            actor=system,
            given_name="Alex",
            family_name=f"Holder{i:02d}",
            date_of_birth=dt.date(2011, 1, 1),
        )
        allocation_create(actor=system, person=child, worker=sw, start=start)
        held.append(child)
    return held


def _shots(page: Any, name: str) -> None:
    """A picture of the page at desk and phone widths, when ``LOCUS_SHOTS`` names a folder."""
    folder = os.environ.get("LOCUS_SHOTS")
    if not folder:
        return
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_find_a_child_in_a_long_caseload_and_save_the_note(
    page: Any, live_server: Any, caseload: list[Person]
) -> None:
    first = caseload[0]
    sign_in(page, live_server.url, "sw", f"/notes/person/{first.pk}/add/")
    expect(page.get_by_role("heading", name="Write a case note")).to_be_visible()
    status = page.locator("#id_children_search-status")
    expect(status).to_have_text(f"Showing 20 of {CASELOAD}. Search to narrow the list.")
    assert axe_violations(page) == []
    page.get_by_label("Summary").fill("Home visit after school")
    page.get_by_label("Date of the contact").fill("01/12/2026")
    page.get_by_label("Home visit").check()
    page.get_by_role("group", name="Children named in the note (optional)").get_by_text(
        "Alex Holder01"
    ).click()
    page.get_by_label("Search for children").fill("holder27")
    page.get_by_role("button", name="Find children").click()
    expect(status).to_have_text(
        "Showing all 1 matching \u2018holder27\u2019. The one you chose stays on the list."
    )
    assert page.url.endswith("#id_children_search-group")  # opens at the search, not the top
    children = page.get_by_role("group", name="Children named in the note (optional)")
    expect(children.get_by_role("checkbox")).to_have_count(2)
    expect(children.get_by_label("Alex Holder01")).to_be_checked()
    expect(page.get_by_label("Summary")).to_have_value("Home visit after school")
    assert axe_violations(page) == []
    _shots(page, "note-children-found")
    children.get_by_label("Alex Holder27").check()
    page.get_by_label("Note", exact=True).fill("Seen at home with her carer.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Case note recorded")).to_be_visible()
    note = CaseNote.objects.get()
    assert set(note.children.all()) == {first, caseload[26]}


def _refused_by_enter(page: Any) -> None:
    """Summary typed and Enter pressed in it, the rest left empty: the form is judged (not a
    search), and the page opens at its top, where the error summary says what is missing."""
    page.get_by_label("Summary").fill("Home visit after school")
    page.get_by_label("Summary").press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_in_viewport()
    assert "#" not in page.url  # not opened at the search box, the summary out of sight above
    assert page.evaluate("window.scrollY") == 0
    assert not CaseNote.objects.exists()


def _found_by_enter(page: Any, status: Any) -> None:
    """Words typed in the search box and Enter pressed there: a search, nothing judged."""
    page.get_by_label("Search for children").fill("holder27")
    page.get_by_label("Search for children").press("Enter")
    expect(status).to_have_text("Showing all 1 matching \u2018holder27\u2019.")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert not CaseNote.objects.exists()


def test_enter_in_a_box_saves_the_note_and_in_the_search_box_finds(
    page: Any, live_server: Any, caseload: list[Person]
) -> None:
    """Before, Enter pressed the form's first button, the list's Find: the page reopened at
    the search box, the error summary above it out of sight."""
    first = caseload[0]
    sign_in(page, live_server.url, "sw", f"/notes/person/{first.pk}/add/")
    _refused_by_enter(page)
    expect(page.locator(".govuk-error-summary")).to_be_focused()  # GOV.UK's pattern
    # The button Enter presses is no stop of the tab order, nor read out.
    default = page.locator('form button[value="*"]')
    expect(default).to_have_attribute("tabindex", "-1")
    expect(default).to_have_attribute("aria-hidden", "true")
    assert axe_violations(page) == []
    _found_by_enter(page, page.locator("#id_children_search-status"))
    page.get_by_label("Date of the contact").fill("01/12/2026")
    page.get_by_label("Home visit").check()
    page.get_by_label("Alex Holder27").check()
    page.get_by_label("Note", exact=True).fill("Seen at home with her carer.")
    page.get_by_label("Date of the contact").press("Enter")
    expect(page.get_by_text("Case note recorded")).to_be_visible()
    assert list(CaseNote.objects.get().children.all()) == [caseload[26]]


def test_without_javascript_enter_saves_and_the_search_box_finds(
    browser: Any, live_server: Any, caseload: list[Person]
) -> None:
    """On a phone, without JavaScript (nothing moves focus): Enter in a box opens the page at
    its top, the error summary in sight; Enter in the search box finds."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 700})
    page = context.new_page()
    sign_in(page, live_server.url, "sw", f"/notes/person/{caseload[0].pk}/add/")
    _refused_by_enter(page)
    _found_by_enter(page, page.locator("#id_children_search-status"))
    context.close()
