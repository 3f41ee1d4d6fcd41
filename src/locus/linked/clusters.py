"""The borough's clusters of linked cases, worked out ahead by a background task and cached.

Working the clusters out takes seconds at borough size (every link between held children, then
the communities within them), too long for a page. So a task (``work_out_borough_clusters``, run
by ``locus worker``) works them out and keeps them in the shared cache, and the page reads them.

What is cached is the borough-wide structure only: which person ids fall in which cluster, their
agencies' ids and counts of each kind of evidence. No name, no holder, nothing that depends on
who asks. Each viewer's need to know is applied when the page is read (``selectors.fill_members``),
per request, exactly as if the clusters had been worked out there and then.

Staleness, cheaply: every write is a service that records a ``ChangeEvent``, so the clusters are
stamped with the id of the latest recorded change when their work began (the data version, one
lookup at the end of the change table's primary key). On read they are stale when a change to a
record that feeds the links (associations, incidents and who was involved, allocations, people,
workers and teams) has been recorded since: a range on that primary key from the stamp, so only
the changes since are read (and past ``LOOK_BACK`` of them, stale is assumed). A page that finds no
clusters, or stale ones, asks for them to be worked out (once per stamp and choice of window) and
says so; stale ones stay shown, marked, until the new ones are ready.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django_tasks import task

from locus.common import clock
from locus.linked import selectors
from locus.linked.borough_evidence import changed_since, data_version
from locus.linked.selectors import BoroughClusters

# How long "being worked out" holds before another request may ask again (a worker that died
# mid-task must not leave the page waiting for ever).
ASKED_SECONDS = 10 * 60
# At most this many workings-out wait or run at once, whoever asked: one worker paging through
# every window cannot keep the task worker busy for hours.
MAX_WAITING = 4
MAX_WINDOW_DAYS = 365


def cache_key(window_days: int, across_agencies: bool, with_weaker: bool) -> str:
    """The cache key for one choice of window and filters: made of checked numbers only, so no
    parameter of a request can name any other entry."""
    if type(window_days) is not int or not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise ValueError(f"window_days must be a whole number of days, not {window_days!r}")
    # "2": the version of the evidence's rules (``borough_evidence.STAMP_KEY``'s), so clusters
    # worked out before a release that changed what links are not read after it.
    flags = f"{int(bool(across_agencies))}:{int(bool(with_weaker))}"
    return f"linked-borough:2:{window_days}:{flags}"


@dataclass(frozen=True)
class WorkedOut:
    """What the cache holds: the unnamed clusters, the data version and when."""

    version: int
    at: dt.datetime
    clusters: BoroughClusters


@dataclass(frozen=True)
class BoroughPage:
    """What the page shows: the latest clusters worked out (if any), and whether newer ones
    are being worked out."""

    worked_out: WorkedOut | None
    being_worked_out: bool
    busy: bool = False  # newer clusters are needed but too many are being worked out already

    @property
    def clusters(self) -> BoroughClusters | None:
        return self.worked_out.clusters if self.worked_out else None


def slot_key(slot: int) -> str:
    return f"linked-borough:working:{slot}"


def _take_slot() -> int | None:
    """One of the ``MAX_WAITING`` places for a working-out, or None when all are taken."""
    for slot in range(MAX_WAITING):
        if cache.add(slot_key(slot), True, timeout=ASKED_SECONDS):
            return slot
    return None


@task()
def work_out_borough_clusters(
    window_days: int, across_agencies: bool, with_weaker: bool, slot: int | None = None
) -> int:
    """Work the clusters out and cache them; returns how many there are."""
    try:
        return _work_out(window_days, across_agencies, with_weaker)
    finally:
        if slot is not None:
            cache.delete(slot_key(slot))


def _work_out(window_days: int, across_agencies: bool, with_weaker: bool) -> int:
    key = cache_key(window_days, across_agencies, with_weaker)
    # Read before the records are: a change made while this runs leaves the result stale.
    version = data_version()
    clusters = selectors.borough_clusters(
        window_days=window_days, across_agencies=across_agencies, with_weaker=with_weaker
    )
    for cluster in clusters.clusters:
        # Nothing about a viewer goes into the shared cache (filled per request, at read).
        assert not cluster.members and not cluster.agencies and not cluster.workers
    # No expiry: the version says when it is out of date, and an old result is still shown
    # (marked so) while the new one is worked out.
    cache.set(key, WorkedOut(version, clock.now(), clusters), timeout=None)
    return len(clusters.clusters)


def borough_page(*, window_days: int, across_agencies: bool, with_weaker: bool) -> BoroughPage:
    """The clusters to show, as last worked out; asks for them to be worked out again when
    there are none or the records have changed since."""
    key = cache_key(window_days, across_agencies, with_weaker)
    worked_out = cache.get(key)
    if not isinstance(worked_out, WorkedOut):
        worked_out = None
    elif not changed_since(worked_out.version):
        return BoroughPage(worked_out, being_worked_out=False)
    # Once per stamp of what is shown (or none): ``add`` writes only when the key is absent.
    asked = f"{key}:asked:{worked_out.version if worked_out else 'none'}"
    if not cache.add(asked, True, timeout=ASKED_SECONDS):
        return BoroughPage(worked_out, being_worked_out=True)
    slot = _take_slot()
    if slot is None:
        cache.delete(asked)  # to be asked again once a place is free
        return BoroughPage(worked_out, being_worked_out=False, busy=True)
    work_out_borough_clusters.enqueue(window_days, across_agencies, with_weaker, slot=slot)
    # A backend that runs tasks at once (the immediate one) has them ready now.
    ready = cache.get(key)
    if isinstance(ready, WorkedOut):
        worked_out = ready
        if not changed_since(ready.version):
            return BoroughPage(ready, being_worked_out=False)
    return BoroughPage(worked_out, being_worked_out=True)
