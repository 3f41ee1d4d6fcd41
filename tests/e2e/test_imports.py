"""In a real browser: the data team uploads a CIN census return, reads the dry run (counts and
the problem), imports the valid children and downloads the rejects; a practitioner is told
the page does not exist; axe on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, csc_social_worker, e2e_worker, sign_in
from tests.interchange.cin_files import census, child, episode

RETURN = census(child("E2E1"), child("E2E2", episodes=(episode(source="ZZ"),)), child("E2E3"))


@pytest.fixture
def people(transactional_db: Any, settings: Any, tmp_path: Path) -> None:
    from locus.access.services import system_worker

    settings.DATA_DIR = tmp_path
    system = system_worker()
    e2e_worker(system, "data", "Dana Data", None, "administrator")
    csc_social_worker(system)


def test_upload_check_and_import_the_valid_children(
    page: Any, live_server: Any, people: None
) -> None:
    from locus.people.models import Person

    base = live_server.url
    sign_in(page, base, "data", "/data/imports/")
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    expect(page.get_by_text("No file has been uploaded yet.")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name="Upload a file").click()
    assert axe_violations(page) == []
    page.get_by_label("Kind of file").select_option("cin")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "cin-2024.xml", "mimeType": "application/xml", "buffer": RETURN.encode()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Import of cin-2024.xml")).to_be_visible()
    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    # Created, updated, unchanged, rejected.
    expect(page.get_by_role("row", name="Children 2 0 0 1", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Problems (1)")).to_be_visible()
    expect(page.get_by_role("row", name="ReferralSource")).to_contain_text("E2E2")
    assert axe_violations(page) == []
    assert not Person.objects.filter(la_child_id__startswith="E2E").exists()

    page.get_by_label("Import the valid records and write the rejects to a file").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.locator("#run-state")).to_have_text("Imported")
    assert axe_violations(page) == []
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the rejected records (CSV)").click()
    rejects = Path(caught.value.path()).read_text()
    assert rejects.splitlines()[0] == "where,field,rule,message,record" and "E2E2" in rejects
    assert set(
        Person.objects.filter(la_child_id__startswith="E2E").values_list("la_child_id", flat=True)
    ) == {"E2E1", "E2E3"}


def test_a_practitioner_is_told_there_is_no_such_page(
    page: Any, live_server: Any, people: None
) -> None:
    base = live_server.url
    sign_in(page, base, "sw", "/")
    expect(page.get_by_role("link", name="Imports")).to_have_count(0)
    response = page.goto(f"{base}/data/imports/")
    assert response is not None and response.status == 404
