"""Reading the sharing register: the rows a viewer may read, filtered, and who they name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from locus.access import naming
from locus.access import sharing as rules
from locus.access.models import Agency, Worker
from locus.access.selectors import seen_lastingly, visible_person_ids
from locus.common.periods import on_days_q
from locus.people.models import Person
from locus.sharing.models import Recipient, Share


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    agency: Agency | None = None


def register(viewer: Worker, filters: Filters = Filters()) -> QuerySet[Share]:
    """The register rows ``viewer`` may read, newest first, with their recipients."""
    shares = Share.objects.all()
    if filters.kind:
        shares = shares.filter(kind=filters.kind)
    shares = shares.filter(on_days_q("at", filters.date_from, filters.date_to))
    if filters.agency is not None:
        shares = shares.filter(recipients__agency=filters.agency).distinct()
    return (
        rules.shares_visible_to(viewer, shares)
        .select_related("by", "by_team")
        .prefetch_related(Prefetch("recipients", Recipient.objects.select_related("agency")))
        .order_by("-at", "-id")
    )


def agencies() -> list[Agency]:
    return list(Agency.objects.order_by("name"))


@dataclass(frozen=True)
class Row:
    share: Share
    named: list[str]  # the people the viewer may see, by name
    unnamed: int  # how many more the row is about, whom the viewer may not see

    @property
    def about(self) -> str:
        parts = list(self.named)
        if self.unnamed:
            parts.append(naming.unseen_count(self.unnamed, child=False))
        return "; ".join(parts) or "Nobody named"

    @property
    def with_whom(self) -> str:
        return "; ".join(r.name for r in self.share.recipients.all()) or "Nobody recorded"

    @property
    def with_whom_short(self) -> str:
        """Who received it, in a few words: the people themselves when one or two, else how
        many from which organisations (the register's column; ``with_whom`` in its details)."""
        recipients = list(self.share.recipients.all())
        if len(recipients) <= 2:
            return self.with_whom
        places = sorted(
            {r.agency.name if r.agency else "a partner organisation" for r in recipients}
        )
        return f"{len(recipients)} people from {', '.join(places)}"


def rows(
    viewer: Worker, shares: Sequence[Share], *, lasting: bool = False
) -> tuple[list[Row], set[int]]:
    """The page's rows and the ids of the people they name to this viewer: two queries.
    ``lasting``: for a file, which keeps what it names for good, so a child seen only through
    a forum share (a meeting) or emergency access (break-glass) is counted, not named
    (``access.selectors.seen_lastingly``; ``access/RULES.md``: no list export carries them);
    the page names them while the sight lasts."""
    ids = {int(p) for s in shares for p in s.people}
    seen = seen_lastingly(viewer, ids) if lasting else visible_person_ids(viewer, ids)
    names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=seen)} if seen else {}
    out = []
    for share in shares:
        named = [names[p] for p in share.people if p in names]
        out.append(Row(share, named, len(share.people) - len(named)))
    return out, set(names)
