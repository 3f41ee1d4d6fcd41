"""Working-day deadlines for context casework.

Statutory-style timescales are counted in working days (Monday to Friday, not
bank holidays in England and Wales); reviews are counted in weeks. Each
deadline is computed once, when a record enters the state that starts the
clock, and stored on the record as ``due_on``: "my work" is then one query,
and a later change of rules does not move deadlines already given.

The bank holidays are data (``data/bank_holidays_england_and_wales.json``,
2023-2028). Outside those years only weekends are skipped: extend the file
before then.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

HOLIDAYS_FILE = Path(__file__).parent / "data" / "bank_holidays_england_and_wales.json"

# The timescales a local authority works to; an authority with others changes them here.
REFERRAL_DECISION_WORKING_DAYS = 1
ASSESSMENT_WORKING_DAYS = 45
CONFERENCE_WORKING_DAYS = 15
REVIEW_WEEKS = 12


@cache
def bank_holidays() -> frozenset[dt.date]:
    data = json.loads(HOLIDAYS_FILE.read_text())
    return frozenset(dt.date.fromisoformat(day) for day in data["dates"])


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` (which is not counted).

    A referral received on a Friday, or on a Saturday, with one working day to
    decide is due on the Monday (the Tuesday when Monday is a bank holiday).
    """
    if days < 0:
        raise ValueError("count working days forwards")
    day = start
    while days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def within_weeks(start: dt.date, weeks: int) -> dt.date:
    """The last working day within ``weeks`` weeks of ``start``.

    "A review within 12 weeks" must not land on a bank holiday, and moving it
    later would break the 12 weeks, so it moves earlier.
    """
    day = start + dt.timedelta(weeks=weeks)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def referral_due(received_on: dt.date) -> dt.date:
    return add_working_days(received_on, REFERRAL_DECISION_WORKING_DAYS)


def assessment_due(decided_on: dt.date) -> dt.date:
    return add_working_days(decided_on, ASSESSMENT_WORKING_DAYS)


def conference_due(assessment_approved_on: dt.date) -> dt.date:
    return add_working_days(assessment_approved_on, CONFERENCE_WORKING_DAYS)


def review_due(from_day: dt.date) -> dt.date:
    return within_weeks(from_day, REVIEW_WEEKS)
