"""Periods: records that hold from a start day to an end day, or open-ended.

Allocations, legal-status episodes, school rolls, peer relationships, group memberships
and profile items are all periods. They are read these ways, and only through here:

* **current**: the period has no end recorded. An end date takes effect at once
  (``common.services.check_period``: an end is recorded on the day, never in advance),
  so what the scopes and today's pages read is "no end yet", whatever the day.
* **ended**: an end recorded, the other side of current (a roll's leavers, a group's past
  members, the ended relationships whose notes retention blanks).
* **open on a day**: the period held on ``day``, for a map or a roll as it stood. It had
  started (the start day counts) and had not ended before it: the end day still counts,
  because on the day a period is closed or handed over both the old and the new one held.
* **open during a span**: the period held on at least one day from ``first`` to ``last``
  (a return's year, a list's six months): it started by ``last`` and had not ended before
  ``first``. Records kept with other field names (a CIN episode's referral and closure
  dates, a visit plan's first and last days) take the same condition from :func:`during_q`.

The same readings of dates already loaded are :func:`held_on` and :func:`held_during`.

A moment (an incident, a sharing, an audit event) falls on a span of days, the first and
last counted, by local time, through :func:`on_days_q`: the filters on a list's dates.

Each period model's manager is a :class:`PeriodQuerySet` naming its start and end fields;
a read through a relation (people by their allocations, say) takes the same condition as
a ``Q`` from :meth:`PeriodQuerySet.current_q`, :meth:`PeriodQuerySet.ended_q` or
:meth:`PeriodQuerySet.open_on_q`.
"""

from __future__ import annotations

import datetime as dt
from typing import Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

_M = TypeVar("_M", bound=models.Model)


def _path(through: str, name: str) -> str:
    return f"{through}__{name}" if through else name


def _span(first: dt.date, last: dt.date) -> None:
    for name, day in (("first", first), ("last", last)):
        # A datetime is a date to isinstance, and compares wrongly with the date fields.
        if type(day) is not dt.date:
            raise TypeError(f"{name}: a date is needed, not {type(day).__name__}")
    if first > last:
        raise ValueError(f"first, last: the span ends ({last}) before it starts ({first})")


def during_q(
    first: dt.date, last: dt.date, *, start: str = "start", end: str = "end", through: str = ""
) -> Q:
    """Held on some day from ``first`` to ``last`` (both count): started by ``last``, and
    with no end or an end on or after ``first``; ``start`` and ``end`` name the fields."""
    _span(first, last)
    ended = _path(through, end)
    return Q(**{_path(through, f"{start}__lte"): last}) & (
        Q(**{f"{ended}__isnull": True}) | Q(**{f"{ended}__gte": first})
    )


def held_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """A loaded period held on ``day``: :meth:`PeriodQuerySet.open_on` of its dates."""
    return start <= day and (end is None or end >= day)


def held_during(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> bool:
    """A loaded period held on some day from ``first`` to ``last``: :func:`during_q`."""
    _span(first, last)
    return start <= last and (end is None or end >= first)


class PeriodQuerySet(models.QuerySet[_M, _M]):
    """A period model's rows, read as current or as open on a day.

    A model whose fields are not called ``start`` and ``end`` subclasses this and sets
    :attr:`start_field` and :attr:`end_field`.
    """

    start_field = "start"
    end_field = "end"

    def current_q(self, *, through: str = "") -> Q:
        """No end recorded; ``through`` is the relation to reach the period by, e.g.
        ``"allocations"`` when filtering people (keep it in the same ``filter()`` call
        as the relation's other conditions, so that they apply to the same row)."""
        return Q(**{_path(through, f"{self.end_field}__isnull"): True})

    def ended_q(self, *, through: str = "") -> Q:
        """An end recorded: the period is over (or ends today), for a list of leavers or
        of ended records."""
        return Q(**{_path(through, f"{self.end_field}__isnull"): False})

    def open_on_q(self, day: dt.date, *, through: str = "") -> Q:
        """Started on or before ``day``, and not ended before it (the end day counts)."""
        end = _path(through, self.end_field)
        return Q(**{_path(through, f"{self.start_field}__lte"): day}) & (
            Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
        )

    def open_during_q(self, first: dt.date, last: dt.date, *, through: str = "") -> Q:
        """Held on some day from ``first`` to ``last`` (both count)."""
        return during_q(first, last, start=self.start_field, end=self.end_field, through=through)

    def current(self) -> Self:
        return self.filter(self.current_q())

    def ended(self) -> Self:
        return self.filter(self.ended_q())

    def open_on(self, day: dt.date) -> Self:
        return self.filter(self.open_on_q(day))

    def open_during(self, first: dt.date, last: dt.date) -> Self:
        return self.filter(self.open_during_q(first, last))


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def on_days_q(field: str, first: dt.date | None, last: dt.date | None) -> Q:
    """Moments in the datetime ``field`` on the days ``first`` to ``last``, both counted, by
    local time; either may be ``None`` (no bound). The bounds are aware datetimes (local
    midnights), not dates, so an index on the field is used. A last day of 31 December 9999
    (a real date a form accepts) has no day after it: it bounds nothing."""
    for name, day in (("first", first), ("last", last)):
        if day is not None and (not isinstance(day, dt.date) or isinstance(day, dt.datetime)):
            raise TypeError(f"{name} must be a date or None, not {type(day).__name__}")
    q = Q()
    if first is not None:
        q &= Q(**{f"{field}__gte": start_of_day(first)})
    if last is not None and last < dt.date.max:
        q &= Q(**{f"{field}__lt": start_of_day(last + dt.timedelta(days=1))})
    return q
