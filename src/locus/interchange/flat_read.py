"""Reading a flat file (CSV or XLSX) row by row, and reading each cell as what it should be.

Both formats stream: a CSV is decoded a line at a time (so a wrong encoding is refused
naming the line it is on), an XLSX is read with openpyxl in read-only mode (rows come off
the sheet as they are parsed, so memory stays flat whatever the size of the workbook).

A row is numbered as a spreadsheet numbers it: the header is line 1, the first record is
line 2. That is the number the data team sees when they open the file to fix it.

The cell readers on :class:`Row` never raise: a bad value is recorded as a
:class:`~locus.interchange.core.Problem` naming the line, the column, the rule and what is
wrong with the value, and the reader returns a blank, so that one pass finds every problem
in a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from django.db.models import TextChoices

from locus.common.errors import ValidationFailed
from locus.common.models import Confidence, Source
from locus.interchange import files
from locus.interchange.core import FileRejected, Problem, Progress

if TYPE_CHECKING:
    from locus.access.models import Worker
    from locus.people.models import Person

# An XLSX file is a zip archive: it starts with a zip's local file header.
ZIP_MAGIC = b"PK\x03\x04"
# How much of an XLSX is read before the progress bar moves (it is compressed: the bytes
# read from the sheet are not the file's bytes, so XLSX progress is reported per 500 rows).
XLSX_PROGRESS_EVERY = 500
# How many look-ups (people, places, agencies) a file keeps before starting again.
LOOKUPS_KEPT = 20_000
# A cell longer than this is not a value anyone typed: refused rather than stored.
CELL_LIMIT = 10_000

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
DATE_FORMATS = "yyyy-mm-dd or dd/mm/yyyy"
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "0"})


@dataclass(frozen=True)
class Column:
    """One column a kind of file has: its name as the header spells it (compared without
    case or surrounding spaces), whether every file must have it, and what it holds."""

    name: str
    required: bool
    meaning: str
    # Other headers accepted for it (the CIN census's older GenderCurrent for Sex).
    aliases: tuple[str, ...] = ()


def where(line: int) -> str:
    return f"line {line}"


def _rejected(line: int, field: str, rule: str, message: str) -> FileRejected:
    return FileRejected(Problem(where(line), field, rule, message))


# --- The file: rows of text --------------------------------------------------------------


def _csv_lines(handle: IO[bytes], total: int, progress: Progress) -> Iterator[str]:
    """The file's lines as text, decoded one at a time; a line that is not UTF-8 is refused
    by number (a BOM at the very start is dropped: spreadsheets write one)."""
    done = 0
    for number, raw in enumerate(handle, start=1):
        done += len(raw)
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _rejected(
                number,
                "(file)",
                "encoding",
                f"Line {number} is not UTF-8 text (byte {error.start + 1} of the line): "
                "save the file as CSV UTF-8 and import it again",
            ) from None
        if "\x00" in text:
            raise _rejected(
                number, "(file)", "encoding", f"Line {number} holds a NUL byte: this is not a CSV"
            )
        yield text
        if number % 1000 == 0:
            progress(done, total)


def _csv_rows(path: Path, total: int, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    with path.open("rb") as handle:
        reader = csv.reader(_csv_lines(handle, total, progress))
        try:
            # Records, not physical lines: a quoted cell may hold a line break, and a
            # spreadsheet shows that record as one row.
            yield from enumerate(reader, start=1)
        except csv.Error as error:
            raise _rejected(
                reader.line_num, "(file)", "csv", f"This is not readable as CSV: {error}"
            ) from None


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold: dates as yyyy-mm-dd, whole numbers
    without ``.0`` (a spreadsheet turns 0042 into the number 42 unless the column is text)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path, total: int, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    # Imported here: only an XLSX import needs openpyxl loaded.
    from openpyxl import load_workbook

    # openpyxl reads a workbook's shared strings whole, even read only: its size is checked
    # first, as the archive declares it.
    try:
        with zipfile.ZipFile(path) as archive:
            problem = files.archive_problem(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise _rejected(
            1, "(file)", "xlsx", f"This is not a workbook Locus can read ({error})"
        ) from None
    if problem:
        raise _rejected(1, "(file)", "size", problem)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _rejected(
            1, "(file)", "xlsx", f"This is not a workbook Locus can read ({error})"
        ) from None
    try:
        if not book.worksheets:
            raise _rejected(1, "(file)", "xlsx", "The workbook has no sheet")
        sheet = book.worksheets[0]
        # Every row is read as wide as line 1's last named column, not as wide as the sheet
        # says it is: one stray cell far out (column XFD, say) makes openpyxl give every row
        # of a few kilobytes' file 16,384 cells, hours of reading for nothing, as cells past
        # the header are never read.
        header = [_cell_text(v) for v in next(sheet.iter_rows(max_row=1, values_only=True), ())]
        width = max((i + 1 for i, text in enumerate(header) if text.strip()), default=1)
        rows = sheet.iter_rows(max_col=width, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(v) for v in values]
            if number % XLSX_PROGRESS_EVERY == 0:
                # The sheet's size is not known before reading it: the bar moves towards
                # the end without reaching it until the last row is read.
                progress(min(total - 1, number * 100), total)
    finally:
        book.close()


def rows_of(path: Path, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """Every row of the file (CSV or, by its first bytes, XLSX), numbered from 1."""
    if not isinstance(path, Path):
        raise ValueError(f"path: expected a Path, got {type(path).__name__}")
    try:
        total = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError as error:
        raise _rejected(1, "(file)", "file", f"The file cannot be read: {error}") from None
    progress(0, total)
    rows = (
        _xlsx_rows(path, total, progress)
        if start == ZIP_MAGIC
        else _csv_rows(path, total, progress)
    )
    yield from rows
    progress(total, total)


# --- The header ---------------------------------------------------------------------------


def _key(header: str) -> str:
    return header.strip().lower()


@dataclass
class Header:
    """Which position holds which column, and the headers Locus does not read."""

    positions: dict[str, int]
    unknown: list[str]

    def cells(self, values: list[str]) -> dict[str, str]:
        return {
            name: (values[i].strip() if i < len(values) else "")
            for name, i in self.positions.items()
        }


def read_header(values: list[str], columns: tuple[Column, ...]) -> Header:
    """The header row checked against ``columns``: a missing required column, or a column
    given twice, refuses the file (every row would be wrong the same way)."""
    by_key: dict[str, Column] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            by_key[_key(name)] = column
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, raw in enumerate(values):
        found = by_key.get(_key(raw))
        if found is None:
            if raw.strip():
                unknown.append(raw.strip())
            continue
        if found.name in positions:
            raise _rejected(
                1, found.name, "header", f"The column {found.name} is given twice in the header"
            )
        positions[found.name] = i
    missing = [c.name for c in columns if c.required and c.name not in positions]
    if missing:
        raise _rejected(
            1,
            missing[0],
            "required",
            f"The header has no {', '.join(missing)} column: "
            f"{'it is' if len(missing) == 1 else 'they are'} required (line 1 names the columns)",
        )
    return Header(positions, unknown)


# --- Cells -------------------------------------------------------------------------------


def parse_date(text: str) -> dt.date | None:
    """``text`` as a date (yyyy-mm-dd or dd/mm/yyyy), or None when it is neither or no such
    day exists (31/02/2025)."""
    if not isinstance(text, str):
        raise ValueError(f"text: expected str, got {type(text).__name__}")
    text = text.strip()
    if len(text) > 10:
        # A spreadsheet's date-and-time cell at midnight: the date part.
        text = text.split(" ")[0] if " " in text else text
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _UK.match(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        return None
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


class Row:
    """One record of the file: its cells by column name, and the problems found reading it."""

    def __init__(self, line: int, cells: dict[str, str], *, record: str = "") -> None:
        self.line = line
        self.cells = cells
        self.record = record
        self.problems: list[Problem] = []
        self.about: list[Person | None] = []  # the record each problem names, if any

    def problem(self, field: str, rule: str, message: str, about: Person | None = None) -> None:
        self.problems.append(Problem(where(self.line), field, rule, message, self.record))
        self.about.append(about)

    @property
    def ok(self) -> bool:
        return not self.problems

    def has(self, column: str) -> bool:
        return bool(self.cells.get(column, ""))

    def text(self, column: str, *, required: bool = False, limit: int = 200) -> str:
        value = str(self.cells.get(column, "") or "").strip()
        if not value:
            if required:
                self.problem(column, "required", f"{column} is empty: it is required")
            return ""
        if len(value) > min(limit, CELL_LIMIT):
            self.problem(
                column, "length", f"{column} is {len(value)} characters long: at most {limit}"
            )
            return ""
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.text(column, required=required, limit=40)
        if not value:
            return None
        found = parse_date(value)
        if found is None:
            self.problem(
                column,
                "date",
                f"{value!r} is not a date: write it as {DATE_FORMATS}, a day that exists",
            )
        return found

    def time(self, column: str) -> dt.time | None:
        value = self.text(column, limit=20)
        if not value:
            return None
        m = _TIME.match(value)
        try:
            if m is None:
                raise ValueError(value)
            return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
        except ValueError:
            self.problem(column, "time", f"{value!r} is not a time of day: write it as hh:mm")
            return None

    def code(
        self,
        column: str,
        choices: type[TextChoices],
        *,
        required: bool = False,
        default: str = "",
        exclude: Iterable[str] = (),
    ) -> str:
        """A code from ``choices`` (compared without case); ``default`` when the cell is
        empty and not required."""
        value = self.text(column, required=required, limit=40)
        if not value:
            return default
        allowed = [c for c in choices.values if c not in set(exclude)]
        for code in allowed:
            if value.lower() == str(code).lower():
                return str(code)
        shown = ", ".join(allowed)
        self.problem(column, "code", f"{value!r} is not a {column} code: use one of {shown}")
        return default

    def flag(self, column: str) -> bool | None:
        value = self.text(column, limit=10)
        if not value:
            return None
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        self.problem(column, "flag", f"{value!r} is not Y or N")
        return None

    def identifier(self, column: str) -> str:
        """An identifier as Locus keeps it: upper case, no spaces."""
        return self.text(column, limit=40).replace(" ", "").upper()

    def provenance(self) -> dict[str, str]:
        """The Source and Confidence codes (:data:`PROVENANCE_COLUMNS`), by the fields they
        fill."""
        return {
            "source": self.code("Source", Source, required=True),
            "confidence": self.code("Confidence", Confidence, required=True),
        }


# Every association, group membership and incident says where it came from (Source) and how
# sure the source is (Confidence): the same two columns in each file, both required, read by
# Row.provenance (docs/domain.md#provenance).
PROVENANCE_COLUMNS = (
    Column("Source", True, "Where the information came from: a code from the source list"),
    Column("Confidence", True, "How sure the source is: high, medium or low"),
)


# --- What each kind of file provides, and what its rows plan ---------------------------


Write = Callable[["Worker"], Any]


@dataclass
class Plan:
    """What one valid row does: its outcome and, unless unchanged, the write that does it."""

    outcome: str
    write: Write | None = None


@dataclass
class Batch:
    """What the rows of one file share: its name (an import records the file as the source
    of what it writes) and the look-ups already made (a person named on many rows is read
    once)."""

    file_name: str
    cache: dict[tuple[str, ...], Any] = field(default_factory=dict)
    # The line each key was first seen on: every key, for the whole file.
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def lookup(self, key: tuple[str, ...], read: Callable[[], Any]) -> Any:
        if key not in self.cache:
            if len(self.cache) >= LOOKUPS_KEPT:
                # Memory stays flat on a long file: the look-ups start again.
                self.cache.clear()
            self.cache[key] = read()
        return self.cache[key]

    def first_line(self, key: tuple[str, ...], line: int) -> int:
        """The line ``key`` was first seen on (``line`` if this is the first time)."""
        return self.lines.setdefault(key, line)

    def once(self, row: Row, key: tuple[str, ...], column: str, says: Callable[[int], str]) -> bool:
        """Whether ``row`` is the first of the file with ``key``: if not, it has a duplicate
        problem on ``column``, ``says`` making its message from the line ``key`` was first on."""
        first = self.first_line(key, row.line)
        if first != row.line:
            row.problem(column, "duplicate", says(first))
        return first == row.line

    @property
    def reason(self) -> str:
        return f"Imported from the file {self.file_name}"


class Spec(Protocol):
    """One kind of flat file (see the modules ``flat_*.py``)."""

    kind: str
    label: str
    # The kind of record counted in the report ("person").
    record_kind: str
    columns: tuple[Column, ...]
    # A model field named in a service's ValidationFailed -> the column it came from.
    field_columns: dict[str, str]

    def record_key(self, cells: dict[str, str]) -> str:
        """How the row's record is known in the source system (its LAchildID)."""
        ...

    def parse(self, row: Row) -> Any:
        """The row's values (pure: no database); problems go on ``row``."""
        ...

    def unique(self, parsed: Any) -> Iterable[tuple[str, str]]:
        """(column, value) pairs no two rows of one file may share: the match key, and
        identifiers another row would otherwise be refused for only once written."""
        ...

    def plan(self, parsed: Any, row: Row, batch: Batch) -> Plan | None:
        """What the row would do (reads only); problems go on ``row``."""
        ...


def rule_problems(row: Row, failed: ValidationFailed | dict[str, list[str]], spec: Spec) -> None:
    """A domain rule's messages (by model field) as the row's problems (by column)."""
    errors = failed.errors if isinstance(failed, ValidationFailed) else failed
    for name, messages in errors.items():
        column = spec.field_columns.get(name, name if name != "__all__" else "(row)")
        for message in messages:
            row.problem(column, "rule", message)
