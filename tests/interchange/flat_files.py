"""Writing flat files for the import tests: the shipped examples, as CSV or as XLSX."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from locus.interchange.flat_read import parse_date

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "imports" / "examples"
# The order the data team imports them in: the people and places first, then what names them.
KINDS = ("people", "contexts", "associations", "incidents", "memberships")


def example_rows(kind: str) -> list[list[str]]:
    with (EXAMPLES / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _cell(text: str) -> object:
    """A value as a spreadsheet would hold it: dates as dates, whole numbers as numbers."""
    if parse_date(text) is not None and text[:1].isdigit():
        found = parse_date(text)
        assert found is not None
        return dt.datetime.combine(found, dt.time())
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    return text or None


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for i, row in enumerate(rows):
        sheet.append(row if i == 0 else [_cell(v) for v in row])
    book.save(path)
    return path


def with_column(rows: list[list[str]], column: str, line: int, value: str) -> list[list[str]]:
    """``rows`` with the cell of ``column`` on spreadsheet line ``line`` set to ``value``."""
    out = [list(r) for r in rows]
    out[line - 1][out[0].index(column)] = value
    return out
