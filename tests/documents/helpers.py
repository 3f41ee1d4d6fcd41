"""Files to upload (made here, synthetic), the store they go to, and the usual upload."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from locus.access.models import Worker
from locus.common.services import today
from locus.documents.models import Document
from locus.documents.services import document_upload

# The antivirus test file: every scanner reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
TEXT = "Notes of a visit, written in plain text. Café.\n".encode()
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'


def _zip(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


DOCX = _zip(("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<R/>"), ("word/doc.xml", "<w/>"))
XLSX = _zip(("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<R/>"), ("xl/book.xml", "<w/>"))
ODT = _zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>"))
ZIP = _zip(("notes.txt", "a zip is not a document"))


def upload(name: str = "report.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refuse_eicar(data: bytes, name: str) -> str | None:
    """The tests' virus scanner: finds EICAR's test string, as every real one does."""
    return "Eicar-Test-Signature" if EICAR in data else None


def broken_scanner(data: bytes, name: str) -> str | None:
    raise ConnectionError("clamd is not running")


@pytest.fixture
def document_store(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The documents' store in a folder of the test's own, and the EICAR-refusing scanner."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": "/not-served/"},
        },
    }
    settings.LOCUS_DOCUMENT_SCANNER = "tests.documents.helpers.refuse_eicar"
    yield folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def attach(actor: Worker, owner: Any, **fields: Any) -> Document:
    values: dict[str, Any] = {
        "title": "Strengths and needs report",
        "kind": "report",
        "dated": today() - dt.timedelta(days=3),
        "description": "From the school nurse.",
        "file": upload(),
    }
    values.update(fields)
    return document_upload(actor=actor, owner=owner, **values)
