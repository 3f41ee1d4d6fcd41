"""An auditor searches the trail for one child and downloads it as CSV, in a browser."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import record_access
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from tests.e2e.conftest import axe_violations, csc_social_worker, e2e_worker, sign_in

BORN = dt.date(2011, 5, 4)


@pytest.fixture
def child(transactional_db: Any) -> Person:
    system = system_worker()
    social_worker = csc_social_worker(system)
    e2e_worker(system, "auditor", "Ade Auditor", None, "auditor")
    child, other = (
        person_create(actor=system, given_name=name, family_name="Testperson", date_of_birth=BORN)
        for name in ("Jordan", "Riley")
    )
    for person in (child, other):
        allocation_create(actor=system, person=person, worker=social_worker, start=BORN)
        record_access(actor=social_worker, obj=person, detail={"page": "peers"})
    return child


def test_auditor_searches_the_trail_by_person_and_downloads_it(
    page: Any, live_server: Any, child: Person
) -> None:
    sign_in(page, live_server.url, "auditor")
    menu = page.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link").all_inner_texts() == [
        "Home",
        "Audit trail",
        "Sharing register",
        "Retention",
    ]
    menu.get_by_role("link", name="Audit trail").click()

    page.get_by_label("Person ID").fill("not an id")
    page.get_by_role("button", name="Search").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Person ID must be a number")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Person ID must be a number, like 1234").click()
    assert page.evaluate("document.activeElement.id") == "id_person"

    page.get_by_label("Person ID").fill(str(child.pk))
    page.get_by_role("button", name="Search").click()
    table = page.get_by_role("table")
    text = table.inner_text()
    assert f"Read the record of person #{child.pk} (peers page)" in text
    assert "Jordan" not in page.content() and "Riley" not in text
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these results as CSV").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert lines[0][:4] == ["Time", "Worker", "Action", "Record"]
    # The child's record read, and the auditor's own readings of the trail rows naming
    # the child (each page of the trail is logged with the people its rows name), newest first.
    records = [(line[1], line[3]) for line in lines[1:]]
    assert records[-1][1] == f"record of person #{child.pk}"
    assert records[:-1] and set(records[:-1]) == {("Ade Auditor (auditor)", "audit trail")}
    exported = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert exported.detail["rows"] == len(records)
    # Logged as every export is: its filters (which list included), and the people it names,
    # so a search of the trail by this child finds the download too.
    assert exported.detail["filters"] == {"person": str(child.pk), "show": "reads"}
    assert exported.detail["people_shown"] == [child.pk]
