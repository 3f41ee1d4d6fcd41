"""Uploading, replacing, removing and purging documents: each refusal names its field and
writes nothing (no row, no audit, no file); what is kept is kept under a generated name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.documents import files
from locus.documents.models import Document, DocumentVersion
from locus.documents.selectors import documents_of
from locus.documents.services import (
    VIRUS_FOUND,
    document_remove,
    document_replace,
    document_upload,
    document_version_purge,
)
from tests.documents.helpers import (
    DOCX,
    EICAR,
    HTML,
    JPEG,
    ODT,
    PDF,
    PNG,
    SVG,
    TEXT,
    XLSX,
    ZIP,
    attach,
    stored_files,
    upload,
)
from tests.factories import World, changes_for, nothing_written

pytestmark = pytest.mark.django_db


def test_an_upload_keeps_the_bytes_under_a_generated_name(
    world: World, document_store: Path
) -> None:
    document = attach(world.social_worker, world.csc_child, file=upload("Ciara visit.pdf"))
    version = document.versions.get()
    assert document.person == world.csc_child and document.uploaded_by == world.social_worker
    assert (version.number, version.original_name, version.size) == (1, "Ciara visit.pdf", len(PDF))
    assert version.content_type == "application/pdf"
    (kept,) = stored_files(document_store)
    assert kept.read_bytes() == PDF
    assert "Ciara" not in str(kept) and "visit" not in str(kept) and kept.suffix == ""
    assert kept.relative_to(document_store).as_posix() == version.stored_name
    assert [e.action for e in changes_for(document)] == [ChangeAction.CREATE]
    assert [e.action for e in changes_for(version)] == [ChangeAction.CREATE]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.png", PNG, "image/png"),
        ("a.jpg", JPEG, "image/jpeg"),
        ("a.JPEG", JPEG, "image/jpeg"),
        ("a.docx", DOCX, files.ALLOWED["docx"].content_type),
        ("a.xlsx", XLSX, files.ALLOWED["xlsx"].content_type),
        ("a.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("a.txt", TEXT, "text/plain; charset=utf-8"),
    ],
)
def test_each_allowed_type_is_kept_with_its_sniffed_type(
    world: World, name: str, data: bytes, content_type: str
) -> None:
    document = attach(world.social_worker, world.csc_child, file=upload(name, data))
    assert document.versions.get().content_type == content_type


def _refused(world: World, folder: Path, **fields: Any) -> dict[str, list[str]]:
    with nothing_written(Document, DocumentVersion), pytest.raises(ValidationFailed) as caught:
        attach(world.social_worker, world.csc_child, **fields)
    assert stored_files(folder) == []
    return caught.value.errors


TYPES = "The file must be one of these types: docx, jpeg, jpg, odt, pdf, png, txt, xlsx"
MISMATCH = "The file's name says PNG image but its contents are PDF: check it is the right file"
CONTENTS = (
    "The file's contents are not one of these types: docx, jpeg, jpg, odt, pdf, png, txt, xlsx"
)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": "  "}, {"title": ["Enter a title"]}),
        ({"title": "x" * 201}, {"title": ["The title must be 200 characters or fewer"]}),
        ({"kind": "diary"}, {"kind": ["Choose what kind of document it is"]}),
        ({"dated": None}, {"dated": ["Enter the document's date"]}),
        (
            {"description": "x" * 2001},
            {"description": ["The description must be 2000 characters or fewer"]},
        ),
        ({"file": None}, {"file": ["Choose a file to upload"]}),
        ({"file": upload("a.pdf", b"")}, {"file": ["The file is empty"]}),
        ({"file": upload("run.exe", b"MZ\x90\x00")}, {"file": [TYPES]}),
        ({"file": upload("page.html", HTML)}, {"file": [TYPES]}),
        ({"file": upload("logo.svg", SVG)}, {"file": [TYPES]}),
        ({"file": upload("report", PDF)}, {"file": [TYPES]}),
        ({"file": upload("notes.txt", HTML)}, {"file": [CONTENTS]}),
        ({"file": upload("logo.txt", SVG)}, {"file": [CONTENTS]}),
        # Markup a sniffing browser would run, whatever tag it opens with.
        ({"file": upload("logo.txt", b"<!-- x --><svg onload=alert(1)>")}, {"file": [CONTENTS]}),
        (
            {"file": upload("notes.txt", b"\n <div><img src=x onerror=alert(1)>")},
            {"file": [CONTENTS]},
        ),
        ({"file": upload("notes.txt", b"<a href='javascript:alert(1)'>")}, {"file": [CONTENTS]}),
        ({"file": upload("notes.txt", b"\xff\xfe binary")}, {"file": [CONTENTS]}),
        ({"file": upload("letter.docx", ZIP)}, {"file": [CONTENTS]}),
        (
            {"file": upload("photo.png", PDF)},
            {"file": [MISMATCH]},
        ),
        ({"file": upload("eicar.txt", EICAR)}, {"file": [VIRUS_FOUND]}),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    world: World, document_store: Path, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    assert _refused(world, document_store, **fields) == errors


def test_a_future_date_is_refused(world: World, document_store: Path) -> None:
    errors = _refused(world, document_store, dated=today() + dt.timedelta(days=1))
    assert errors == {"dated": ["The document's date must not be in the future"]}


def test_a_file_over_the_limit_is_refused(
    world: World, document_store: Path, settings: Any
) -> None:
    settings.LOCUS_DOCUMENT_MAX_BYTES = len(PDF) - 1
    errors = _refused(world, document_store, file=upload("big.pdf", PDF))
    assert errors == {"file": [f"The file must be smaller than {len(PDF) - 1} bytes"]}


def test_a_scanner_that_fails_refuses_the_file(
    world: World, document_store: Path, settings: Any
) -> None:
    settings.LOCUS_DOCUMENT_SCANNER = "tests.documents.helpers.broken_scanner"
    assert _refused(world, document_store) == {"file": [VIRUS_FOUND]}


def test_the_scanner_is_not_asked_about_a_form_already_refused(
    world: World, document_store: Path, settings: Any
) -> None:
    settings.LOCUS_DOCUMENT_SCANNER = "tests.documents.helpers.broken_scanner"
    assert _refused(world, document_store, title="") == {"title": ["Enter a title"]}


@pytest.mark.parametrize(
    ("uploaded", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\sam\\Visit notes.TXT", "Visit notes.txt"),
        ('a<b>"c";d%0A.txt', "a b c d 0A.txt"),
        ("\x00\x1b[31mred.txt", "[31mred.txt"),
        ("Café \u2013 notes.txt", "Café \u2013 notes.txt"),
        # A right-to-left override would show "Visit notes.exe.txt" as "...txt.exe".
        ("Visit\u202eexe.txt", "Visit exe.txt"),
        ("a\u200bb\u2028c.txt", "a b c.txt"),
        ("....txt", "document.txt"),
        ("x" * 300 + ".txt", "x" * 146 + ".txt"),
    ],
)
def test_the_uploaded_name_is_sanitised(world: World, uploaded: str, kept: str) -> None:
    document = attach(world.social_worker, world.csc_child, file=upload(uploaded, TEXT))
    assert document.versions.get().original_name == kept


@pytest.mark.parametrize("text", [b"<5 years old", b"< 18 and at risk", b"notes <div>"])
def test_plain_text_that_opens_with_no_tag_is_kept(text: bytes) -> None:
    assert files.sniff(text) == "txt"


def test_a_new_version_keeps_the_earlier_one(world: World, document_store: Path) -> None:
    document = attach(world.social_worker, world.csc_child)
    second = document_replace(
        actor=world.social_worker, document=document, file=upload("v2.docx", DOCX)
    )
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    assert second.original_name == "v2.docx" and len(stored_files(document_store)) == 2
    assert [r.latest.pk for r in documents_of(world.social_worker, world.csc_child)] == [second.pk]
    assert changes_for(second)[0].action == ChangeAction.CREATE


def test_a_replacement_is_checked_like_an_upload(world: World, document_store: Path) -> None:
    document = attach(world.social_worker, world.csc_child)
    with nothing_written(DocumentVersion), pytest.raises(ValidationFailed) as caught:
        document_replace(actor=world.social_worker, document=document, file=upload("v2.txt", EICAR))
    assert caught.value.errors == {"file": [VIRUS_FOUND]}
    assert len(stored_files(document_store)) == 1


def test_removing_hides_the_document_and_keeps_it(world: World, document_store: Path) -> None:
    document = attach(world.social_worker, world.csc_child)
    with nothing_written(Document), pytest.raises(ValidationFailed) as caught:
        document_remove(actor=world.social_worker, document=document, reason=" ")
    assert caught.value.errors == {"reason": ["Say why the document is being removed"]}
    document_remove(
        actor=world.team_manager, document=document, reason="Attached to the wrong child"
    )
    document.refresh_from_db()
    assert document.removed_by == world.team_manager and document.removed_at is not None
    assert documents_of(world.social_worker, world.csc_child) == []
    assert len(stored_files(document_store)) == 1  # the bytes stay until the retention purge
    last = changes_for(document)[-1]
    assert last.action == ChangeAction.UPDATE
    assert last.after["removed_reason"] == "Attached to the wrong child"
    with pytest.raises(NotPermitted):  # once removed, it is nobody's to change
        document_remove(actor=world.social_worker, document=document, reason="Again")


def test_the_retention_purge_deletes_the_bytes_and_keeps_the_row(
    world: World, document_store: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = attach(world.social_worker, world.csc_child)
    version = document.versions.get()
    with django_capture_on_commit_callbacks(execute=True):
        document_version_purge(actor=world.system, version=version)
    version.refresh_from_db()
    assert version.purged_at is not None and stored_files(document_store) == []
    assert changes_for(version)[-1].action == ChangeAction.DELETE
    with django_capture_on_commit_callbacks(execute=True):  # again: nothing more to do
        assert document_version_purge(actor=world.system, version=version) == version
    assert len(changes_for(version)) == 2


def test_a_worker_who_may_not_upload_writes_nothing(world: World, document_store: Path) -> None:
    with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
        document_upload(
            actor=world.police_analyst,
            owner=world.csc_child,
            title="A",
            kind="report",
            dated=today(),
            file=upload(),
        )
    assert stored_files(document_store) == []


scan_depths: list[int] = []


def depth_recording_scanner(data: bytes, name: str) -> str | None:
    from django.db import connection

    scan_depths.append(len(connection.atomic_blocks))
    return None


def test_the_scan_runs_before_the_write_transaction_opens(world: World, settings: Any) -> None:
    """A scan can take seconds: no write transaction (SQLite's lock) is held meanwhile."""
    from django.db import connection

    settings.LOCUS_DOCUMENT_SCANNER = f"{__name__}.depth_recording_scanner"
    scan_depths.clear()
    outside = len(connection.atomic_blocks)
    document = attach(world.social_worker, world.csc_child)
    document_replace(actor=world.social_worker, document=document, file=upload("v2.pdf"))
    assert scan_depths == [outside, outside]


class _DiskFullPartWay(ContentFile):
    """Bytes whose writing fails after the first chunk, as a full disk fails a write."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield bytes(self.read(1))
        raise OSError(28, "No space left on device")


def test_a_write_that_fails_part_way_leaves_no_part_of_the_file(
    world: World, document_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("locus.documents.services.ContentFile", _DiskFullPartWay)
    with nothing_written(Document, DocumentVersion), pytest.raises(OSError):
        attach(world.social_worker, world.csc_child)
    assert stored_files(document_store) == []
