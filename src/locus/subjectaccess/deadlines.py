"""The statutory deadline of a subject access request (UK GDPR Art 12(3)), as pure date sums.

A request is answered "without undue delay and in any event within one month of receipt";
the ICO reads a calendar month as ending on the corresponding day of the next month, or on
that month's last day when it has none (received 31 January, due 28 February, or 29 in a
leap year). A complex or numerous request may be extended by up to two further months,
counted from receipt in the same way (so the latest deadline is three months on).
"""

from __future__ import annotations

import calendar
import datetime as dt

MAX_EXTENSION_MONTHS = 2


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` moved on by ``months`` calendar months: the same day of the month, or the
    month's last day when it is shorter."""
    if not isinstance(day, dt.date):
        raise ValueError(f"day must be a date, not {type(day).__name__}")
    if not isinstance(months, int) or isinstance(months, bool) or months < 0:
        raise ValueError(f"months must be a whole number of months, 0 or more, not {months!r}")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_on(received_on: dt.date) -> dt.date:
    """The day a request received on ``received_on`` must be answered by."""
    return months_after(received_on, 1)


def extended_due_on(received_on: dt.date, months: int) -> dt.date:
    """The deadline after extending by ``months`` further months (1 or 2)."""
    if not isinstance(months, int) or not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"months must be 1 or {MAX_EXTENSION_MONTHS}, not {months!r}")
    return months_after(received_on, 1 + months)
