"""Reading the SSDA903 tables: finding the files, decoding them, checking each cell.

Pure Python (no database): the importer (:mod:`locus.interchange.ssda903`) gives it a
path and gets back, for each table, its rows with typed values, every problem named by
file, line and column. The column specs are liia-tools' per-year YAML files, bundled
under ``schemas/ssda903/`` (their README says where from).

Nothing here raises anything but :class:`~locus.interchange.core.FileRejected` on bad
input: a file that cannot be read at all. A bad cell is a problem on its row.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from locus.interchange import files
from locus.interchange.core import FileRejected, Problem

SCHEMAS = Path(__file__).parent / "schemas" / "ssda903"
TABLES = ("Header", "Episodes", "Missing")
# A return without missing episodes has no Missing table; the other two it must have.
REQUIRED_TABLES = ("Header", "Episodes")
# A table file bigger than this is refused before it is read (a ZIP may hold a "bomb").
MAX_TABLE_BYTES = 200 * 1024 * 1024
_STEMS = {"header": "Header", "episodes": "Episodes", "missing": "Missing"}
# The social worker table's file (sw_episodes.csv) is not the Episodes table.
_NOT_TABLES = ("sw_episodes", "swepisodes")
_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "date", "category" or "string"
    codes: frozenset[str]
    blank_ok: bool


@functools.cache
def years() -> tuple[int, ...]:
    """The collection years whose specs are bundled, oldest first."""
    found = (int(p.stem.rsplit("_", 1)[1]) for p in SCHEMAS.glob("SSDA903_schema_*.yml"))
    return tuple(sorted(found))


@functools.cache
def spec(year: int) -> dict[str, dict[str, Column]]:
    """The columns of Header, Episodes and Missing in ``year``'s spec, in file order."""
    if year not in years():
        raise ValueError(f"year: no SSDA903 spec for {year!r} (have {years()})")
    data = yaml.safe_load((SCHEMAS / f"SSDA903_schema_{year}.yml").read_text("utf-8"))
    tables: dict[str, dict[str, Column]] = {}
    for table in TABLES:
        columns: dict[str, Column] = {}
        for name, rule in data["column_map"][table].items():
            if "date" in rule:
                kind = "date"
            elif "category" in rule:
                kind = "category"
            else:
                kind = "string"
            # One code in the 2024 spec carries a stray space ("PCCHAN "): codes are compared
            # stripped, as cells are.
            codes = frozenset(str(c["code"]).strip() for c in rule.get("category") or ())
            columns[name] = Column(name, kind, codes, rule.get("canbeblank") is True)
        tables[table] = columns
    return tables


def year_for(names: list[str]) -> int:
    """The spec year a return's file names give (``SSDA903_2020_episodes.csv``), or the
    newest bundled one when they name none (or only years with no spec)."""
    named = {int(y) for name in names for y in _YEAR.findall(Path(name).name)}
    known = [y for y in named if y in years()]
    return max(known) if known else years()[-1]


def table_of(name: str) -> str | None:
    """Which table a file holds, by its name: ``header.csv``, ``SSDA903_2020_Episodes.CSV``."""
    path = Path(name)
    if path.suffix.lower() != ".csv":
        return None
    stem = path.stem.lower()
    if any(stem.endswith(other) for other in _NOT_TABLES):
        return None
    for key, table in _STEMS.items():
        if stem == key or re.search(rf"[^a-z]{key}$", stem):
            return table
    return None


@dataclass(frozen=True)
class TableFile:
    table: str
    name: str
    data: bytes


def _rejected(where: str, field_name: str, rule: str, message: str) -> FileRejected:
    return FileRejected(Problem(where=where, field=field_name, rule=rule, message=message))


def _add(found: dict[str, TableFile], table: str, name: str, data: bytes, where: str) -> None:
    if table in found:
        raise _rejected(
            where,
            name,
            "duplicate",
            f"Two files hold the {table} table ({found[table].name} and {name}): keep one",
        )
    found[table] = TableFile(table, name, data)


def find_tables(path: Path) -> dict[str, TableFile]:
    """The table files at ``path`` (a ZIP of them, or a folder holding them), by table.

    Raises :class:`FileRejected` when ``path`` is neither, a table is there twice or too
    big, or Header or Episodes is missing.
    """
    path = Path(path)
    found: dict[str, TableFile] = {}
    where = path.name
    if path.is_dir():
        for child in sorted(path.iterdir()):
            table = table_of(child.name) if child.is_file() else None
            if table is None:
                continue
            if child.stat().st_size > MAX_TABLE_BYTES:
                raise _rejected(child.name, "", "size", "The file is too big to import")
            _add(found, table, child.name, child.read_bytes(), child.name)
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                if problem := files.archive_problem(archive):
                    raise _rejected(where, "", "size", problem)
                for info in archive.infolist():
                    table = None if info.is_dir() else table_of(info.filename)
                    if table is None:
                        continue
                    name = Path(info.filename).name
                    if info.file_size > MAX_TABLE_BYTES:
                        raise _rejected(name, "", "size", "The file is too big to import")
                    _add(found, table, name, archive.read(info), f"{where}: {name}")
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise _rejected(where, "", "zip", f"The ZIP file cannot be read ({error})") from None
    elif path.is_file():
        raise _rejected(
            where, "", "format", "Give a ZIP of the SSDA903 tables, or a folder holding them"
        )
    else:
        raise _rejected(where, "", "missing", "There is no file or folder here")
    for table in REQUIRED_TABLES:
        if table not in found:
            raise _rejected(
                where,
                table,
                "required",
                f"No {table} table: add {table.lower()}.csv (or a name ending "
                f"_{table.lower()}.csv)",
            )
    return found


def parse_date(text: str) -> dt.date:
    """``"07/04/2016"`` to 7 April 2016; :class:`ValueError` saying why for anything else."""
    if not isinstance(text, str):
        raise ValueError("a date must be text")
    match = _DATE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date as dd/mm/yyyy")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text.strip()} is not a real date") from None


@dataclass
class Row:
    """One record of a table: its first line in the file, its cells (dates as dates,
    blanks as ``None``), and whether every cell passed."""

    table: str
    file: str
    line: int
    values: dict[str, Any]
    ok: bool = True
    problems: list[Problem] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"

    @property
    def child(self) -> str:
        value = self.values.get("CHILD")
        return value if isinstance(value, str) else ""

    def problem(self, column: str, rule: str, message: str) -> Problem:
        found = Problem(self.where, column, rule, message, self.child)
        self.problems.append(found)
        self.ok = False
        return found


def _decode(file: TableFile) -> str:
    data = file.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        start_of_line = before.rfind(b"\n") + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
        column_index = data[start_of_line : error.start].count(b",")
        column = header[column_index] if column_index < len(header) else ""
        raise _rejected(
            f"{file.name} line {line}",
            column,
            "encoding",
            f"The file is not UTF-8 (byte {data[error.start]:#04x} in this field): "
            "save it as UTF-8 CSV and import it again",
        ) from None


def _records(file: TableFile, text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _rejected(
            f"{file.name} line {line}", "", "format", "The file holds a NUL byte: is it a CSV?"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _rejected(
                f"{file.name} line {reader.line_num}",
                "",
                "format",
                f"The CSV cannot be read here ({error}): is the file cut short?",
            ) from None
        yield start, record
        start = reader.line_num + 1


def _cell(row: Row, column: Column, raw: str) -> Any:
    value = raw.strip()
    if not value:
        if not column.blank_ok:
            row.problem(column.name, "required", f"{column.name} is blank: it must be given")
        return None
    if column.kind == "date":
        try:
            return parse_date(value)
        except ValueError as error:
            row.problem(column.name, "date", str(error))
            return None
    if column.kind == "category" and value not in column.codes:
        allowed = ", ".join(sorted(column.codes))
        row.problem(column.name, "code", f"{value!r} is not a {column.name} code ({allowed})")
        return None
    return value


def read_rows(
    file: TableFile, columns: dict[str, Column], problem: Callable[[Problem], None]
) -> list[Row]:
    """Every record of ``file`` checked against ``columns``; each problem found goes to
    ``problem`` as well as onto its row. Raises :class:`FileRejected` for a file that
    cannot be read: not UTF-8, empty, not CSV, or a column missing."""
    text = _decode(file)
    records = _records(file, text)
    first = next(records, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise _rejected(f"{file.name} line 1", "", "empty", "The file is empty: no header row")
    header = [cell.strip().upper() for cell in first[1]]
    missing = [name for name in columns if name not in header]
    if missing:
        raise _rejected(
            f"{file.name} line 1",
            ", ".join(missing),
            "schema",
            f"The {file.table} table has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}",
        )
    position = {name: header.index(name) for name in columns}
    rows: list[Row] = []
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue  # a blank line (often the last) is no record
        row = Row(file.table, file.name, line, {})
        if len(record) < len(header):
            child = record[position["CHILD"]] if position["CHILD"] < len(record) else ""
            row.values["CHILD"] = child.strip()
            lost = header[len(record)]
            row.problem(
                lost,
                "truncated",
                f"The record has {len(record)} fields where the header has {len(header)}: "
                "is the file cut short?",
            )
        elif len(record) > len(header):
            row.values["CHILD"] = record[position["CHILD"]].strip()
            row.problem(
                "",
                "columns",
                f"The record has {len(record)} fields where the header has {len(header)}",
            )
        else:
            for name, column in columns.items():
                row.values[name] = _cell(row, column, record[position[name]])
        for found in row.problems:
            problem(found)
        rows.append(row)
    if not rows and file.table in REQUIRED_TABLES:
        # A return with no missing episodes may send a Missing table of its header alone.
        raise _rejected(f"{file.name} line 2", "", "empty", "The file has a header but no records")
    return rows
