"""In a real browser: a social worker uploads a PDF to a child's record, finds it in the
list, downloads it (the same bytes, under its own name), and reaches the pages to replace
and remove it; axe on every documents page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.common import clock
from tests.documents.helpers import PDF, document_store
from tests.e2e.conftest import axe_violations, linked_pair, sign_in

__all__ = ["document_store"]


@pytest.fixture
def child_id(transactional_db: Any, document_store: Path) -> int:
    return int(linked_pair().child.pk)


def test_upload_a_pdf_and_download_it(
    page: Any, live_server: Any, child_id: int, document_store: Path
) -> None:
    base = live_server.url
    sign_in(page, base, "sw", f"/people/{child_id}/")
    page.get_by_role("link", name="Documents: read, upload or download").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    expect(page.get_by_text("No documents.")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Upload a document").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Upload").click()
    summary = page.get_by_role("alert").inner_text()
    assert "Enter a title" in summary and "Choose a file to upload" in summary
    assert axe_violations(page) == []

    page.get_by_label("Title").fill("Return home interview")
    page.get_by_label("Kind of document").select_option("report")
    yesterday = clock.today() - dt.timedelta(days=1)
    page.get_by_label("Date of the document").fill(yesterday.strftime("%d/%m/%Y"))
    page.get_by_label("Description (optional)").fill("After Friday's missing episode.")
    page.get_by_label("File").set_input_files(
        {"name": "Return home interview.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("Document uploaded")
    expect(page.get_by_role("heading", name="Return home interview")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download Return home interview.pdf").click()
    download = caught.value
    assert download.suggested_filename == "Return home interview.pdf"
    assert Path(download.path()).read_bytes() == PDF

    page.get_by_role("link", name="Upload a new version").click()
    expect(page.get_by_role("heading", name="Upload a new version")).to_be_visible()
    assert axe_violations(page) == []
    page.go_back()
    page.get_by_role("link", name="Remove this document").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Remove the document").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the document is being removed")
    assert axe_violations(page) == []

    page.goto(f"{base}/documents/person/{child_id}/")
    row = page.get_by_role("row", name="Return home interview")
    expect(row).to_contain_text("Report")
    expect(row).to_contain_text("Sam Okafor")
    assert axe_violations(page) == []
