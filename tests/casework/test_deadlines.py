"""Working-day deadlines: weekends and England and Wales bank holidays are skipped."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.casework.deadlines import (
    add_working_days,
    assessment_due,
    bank_holidays,
    conference_due,
    is_working_day,
    referral_due,
    review_due,
    within_weeks,
    working_days_between,
)

D = dt.date


def test_the_bank_holidays_cover_2023_to_2028_and_fall_on_weekdays() -> None:
    days = bank_holidays()
    assert {d.year for d in days} == set(range(2023, 2029))
    assert all(d.weekday() < 5 for d in days)  # substitute days replace weekend ones
    assert D(2026, 12, 28) in days  # Boxing Day 2026 is a Saturday: Monday instead
    assert D(2027, 12, 27) in days and D(2027, 12, 28) in days
    assert D(2023, 5, 8) in days  # the coronation


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 3, 10), D(2026, 3, 11)),  # Tuesday -> Wednesday
        (D(2026, 3, 13), D(2026, 3, 16)),  # Friday -> Monday
        (D(2026, 3, 14), D(2026, 3, 16)),  # Saturday -> Monday
        (D(2026, 4, 2), D(2026, 4, 7)),  # Thursday before Good Friday -> Tuesday after Easter
        (D(2026, 12, 24), D(2026, 12, 29)),  # Christmas Eve -> past Christmas and Boxing Day
        (D(2026, 8, 28), D(2026, 9, 1)),  # Friday before the August bank holiday
    ],
)
def test_a_referral_is_decided_within_one_working_day(received: dt.date, due: dt.date) -> None:
    assert referral_due(received) == due


def test_an_assessment_has_45_working_days_and_a_conference_15() -> None:
    # From Monday 23 March 2026, nine weeks of weekdays would end on Monday 25 May; Good
    # Friday, Easter Monday and both May bank holidays (the 25th is one) push it four days on.
    assert assessment_due(D(2026, 3, 23)) == D(2026, 5, 29)
    assert working_days_between(D(2026, 3, 23), D(2026, 5, 29)) == 45
    # Over Christmas, Boxing Day (on Monday 28th) and New Year: three days more.
    assert conference_due(D(2026, 12, 18)) == D(2027, 1, 13)
    assert working_days_between(D(2026, 12, 18), D(2027, 1, 13)) == 15


def test_a_review_is_within_twelve_weeks_on_a_working_day() -> None:
    assert review_due(D(2026, 3, 4)) == D(2026, 5, 27)  # a Wednesday, 84 days on
    # Twelve weeks from Monday 3 March 2025 is 26 May 2025, a bank holiday: the review
    # comes the Friday before, inside the twelve weeks.
    assert review_due(D(2025, 3, 3)) == D(2025, 5, 23)
    assert within_weeks(D(2026, 6, 6), 12) == D(2026, 8, 28)  # a Saturday start


def test_working_days() -> None:
    assert is_working_day(D(2026, 3, 13)) and not is_working_day(D(2026, 3, 14))
    assert not is_working_day(D(2026, 5, 25))
    assert add_working_days(D(2026, 3, 13), 0) == D(2026, 3, 13)
    assert working_days_between(D(2026, 3, 16), D(2026, 3, 13)) == 0
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(D(2026, 3, 13), -1)
