"""Writing rows as CSV or XLSX, each cell made safe for a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some a tab or a
carriage return) as a formula: a name typed as ``=HYPERLINK(...)`` would run on the desk of
whoever opens the export. Every text cell that starts so is written with a leading ``'``, which
spreadsheets take as "this is text". Numbers and dates are written as what they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook

from locus.common.spreadsheet import safe_text

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An XLSX sheet's name: at most 31 characters, none of these.
_SHEET_BANNED = str.maketrans({c: " " for c in "[]:*?/\\"})


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


def safe_cell(value: object) -> object:
    """``value`` as a cell: text starting like a formula gets a leading ``'``; None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | dt.date):
        return value
    return safe_text(str(value))


def _text(value: object) -> str:
    cell = safe_cell(value)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ", timespec="minutes")
    return cell.isoformat() if isinstance(cell, dt.date) else str(cell)


Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]
"""A sheet: its name, its column headings, its rows."""


def write_csv(out: IO[bytes], headings: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """One table as CSV (UTF-8 with a byte-order mark, so a spreadsheet reads the accents)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([_text(h) for h in headings])
    for row in rows:
        writer.writerow([_text(c) for c in row])
    text.detach()


def _xlsx_value(value: object) -> Any:
    cell = safe_cell(value)
    # A datetime from the clock is aware; a spreadsheet cell holds none: local wall time.
    if isinstance(cell, dt.datetime) and cell.tzinfo is not None:
        return timezone.localtime(cell).replace(tzinfo=None)
    return cell


def write_xlsx(out: IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Sheets as one XLSX workbook, streamed row by row (openpyxl's write-only mode)."""
    book = Workbook(write_only=True)
    for name, headings, rows in sheets:
        sheet = book.create_sheet(title=name.translate(_SHEET_BANNED)[:31])
        sheet.append([_xlsx_value(h) for h in headings])
        for row in rows:
            sheet.append([_xlsx_value(c) for c in row])
    if not book.worksheets:
        book.create_sheet(title="Empty")
    book.save(out)


def write(
    out: IO[bytes], fmt: str, title: str, headings: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """One table in ``fmt`` ("csv" or "xlsx")."""
    if check_format(fmt) == "csv":
        write_csv(out, headings, rows)
    else:
        write_xlsx(out, [(title, headings, rows)])
