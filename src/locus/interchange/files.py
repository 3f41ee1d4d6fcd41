"""Where an import's file, its rejects and its progress live: the data folder's imports/.

An uploaded file is kept under a generated name (nothing about the file or the children in
it shows on disk), one folder per upload, with the rejects file of a valid-only import and
the progress of the pass under way beside it. The progress is a file, not only the run's
row, because the import itself is one transaction: on SQLite no other connection may write
while it runs, and on any database a row written inside it is seen by nobody until the end.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import secrets
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from locus.common.spreadsheet import safe_text
from locus.interchange.core import Problem

PROGRESS_FILE = "progress"
REJECTS_FILE = "rejects.csv"
REJECT_COLUMNS = ("where", "field", "rule", "message", "record")


def max_bytes() -> int:
    return int(getattr(settings, "LOCUS_IMPORT_MAX_BYTES", 250 * 1024 * 1024))


# A member of an archive may expand to no more than this many times its compressed size once
# it is past ARCHIVE_RATIO_FLOOR bytes: an honest CSV or sheet compresses ten or twenty times,
# a "bomb" hundreds or thousands.
ARCHIVE_RATIO = 100
ARCHIVE_RATIO_FLOOR = 1024 * 1024


def archive_problem(archive: zipfile.ZipFile) -> str | None:
    """Why ``archive`` (an SSDA903 ZIP, an XLSX workbook) may not be opened, or None: its
    members together expand past the import limit, or one expands too many times over. Read
    from the sizes the archive declares, which bound what Python reads from it."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > ARCHIVE_RATIO_FLOOR and info.file_size > ARCHIVE_RATIO * max(
            info.compress_size, 1
        ):
            return (
                f"{Path(info.filename).name} inside it would expand from "
                f"{size_text(info.compress_size)} to {size_text(info.file_size)}, more than "
                f"{ARCHIVE_RATIO} times: Locus does not open it. Export the file again."
            )
    if total > max_bytes():
        return (
            f"Its contents would expand to {size_text(total)}, more than the "
            f"{size_text(max_bytes())} an import may be. Split it, or ask for a larger limit."
        )
    return None


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)} KB"
    return f"{size / (1024 * 1024):.0f} MB"


def too_big_message(size: int) -> str:
    return (
        f"The file is {size_text(size)}: files for import may be at most "
        f"{size_text(max_bytes())}. Split the return, or ask for the limit "
        "(LOCUS_IMPORT_MAX_MB) to be raised."
    )


def root() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def absolute(relative: str) -> Path:
    """The file a run names, which must lie under the imports folder."""
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ValueError(f"relative: {relative!r} is not under the imports folder")
    return path


def clean_name(name: str) -> str:
    """The uploaded name as pages show it: no folders, no control characters, 200 at most."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "upload"
    return name[-200:]


@dataclass(frozen=True)
class Stored:
    relative: str
    size: int
    sha256: str


def store(chunks: Iterable[bytes], original_name: str) -> Stored:
    """Write the upload's bytes under a new folder; refuse (``ValueError``) past the limit,
    removing what was written, so an oversized file is never kept."""
    folder = secrets.token_hex(16)
    extension = re.sub(r"[^a-z0-9]", "", clean_name(original_name).rsplit(".", 1)[-1].lower())
    relative = f"{folder}/upload.{extension[:8] or 'bin'}"
    path = root() / relative
    path.parent.mkdir(mode=0o700, parents=True)
    digest = hashlib.sha256()
    size = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes():
                    raise ValueError(too_big_message(size))
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        remove_folder(relative)
        raise
    return Stored(relative, size, digest.hexdigest())


def remove_folder(relative: str) -> None:
    folder = absolute(relative).parent
    for child in folder.iterdir() if folder.is_dir() else ():
        child.unlink()
    if folder.is_dir():
        folder.rmdir()


def beside(relative: str, name: str) -> str:
    return f"{relative.rsplit('/', 1)[0]}/{name}"


@contextmanager
def rejects_writer(relative: str) -> Iterator[tuple[str, RejectsFile]]:
    """A CSV of every rejected record (where, field, rule, message, record), next to the
    upload; returns its relative path with the writer."""
    rejects = beside(relative, REJECTS_FILE)
    fd = os.open(absolute(rejects), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
        yield rejects, RejectsFile(out)


class RejectsFile:
    def __init__(self, out: IO[str]) -> None:
        self.writer = csv.writer(out)
        self.writer.writerow(REJECT_COLUMNS)
        self.rows = 0

    def __call__(self, problem: Problem) -> None:
        # The cells carry the uploaded file's text, opened in a spreadsheet: made safe as
        # every CSV Locus writes is (a formula's first character quoted).
        # Its columns only: the id of the record Locus holds a problem names stays in Locus.
        self.writer.writerow([safe_text(getattr(problem, c)) for c in REJECT_COLUMNS])
        self.rows += 1


class ProgressFile:
    """Writes ``done total`` beside the upload, at most every ``every`` seconds (and always
    the last call), so a page can read how far a pass has got whatever the transaction."""

    def __init__(self, relative: str, *, every: float = 0.5) -> None:
        self.path = absolute(beside(relative, PROGRESS_FILE))
        self.every = every
        self.last = 0.0

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return False
        self.last = now
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(f"{int(done)} {int(total)}")
        tmp.replace(self.path)
        return True


def read_progress(relative: str) -> tuple[int, int, float] | None:
    """(done, total, seconds since written) of the pass under way, or None."""
    path = absolute(beside(relative, PROGRESS_FILE))
    try:
        text = path.read_text()
        age = time.time() - path.stat().st_mtime
        done, total = (int(x) for x in text.split())
    except (OSError, ValueError):
        return None
    return done, total, age
