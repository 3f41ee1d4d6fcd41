"""Hotspots in the borough (``locus.analysis.hotspots``), for the hotspot pages and a place's own.

Which incidents count, and why nobody learns anything from a hotspot that they could not see
already: only **incidents that are not restricted, at public places** (not a home or a peer
group, not a place whose address is withheld, not merged away) **with coordinates**. Those
are exactly the incidents every worker already sees counted on the contexts list (RULES.md,
counts), at places every worker already sees on a map. So:

* a restricted incident (police intelligence) never adds to a count or makes a cell hot;
* a home never does either, withheld address or not: a hot cell around a home would say
  where harm happens to a family, and the count would describe it;
* a hotspot is named after the nearest such public place, so no name is shown that the list
  of contexts does not show to everyone.

The computation is borough-wide and the same for every viewer (it names no child, and no place
a viewer may not see), so it is cached for the day (an hour at most, so new incidents show
within the hour): a cache, not state. Reads are scoped where they list records: the places
inside a hotspot that the viewer may see, and the incidents there the viewer may see. Like the
borough map, they are for workers who see case records: to anyone else (an auditor) the list
and every hotspot's page answer "not found" (``selectors_map.check_may_see_map``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404

from locus.access import scopes
from locus.access.models import Worker
from locus.analysis import geo
from locus.analysis import hotspots as analysis
from locus.common import clock
from locus.common.caching import cached
from locus.incidents.models import Incident
from locus.incidents.selectors import incidents_for
from locus.places.models import RESTRICTED_KINDS, Context
from locus.places.selectors_map import check_may_see_map

WEEKS = 12
RECENT_WEEKS = 4
CELL_M = 150.0
_CACHE_SECONDS = 60 * 60
_EPOCH = dt.date(1970, 1, 1)

# What each class says, for the pages (the rules are in locus.analysis.hotspots).
MEANINGS = {
    "new": "Hot in the last 4 weeks and not before.",
    "intensifying": "Hot, and a growing share of the borough's incidents week by week.",
    "persistent": "Hot over the 12 weeks, with no clear trend.",
    "fading": "Hot before the last 4 weeks, and not since (or a falling share week by week).",
}


@dataclass(frozen=True)
class Hotspot:
    """One hotspot, in numbers and in words. Places and times only."""

    key: str
    klass: str
    incidents: int
    ratio: float
    weeks: int
    weekly: tuple[int, ...]
    week_starts: tuple[dt.date, ...]
    anchor_id: int | None
    anchor_name: str
    place_ids: tuple[int, ...]
    cells: frozenset[tuple[int, int]]
    latitude: float
    longitude: float

    @property
    def words(self) -> str:
        """ "14 incidents within 150 m of Millfields Park in 12 weeks, 5 times the borough's
        rate"."""
        near = f" of {self.anchor_name}" if self.anchor_name else ""
        times = f"{self.ratio:.0f}" if self.ratio >= 10 else f"{self.ratio:.1f}".rstrip("0")
        times = times.rstrip(".")
        return (
            f"{self.incidents} incidents within {CELL_M:g} m{near} in {self.weeks} weeks, "
            f"{times} times the borough's rate"
        )

    @property
    def meaning(self) -> str:
        return MEANINGS[self.klass]

    @property
    def class_label(self) -> str:
        return self.klass.capitalize()

    @property
    def earlier(self) -> int:
        """Its incidents before the last ``RECENT_WEEKS`` weeks of the window."""
        return sum(self.weekly[:-RECENT_WEEKS])

    @property
    def recent(self) -> int:
        """Its incidents in the last ``RECENT_WEEKS`` weeks."""
        return sum(self.weekly[-RECENT_WEEKS:])

    @property
    def earlier_weeks(self) -> int:
        return self.weeks - RECENT_WEEKS

    @property
    def recent_weeks(self) -> int:
        return RECENT_WEEKS

    @property
    def earlier_rate(self) -> float:
        return self.earlier / self.earlier_weeks

    @property
    def recent_rate(self) -> float:
        return self.recent / RECENT_WEEKS

    @property
    def weeks_table(self) -> list[tuple[dt.date, int]]:
        return list(zip(self.week_starts, self.weekly, strict=True))


def counted_places() -> QuerySet[Context]:
    """The places whose incidents count towards hotspots (the module's notes)."""
    return Context.objects.filter(
        merge__isnull=True,
        address_withheld=False,
        latitude__isnull=False,
        longitude__isnull=False,
    ).exclude(kind__in=RESTRICTED_KINDS)


def borough_hotspots() -> list[Hotspot]:
    """The borough's hotspots over the last twelve weeks, strongest first (cached)."""
    today = clock.today()
    return cached(f"hotspots:{today.isoformat()}", lambda: _compute(today), timeout=_CACHE_SECONDS)


def _compute(today: dt.date) -> list[Hotspot]:
    places: list[tuple[int, str, float, float]] = list(
        counted_places().values_list("id", "name", "latitude", "longitude")  # type: ignore[arg-type]
    )
    if not places:
        return []
    ids = np.array([p[0] for p in places])
    east, north = geo.wgs84_to_bng([p[2] for p in places], [p[3] for p in places])
    at = {pid: i for i, pid in enumerate(ids.tolist())}
    since = today - dt.timedelta(days=7 * WEEKS + 1)
    rows = list(
        Incident.objects.filter(
            restricted=False,
            context_id__in=counted_places().values("id"),
            occurred_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC),
        )
        .annotate(day=TruncDate("occurred_at"))
        .values_list("context_id", "day")
    )
    where = np.array([at[c] for c, _ in rows], dtype=np.int64)
    found = analysis.hotspots(
        easting=east[where],
        northing=north[where],
        day=[(d - _EPOCH).days for _, d in rows],
        today=(today - _EPOCH).days,
        weeks=WEEKS,
        recent_weeks=RECENT_WEEKS,
        cell_m=CELL_M,
        # The study area is the borough's places, not only where incidents happened.
        area=(float(east.min()), float(north.min()), float(east.max()), float(north.max())),
    )
    place_cols = np.floor(east / CELL_M).astype(np.int64)
    place_rows = np.floor(north / CELL_M).astype(np.int64)
    starts = tuple(today - dt.timedelta(days=7 * (WEEKS - 1 - w) + 6) for w in range(WEEKS))
    out = []
    for k in range(len(found)):
        i, j = np.nonzero(found.label == k)
        cells = frozenset(zip((i + found.col0).tolist(), (j + found.row0).tolist(), strict=True))
        inside = [
            int(pid)
            for pid, c, r in zip(ids, place_cols, place_rows, strict=True)
            if (int(c), int(r)) in cells
        ]
        ce, cn = found.centre(k)
        nearest = int(np.argmin((east - ce) ** 2 + (north - cn) ** 2))
        lat, lon = geo.bng_to_wgs84(ce, cn)
        out.append(
            Hotspot(
                key=found.key(k),
                klass=found.class_name(k),
                incidents=int(found.incidents[k]),
                ratio=float(found.ratio[k]),
                weeks=WEEKS,
                weekly=tuple(int(v) for v in found.weekly[k]),
                week_starts=starts,
                anchor_id=int(ids[nearest]),
                anchor_name=places[nearest][1],
                place_ids=tuple(inside),
                cells=cells,
                latitude=float(lat),
                longitude=float(lon),
            )
        )
    return out


def hotspots_for(*, viewer: Worker) -> list[Hotspot]:
    """The borough's hotspots for ``viewer``'s list: the same for every worker who sees case
    records, and "not found" for anyone else (their counts come from case records)."""
    check_may_see_map(viewer)
    return borough_hotspots()


def hotspot(key: str) -> Hotspot:
    """The current hotspot with ``key``; 404 when there is none (any more)."""
    for found in borough_hotspots():
        if found.key == key:
            return found
    raise Http404("No such hotspot")


def hotspot_for_context(context: Context) -> tuple[str, str] | None:
    """``(class, words)`` of the hotspot ``context`` lies in, or None."""
    found = hotspot_containing(context)
    return None if found is None else (found.klass, found.words)


def hotspot_containing(context: Context) -> Hotspot | None:
    """The hotspot ``context`` lies in, or None: for the place's page, which links to it.
    Only a counted place can lie in one (a home never does: see the module's notes)."""
    if (
        context.is_restricted
        or context.address_withheld
        or context.latitude is None
        or context.longitude is None
    ):
        return None
    east, north = geo.wgs84_to_bng(context.latitude, context.longitude)
    cell = (int(np.floor(float(east) / CELL_M)), int(np.floor(float(north) / CELL_M)))
    return next((found for found in borough_hotspots() if cell in found.cells), None)


@dataclass
class HotspotDetail:
    hotspot: Hotspot
    places: list[Context]
    incidents: QuerySet[Incident]  # newest first; the page shows one page of them


def hotspot_detail(*, viewer: Worker, key: str) -> HotspotDetail:
    """A hotspot's page: its numbers, the places inside it the viewer may see, and the
    incidents there in the window that the viewer may see (newest first, to be paged); "not
    found" for a viewer who sees no case records, whatever the key."""
    check_may_see_map(viewer)
    found = hotspot(key)
    places = list(
        scopes.contexts_visible_to(viewer).filter(id__in=found.place_ids).order_by("name", "id")
    )
    visible = incidents_for(viewer=viewer, since=found.week_starts[0], until=clock.today()).filter(
        Q(context_id__in=[p.pk for p in places])
    )
    return HotspotDetail(hotspot=found, places=places, incidents=visible)
