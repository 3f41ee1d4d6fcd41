"""Reading the audit trail (auditors and administrators; the view checks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from locus.access.models import Worker
from locus.audit import chain, verify
from locus.audit.models import AccessEvent, ChainCheck, ChangeEvent
from locus.common.periods import on_days_q

# The words of the trail's filters, in the order its line reads them: which list, then the
# search form's fields (``describe`` says any logged filters in a declared order, as a JSON
# object's keys come back from PostgreSQL by length and from SQLite as they were written).
FILTER_WORDS = ("show", "person", "worker", "record type", "record id", "from", "to")


@dataclass
class AuditFilter:
    """What the auditor searched for; every part optional."""

    person: int | None = None
    worker: str = ""
    record_type: str = ""
    record_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_text(self) -> dict[str, str]:
        """The filters set, as words for the trail's own log of reading it."""
        start, end = self.date_from, self.date_to
        values = (
            self.person,
            self.worker,
            self.record_type,
            self.record_id,
            start.isoformat() if start else None,
            end.isoformat() if end else None,
        )
        return {k: str(v) for k, v in zip(FILTER_WORDS[1:], values, strict=True) if v}

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.person is not None:
            # The people column holds ",12,15,": the commas keep 12 from matching 112.
            qs = qs.filter(people__contains=f",{self.person},")
        if self.worker:
            qs = qs.filter(actor__username=self.worker)
        if self.record_type:
            qs = qs.filter(record_type=self.record_type)
        if self.record_id is not None:
            qs = qs.filter(record_id=str(self.record_id))
        qs = qs.filter(on_days_q("at", self.date_from, self.date_to))
        return qs


def access_events(*, filters: AuditFilter) -> QuerySet[AccessEvent]:
    return filters.apply(AccessEvent.objects.select_related("actor").order_by("-at", "-id"))


def change_events(*, filters: AuditFilter) -> QuerySet[ChangeEvent]:
    return filters.apply(ChangeEvent.objects.select_related("actor").order_by("-at", "-id"))


def in_chunks(events: QuerySet, size: int) -> Iterator[list[Any]]:
    """``events`` read ``size`` at a time, for a download too long to hold at once."""
    found = events.iterator(chunk_size=size)
    while chunk := list(islice(found, size)):
        yield chunk


def events(*, which: str, filters: AuditFilter | None) -> QuerySet:
    """The reads or the changes matching ``filters`` (none when the filters were bad)."""
    if which == "changes":
        qs: QuerySet = change_events(filters=filters or AuditFilter())
    else:
        qs = access_events(filters=filters or AuditFilter())
    return qs if filters is not None else qs.none()


def worker_known(username: str) -> bool:
    """Whether a worker has this username (a trail filter names workers by username)."""
    return Worker.objects.filter(username=username).exists()


def last_check() -> ChainCheck | None:
    """The chain's latest verification (from the command or the page)."""
    return ChainCheck.objects.select_related("by").first()


def day_heads(*, since: dt.date | None = None, until: dt.date | None = None) -> list[chain.Head]:
    """Each stream's day heads (see :func:`locus.audit.verify.day_heads`)."""
    return verify.day_heads(since=since, until=until)


@dataclass(frozen=True)
class HeadRow:
    """A day head as the chain page lists it. ``below`` is an earlier day whose last row
    has a higher seq: rows dated that day were sealed after this day's last row (records
    entered after the event carry their own, earlier date), which the page explains so
    that it is not taken for tampering."""

    head: chain.Head
    below: dt.date | None = None


def day_heads_on_page(*, since: dt.date) -> list[HeadRow]:
    """The day heads from ``since``, newest day first, each marked where a day before it in
    its stream ends on a later seq (the seqs only ever grow in the order rows are sealed)."""
    rows = []
    highest: dict[str, tuple[int, dt.date]] = {}  # by stream: the highest head so far, its day
    for head in day_heads(since=since):  # oldest day first
        top = highest.get(head.stream)
        rows.append(HeadRow(head, top[1] if top and top[0] > head.seq else None))
        if top is None or head.seq > top[0]:
            highest[head.stream] = (head.seq, head.day)
    return sorted(rows, key=lambda r: (r.head.day, r.head.stream), reverse=True)
