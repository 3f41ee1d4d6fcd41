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
from locus.subjectaccess.package import package_approve
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.e2e.picking import pick_person


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
        date_of_birth=dt.date(2011, 5, 4),
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
