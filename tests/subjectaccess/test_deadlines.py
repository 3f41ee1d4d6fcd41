"""The statutory deadline: one calendar month, the month's last day when there is no
corresponding day, and up to two further months."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.subjectaccess.deadlines import due_on, extended_due_on, months_after

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 3, 3), D(2026, 4, 3)),  # the corresponding day
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February
        (D(2028, 1, 31), D(2028, 2, 29)),  # a leap year
        (D(2028, 1, 29), D(2028, 2, 29)),
        (D(2026, 1, 29), D(2026, 2, 28)),
        (D(2026, 3, 31), D(2026, 4, 30)),
        (D(2026, 12, 15), D(2027, 1, 15)),  # over the year's end
        (D(2026, 8, 31), D(2026, 9, 30)),
    ],
)
def test_a_request_is_due_one_calendar_month_on(received: dt.date, due: dt.date) -> None:
    assert due_on(received) == due


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (D(2026, 1, 31), 1, D(2026, 3, 31)),  # counted from receipt, not from 28 February
        (D(2026, 1, 31), 2, D(2026, 4, 30)),
        (D(2027, 11, 30), 2, D(2028, 2, 29)),
        (D(2026, 11, 5), 2, D(2027, 2, 5)),
    ],
)
def test_an_extension_adds_one_or_two_months_from_receipt(
    received: dt.date, months: int, due: dt.date
) -> None:
    assert extended_due_on(received, months) == due


@pytest.mark.parametrize("months", [0, 3, -1])
def test_an_extension_is_one_or_two_months_only(months: int) -> None:
    with pytest.raises(ValueError, match="months"):
        extended_due_on(D(2026, 1, 1), months)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="day must be a date"):
        months_after("2026-01-01", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="months must be"):
        months_after(D(2026, 1, 1), -2)
