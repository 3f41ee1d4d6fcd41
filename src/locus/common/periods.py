"""Periods: records that hold from a start day to an end day, or open-ended.

Allocations, legal-status episodes, school rolls, peer relationships, group memberships
and profile items are all periods. They are read two ways, and only through here:

* **current**: the period has no end recorded. An end date takes effect at once
  (``common.services.check_period``: an end is recorded on the day, never in advance),
  so what the scopes and today's pages read is "no end yet", whatever the day.
* **open on a day**: the period held on ``day``, for a map or a roll as it stood. It had
  started (the start day counts) and had not ended before it: the end day still counts,
  because on the day a period is closed or handed over both the old and the new one held.

Each period model's manager is a :class:`PeriodQuerySet` naming its start and end fields;
a read through a relation (people by their allocations, say) takes the same condition as
a ``Q`` from :meth:`PeriodQuerySet.current_q` or :meth:`PeriodQuerySet.open_on_q`.
"""

from __future__ import annotations

import datetime as dt
from typing import Self, TypeVar

from django.db import models
from django.db.models import Q

_M = TypeVar("_M", bound=models.Model)


def _path(through: str, name: str) -> str:
    return f"{through}__{name}" if through else name


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

    def open_on_q(self, day: dt.date, *, through: str = "") -> Q:
        """Started on or before ``day``, and not ended before it (the end day counts)."""
        end = _path(through, self.end_field)
        return Q(**{_path(through, f"{self.start_field}__lte"): day}) & (
            Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
        )

    def current(self) -> Self:
        return self.filter(self.current_q())

    def open_on(self, day: dt.date) -> Self:
        return self.filter(self.open_on_q(day))
