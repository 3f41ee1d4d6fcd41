"""The data team logs a subject access request, makes the export, a second member of the team
approves its release, and it is downloaded."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.people.services import person_create
from locus.subjectaccess.models import SubjectAccessPackage
from locus.subjectaccess.package import package_approve, package_make
from locus.subjectaccess.services import request_log
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.e2e.picking import pick_person

CHILD_DOB = dt.date(2011, 5, 4)


def test_the_data_team_logs_a_request_and_downloads_the_export(
    page: Any, live_server: Any, transactional_db: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path
    system = system_worker()
    e2e_worker(system, "admin", "Ada Admin", None, role="administrator")
    checker = e2e_worker(system, "checker", "Bea Checker", None, role="administrator")
    child = person_create(
        actor=system,
        given_name="Jordan",
        family_name="Testperson",
        date_of_birth=CHILD_DOB,
    )
    sign_in(page, live_server.url, "admin", "/data/subject-access/")
    expect(page.get_by_role("heading", level=1, name="Subject access requests")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="Log a request").click()
    pick_person(page, "Young person", "Jordan", "Jordan Testperson")
    page.get_by_label("Received on").fill(clock.today().strftime("%d/%m/%Y"))
    page.get_by_label("The young person").check()
    page.get_by_label("Assigned to").select_option(label="Ada Admin")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Log the request").click()
    expect(
        page.get_by_role("heading", level=1, name=f"SAR-{clock.today().year}-0001")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Testperson")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Who checks it and approves its release").select_option(label="Bea Checker")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the export").click()
    expect(
        page.get_by_text("Export asked for: it is listed below, ready to download once prepared")
    ).to_be_visible()
    expect(page.get_by_text("Waiting for Bea Checker to check it")).to_be_visible()
    expect(page.get_by_role("link", name="Download")).to_have_count(0)
    assert axe_violations(page) == []
    # The second member of the data team checks it and approves its release.
    made = SubjectAccessPackage.objects.get()
    package_approve(actor=checker, package=made, reason="Checked against the record")
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert any(name.endswith(".pdf") for name in archive.namelist())
    exports = AccessEvent.objects.filter(action=AccessAction.EXPORT)
    assert exports.count() == 2  # made, then downloaded
    assert all(e.people == f",{child.pk}," for e in exports)


def test_on_a_desk_s_screen_the_exports_table_has_the_page_s_full_width(
    page: Any, live_server: Any, transactional_db: Any, tmp_path: Path, settings: Any
) -> None:
    """The exports table's seven columns (the release column holds the approver's reason)
    take the page's whole width at 1280 pixels, not the two-thirds the request's details
    and the export form read best in."""
    settings.DATA_DIR = tmp_path
    system = system_worker()
    admin = e2e_worker(system, "admin", "Ada Admin", None, role="administrator")
    checker = e2e_worker(system, "checker", "Bea Checker", None, role="administrator")
    child = person_create(
        actor=system, given_name="Jordan", family_name="Testperson", date_of_birth=CHILD_DOB
    )
    asked = request_log(
        actor=admin,
        person=child,
        received_on=clock.today(),
        requester="subject",
        assigned_to=admin,
    )
    made = package_make(actor=admin, request=asked, approver=checker)
    package_approve(actor=checker, package=made, reason="Read against the record " * 4)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "admin", f"/data/subject-access/{asked.pk}/")
    table = page.get_by_role("region", name="Exports for this request")
    expect(table).to_be_visible()
    form = page.get_by_role("button", name="Make the export")
    main = page.locator("main").bounding_box()
    assert table.bounding_box()["width"] > 0.9 * main["width"]
    assert form.locator("xpath=ancestor::div[1]").bounding_box()["width"] < 0.7 * main["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert axe_violations(page) == []
    page.screenshot(path=tmp_path / "exports-1280.png", full_page=True)  # kept by pytest
