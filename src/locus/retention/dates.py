"""When a record falls due under a rule: plain date arithmetic, no database.

Kept apart from the selectors so that each rule's due date can be checked on hand-built
cases (tests/retention/test_dates.py) and read in one place.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

from locus.retention.models import RULES, RuleKind, Unit


def later_by(day: dt.date, amount: int, unit: str) -> dt.date:
    """``day`` moved on by ``amount`` years, months or days. A 29 February moved to a year
    with none lands on the 28th (the last day of that month): never into March, so a record
    is not kept a day longer than its rule, nor purged a day early."""
    if not isinstance(day, dt.date):
        raise ValueError(f"day must be a date, not {day!r}")
    if type(amount) is not int or amount < 0:
        raise ValueError(f"amount must be a whole number, 0 or more, not {amount!r}")
    if unit == Unit.DAYS:
        return day + dt.timedelta(days=amount)
    if unit == Unit.YEARS:
        months = 12 * amount
    elif unit == Unit.MONTHS:
        months = amount
    else:
        raise ValueError(f"unit must be years, months or days, not {unit!r}")
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def by_rule(kind: str, day: dt.date, amounts: Mapping[str, int]) -> dt.date:
    """``day`` moved on by the rule ``kind`` as it is set (``amounts``)."""
    return later_by(day, amounts[kind], RULES[kind].unit)


def person_due(
    *,
    adult: bool,
    date_of_birth: dt.date | None,
    had_plan: bool,
    last_activity: dt.date,
    open_now: bool,
    retain_until: dt.date | None,
    amounts: Mapping[str, int],
) -> tuple[str, dt.date] | None:
    """The rule a person's record falls under and the day it falls due, or None while
    something about them is still open (an allocation, a legal-status episode, a school
    roll, an association or a group membership without an end): an open record is live work.

    * A child who ever had a plan is kept until their 25th birthday (``CHILD_PLAN``); one
      with no recorded date of birth cannot be counted so, and is kept as a child without a
      plan would be, from their last activity.
    * A child who never had a plan: 6 years after the last activity (``CHILD_NO_PLAN``).
    * An adult of concern: 6 years after the last activity (``ADULT``).
    * ``retain_until``, when a path recorded one on the person, is honoured: the record is
      kept until the later of it and the rule's day.
    """
    if open_now:
        return None
    if adult:
        kind: str = RuleKind.ADULT
        due = by_rule(kind, last_activity, amounts)
    elif had_plan and date_of_birth is not None:
        kind = RuleKind.CHILD_PLAN
        due = by_rule(kind, date_of_birth, amounts)
    else:
        kind = RuleKind.CHILD_NO_PLAN
        due = by_rule(kind, last_activity, amounts)
    if retain_until is not None and retain_until > due:
        due = retain_until
    return kind, due
