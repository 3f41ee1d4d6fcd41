"""A document removed from the subject's record (kept, hidden, until the retention purge) is
left out of the export, file and all: one removed because it was put on the wrong child's
record is that child's. The approver is told how many were left out, never their titles."""

from __future__ import annotations

import json
import zipfile

from locus.documents.services import document_remove
from locus.subjectaccess.package import package_folder
from tests.documents.helpers import attach, upload
from tests.factories import World, client_for
from tests.subjectaccess.conftest import Scene, asked_export, other_admin

WRONG_TITLE = "Referral for Yolanda Brackenridge"


def test_a_removed_document_is_left_out_and_its_approver_told_how_many(
    world: World, scene: Scene
) -> None:
    sw = world.social_worker
    wrong = attach(
        sw,
        scene.subject,
        title=WRONG_TITLE,
        description="Yolanda's school and her home address",
        file=upload(name="brackenridge_referral.pdf", data=b"%PDF-1.4 Yolanda Brackenridge"),
    )
    document_remove(actor=sw, document=wrong, reason="Put on the wrong child's record")
    made = asked_export(world, scene.request)
    with zipfile.ZipFile(package_folder() / made.file_name) as archive:
        names = archive.namelist()
        body = b"".join(archive.read(n) for n in names)
        data = json.loads(archive.read(f"{scene.request.reference}.json"))
    assert not [n for n in names if f"document-{wrong.pk}-" in n]
    assert b"Brackenridge" not in body and b"Yolanda" not in body
    assert b"wrong child" not in body
    # The other documents on the record are still there, each with its file.
    assert len(data["documents"]) == 2
    made.refresh_from_db()
    assert made.removed_documents_left_out == 1
    page = f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/approve/"
    shown = client_for(other_admin(world)).get(page).content.decode()
    assert "1 removed document was left out of this export" in shown
    assert "wrong person" in shown
    assert "Brackenridge" not in shown and "Yolanda" not in shown


def test_an_export_with_no_removed_document_says_nothing_of_them(
    world: World, scene: Scene
) -> None:
    made = asked_export(world, scene.request)
    page = f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/approve/"
    shown = client_for(other_admin(world)).get(page).content.decode()
    assert "removed document" not in shown


def test_the_approval_page_links_its_approver_to_the_export_to_check(
    world: World, scene: Scene
) -> None:
    """The approver says what they checked: the page they say it on offers the file. Its
    maker, who may not download it before its release, is offered no link."""
    made = asked_export(world, scene.request)
    page = f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/approve/"
    download = f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/download/"
    shown = client_for(other_admin(world)).get(page).content.decode()
    assert f'href="{download}">Download the export to check it</a>' in shown
    assert client_for(other_admin(world)).get(download).status_code == 200
    assert download not in client_for(world.admin).get(page).content.decode()
