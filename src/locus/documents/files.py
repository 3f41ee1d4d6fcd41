"""What an uploaded file is, whether Locus keeps it, and where its bytes go.

The type is read from the bytes (their magic numbers, with ``filetype``: pure
Python, no system library, so it works the same on every machine), never trusted
from the name or the browser's Content-Type, and the name's extension must agree
with it. Only the types in ``ALLOWED`` are kept: none of them runs in a browser
(no HTML, no SVG, no script), and every download is an attachment.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.storage import Storage, storages

STORAGE_ALIAS = "documents"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a download is named with


ALLOWED: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", ("pdf",)),
    "png": FileType("PNG image", "image/png", ("png",)),
    "jpg": FileType("JPEG image", "image/jpeg", ("jpg", "jpeg")),
    "docx": FileType(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xlsx": FileType(
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ("xlsx",),
    ),
    "odt": FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", ("odt",)),
    "txt": FileType("Plain text", "text/plain; charset=utf-8", ("txt",)),
}
ALLOWED_TEXT = ", ".join(sorted({e for t in ALLOWED.values() for e in t.extensions}))
BY_EXTENSION = {ext: key for key, t in ALLOWED.items() for ext in t.extensions}

# Plain text has no magic number: it is text when it decodes as UTF-8 with no NUL byte,
# and it must not be markup a browser would run if it were ever shown inline. A browser
# that sniffs takes a file for HTML or XML when, after any white space, it opens with a
# tag, a comment or a declaration (``<div``, ``<a ``, ``<!--``, ``<?xml``): any ``<``
# followed by a letter, ``!``, ``?`` or ``/`` is refused, not a list of tag names.
_MARKUP = re.compile(rb"^\s*<[a-z!?/]", re.I)


def max_bytes() -> int:
    return int(settings.LOCUS_DOCUMENT_MAX_BYTES)


def size_text(size: int) -> str:
    """A size as a person reads it: 740 bytes, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(data: bytes) -> str | None:
    """The allowed type the bytes are (a key of ``ALLOWED``), or None."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.extension if kind.extension in ALLOWED else None
    if b"\x00" in data or _MARKUP.match(data.removeprefix(b"\xef\xbb\xbf")):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt"


# Characters no file system or header should carry, and runs of space. Unicode's control,
# format (the right-to-left override that shows "fdp.exe" for "exe.pdf", zero-width
# characters), separator and private or unpaired characters go too (``_INVISIBLE``): a name
# must read on the page as it is.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;%]+')
_SPACES = re.compile(r"\s+")
MAX_NAME = 150


def clean_name(name: str, key: str) -> str:
    """The uploaded name made safe to show and to give back: no folders, no control or
    reserved characters, at most 150 characters, ending in the type's own extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _SPACES.sub(" ", _UNSAFE.sub(" ", stem)).strip(" .")
    extension = extension_of(name)
    if extension not in ALLOWED[key].extensions:
        extension = ALLOWED[key].extensions[0]
    stem = stem[: MAX_NAME - len(extension) - 1].rstrip(" .") or "document"
    return f"{stem}.{extension}"


@dataclass(frozen=True)
class Checked:
    """An upload that passed the type and size checks, read into memory."""

    data: bytes
    key: str
    original_name: str

    @property
    def content_type(self) -> str:
        return ALLOWED[self.key].content_type

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_upload(upload: Any) -> tuple[Checked | None, str]:
    """The upload read and typed, or None and the reason it is refused (in plain words)."""
    if upload is None:
        return None, "Choose a file to upload"
    name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes():
        return None, f"The file must be smaller than {size_text(max_bytes())}"
    if size == 0:
        return None, "The file is empty"
    declared = BY_EXTENSION.get(extension_of(name))
    if declared is None:
        return None, f"The file must be one of these types: {ALLOWED_TEXT}"
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        return None, f"The file must be smaller than {size_text(max_bytes())}"
    actual = sniff(data)
    if actual is None:
        return None, f"The file's contents are not one of these types: {ALLOWED_TEXT}"
    if actual != declared:
        return None, (
            f"The file's name says {ALLOWED[declared].label} but its contents are "
            f"{ALLOWED[actual].label}: check it is the right file"
        )
    return Checked(data, actual, clean_name(name, actual)), ""


def storage() -> Storage:
    """Where the bytes go: ``STORAGES["documents"]`` (the data folder, or an S3 bucket)."""
    return storages[STORAGE_ALIAS]


def new_stored_name() -> str:
    """A name that says nothing and cannot be guessed, in one of 256 folders."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"
