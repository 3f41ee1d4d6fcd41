"""A social worker downloads the people list she sees, filtered, as CSV from the page's link."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker, team_create
from locus.audit.models import AccessAction, AccessEvent
from locus.exports import services
from locus.exports.models import ExportRun
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from locus.places.models import ContextKind
from tests.e2e.conftest import axe_violations, csc_social_worker, e2e_worker, held_child, sign_in
from tests.factories import make_context
from tests.sharing.helpers import choose_basis


@pytest.fixture
def children(transactional_db: Any) -> tuple[Person, Person]:
    system = system_worker()
    social_worker = csc_social_worker(system)
    other_team = team_create(actor=system, agency=social_worker.team.agency, name="Assessment Team")
    other_worker = e2e_worker(system, "ow", "Olu Other", other_team)
    mine = held_child(system, social_worker)
    theirs = person_create(
        actor=system,
        given_name="=Casey",
        family_name="Elsewhere",
        date_of_birth=dt.date(2010, 2, 2),
    )
    allocation_create(actor=system, person=theirs, worker=other_worker, start=dt.date(2026, 1, 5))
    return mine, theirs


def test_download_the_people_list_as_csv_from_its_page(
    page: Any, live_server: Any, children: tuple[Person, Person], tmp_path: Path
) -> None:
    mine, theirs = children
    sign_in(page, live_server.url, "sw", "/people/?mine=on")
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert axe_violations(page) == []
    # The list names people: the export asks why first, then downloads.
    with page.expect_navigation():
        page.get_by_role("link", name="CSV file").click()
    expect(page.get_by_role("heading", name="Why are you exporting this list?")).to_be_visible()
    assert axe_violations(page) == []
    choose_basis(page, "Caseload review with my manager")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".csv"
    rows = list(csv.reader(saved.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["Locus ID", "Name"]
    assert [r[:2] for r in rows[1:]] == [[str(mine.pk), "Jordan Testperson"]]
    assert not any(theirs.family_name in cell for row in rows for cell in row)
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert event.detail["filters"] == {"mine": "on"}
    assert event.detail["shown"] == [str(mine.pk)]
    # Where long lists are prepared: the worker's own exports, none yet.
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the list").click()
    with page.expect_navigation():
        page.get_by_role("link", name="My exports").click()
    expect(page.get_by_role("heading", level=1, name="My exports")).to_be_visible()
    expect(page.get_by_text("You have no exports.")).to_be_visible()
    assert axe_violations(page) == []


def test_an_administrator_prepares_annex_a_and_downloads_it_from_my_exports(
    page: Any, live_server: Any, children: tuple[Person, Person], tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path
    e2e_worker(system_worker(), "admin", "Ada Admin", None, role="administrator")
    sign_in(page, live_server.url, "admin", "/exports/analysis/")
    expect(
        page.get_by_role("heading", level=1, name="Pseudonymised extract for analysis")
    ).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/exports/annex-a/")
    expect(page.get_by_role("heading", level=2, name="Not filled")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare the workbook").click()
    expect(page.get_by_role("heading", level=1, name="My exports")).to_be_visible()
    expect(page.get_by_role("cell", name="Annex A lists (XLSX)")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Annex A lists").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_long_list_of_contexts_is_prepared_only_when_she_asks(
    page: Any,
    live_server: Any,
    children: tuple[Person, Person],
    tmp_path: Path,
    settings: Any,
    monkeypatch: Any,
) -> None:
    """Following the download link of a list too long to send at once changes nothing: it
    offers to prepare it, and her press of the button does."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(services, "SYNC_ROWS", 0)  # any list is "long"
    make_context(system_worker(), kind=ContextKind.SCHOOL, name="Millfields Academy")
    sign_in(page, live_server.url, "sw", "/contexts/?q=Mill")
    with page.expect_navigation():
        page.get_by_role("link", name="XLSX spreadsheet").click()
    heading = "This list is too long to download at once"
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert axe_violations(page) == []
    assert not ExportRun.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare it").click()
    expect(page.get_by_role("heading", level=1, name="My exports")).to_be_visible()
    expect(page.get_by_role("cell", name="Contexts (XLSX) q: Mill")).to_be_visible()
    run = ExportRun.objects.get()
    assert (run.list_key, run.fmt, run.params) == ("contexts", "xlsx", {"q": "Mill"})
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Contexts").click()
    assert download.value.suggested_filename.endswith(".xlsx")
