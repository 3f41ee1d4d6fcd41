"""Properties of the SSDA903 table reader: whatever the bytes, it answers with rows and
problems, or refuses the file; it never fails with anything else."""

from __future__ import annotations

import csv
import datetime as dt
import io

from hypothesis import given
from hypothesis import strategies as st

from locus.interchange.core import FileRejected, Problem
from locus.interchange.ssda903_tables import TableFile, parse_date, read_rows, spec

EPISODES = spec(2024)["Episodes"]
HEADER_LINE = ",".join(EPISODES)

# Cells near the real ones, so that most records get past the header and the field count.
cell = st.one_of(
    st.sampled_from(["", "S1001", "C2", "U6", "PR1", "X1", "E8 1DY", "Q7", "31/02/2025"]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}"),
    st.text(max_size=12),
)


def as_csv(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


record = st.lists(cell, min_size=0, max_size=len(EPISODES) + 2).map(as_csv)


def parses_or_refuses(data: bytes) -> None:
    found: list[Problem] = []
    try:
        rows = read_rows(TableFile("Episodes", "episodes.csv", data), EPISODES, found.append)
    except FileRejected as refused:
        assert isinstance(refused.problem, Problem)
        assert refused.problem.where.startswith("episodes.csv")
        return
    assert found == [p for row in rows for p in row.problems]
    for row in rows:
        assert row.ok == (not row.problems)
        for problem in row.problems:
            assert problem.where == f"episodes.csv line {row.line}"
        if row.ok:
            assert set(row.values) == set(EPISODES)
            for name in ("DECOM", "DEC"):
                assert row.values[name] is None or isinstance(row.values[name], dt.date)


@given(st.lists(record, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_records_of_near_real_cells_parse_or_refuse(
    lines: list[str], newline: str, bom: bool
) -> None:
    text = newline.join([HEADER_LINE, *lines])
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    parses_or_refuses(data)


@given(st.binary(max_size=400))
def test_any_bytes_parse_or_refuse(data: bytes) -> None:
    parses_or_refuses(data)
    parses_or_refuses(HEADER_LINE.encode() + b"\n" + data)


@given(st.one_of(st.text(max_size=20), st.from_regex(r"\A[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\Z")))
def test_a_date_parses_or_says_why(text: str) -> None:
    try:
        day = parse_date(text)
    except ValueError as error:
        assert str(error)
    else:
        assert [int(p) for p in text.strip().split("/")] == [day.day, day.month, day.year]


@given(st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
def test_every_real_date_reads_back(day: dt.date) -> None:
    assert parse_date(f"{day:%d/%m/%Y}") == day
