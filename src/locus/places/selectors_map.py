"""Reads for the borough map: the borough's outline and postcode sectors (the same for
everybody, cached), and what one viewer may see on it (docs/borough-map.md).

What is counted, and where (RULES.md, "The borough map"):

* an incident is counted as the contexts list counts it: every unrestricted incident at a
  public place (an aggregate that helps find hotspots), and at a home or a peer group,
  or when restricted, only an incident the viewer may see;
* and only where the viewer may see *where* it happened: at a place with a point whose
  address the viewer sees. An incident at a home whose address is withheld from the
  viewer is neither a point nor part of its sector's count, even when the viewer may
  read the incident itself: a sector's count going up by one would say which sector
  the home is in. It is counted among those "not on the map", which names no place;
  so is a missing episode recorded without a place, counted only where the viewer may
  read it (it is at no public place).

A count per sector therefore holds nothing the viewer could not add up from the places
list and the pages they may open, so no count needs suppressing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from locus.access import places as access_places
from locus.access import scopes
from locus.access.models import Worker
from locus.analysis.areas import AreaShapes, area_shapes
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.common.modelkit import choice_values
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.places import postcodes
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind

# At most this many places are drawn and listed, the busiest first: the page stays fast
# and the map readable, and the page says how many more there are.
MAX_PLACES = 150

# The time windows offered, in days (None: all time); the first is the default.
WINDOWS: dict[str, tuple[str, int | None]] = {
    "13w": ("Last 13 weeks", 91),
    "4w": ("Last 4 weeks", 28),
    "52w": ("Last 52 weeks", 364),
    "all": ("All time", None),
}

# The sector shading: pale to dark, each passing contrast against its neighbour and the
# lightest still visible on white; a sector with none stays unfilled. The legend gives
# each class's range in words, and the table gives every count.
SHADES = ("#d2e2f1", "#8fb6dc", "#4a88c4", "#1d5a96", "#0b2f57")

# Kinds drawn nowhere: a group is people, not a place; an online space has no point.
NOT_PLACED_KINDS = (ContextKind.PEER_GROUP, ContextKind.ONLINE)

_CACHE_VERSION = 1


def sector_of(postcode: str) -> str:
    """A postcode's sector: its outward code and the first digit of the inward one
    (``"SE15 4AB"`` is in ``"SE15 4"``)."""
    outward, inward = postcodes.normalise(postcode).split(" ")
    return f"{outward} {inward[0]}"


@dataclass(frozen=True)
class Borough:
    """The borough's shapes and the code of each sector (``shapes.areas[i]`` is
    ``sectors[i]``); ``geojson`` the shapes as the page's script reads them."""

    sectors: list[str]
    shapes: AreaShapes
    geojson: str = field(repr=False)


def _rings(rings: list[np.ndarray]) -> list[list[list[float]]]:
    # Five decimals of a degree is about a metre: plenty for a 30 m grid, and small JSON.
    return [np.round(ring, 5).tolist() for ring in rings]


def _build_borough() -> Borough:
    letters = tuple(x.strip() for x in settings.LOCUS_BOROUGH_POSTCODE_LETTERS.split(",") if x)
    points = postcodes.postcodes_in(settings.LOCUS_BOROUGH_LAUA, letters)
    if not points:
        raise RuntimeError(
            f"no postcodes for local authority {settings.LOCUS_BOROUGH_LAUA!r} under "
            f"{letters}: check LOCUS_BOROUGH_LAUA and LOCUS_BOROUGH_POSTCODE_LETTERS"
        )
    sectors = sorted({sector_of(p.postcode) for p in points})
    index = {code: i for i, code in enumerate(sectors)}
    shapes = area_shapes(
        [p.latitude for p in points],
        [p.longitude for p in points],
        [index[sector_of(p.postcode)] for p in points],
        len(sectors),
    )
    geojson = json.dumps(
        {
            "outline": _rings(shapes.outline),
            "sectors": [
                {"code": code, "rings": _rings(rings)}
                for code, rings in zip(sectors, shapes.areas, strict=True)
            ],
        },
        separators=(",", ":"),
    )
    return Borough(sectors=sectors, shapes=shapes, geojson=geojson)


def borough() -> Borough:
    """The borough's outline and sectors, built once and kept in the shared cache (the
    same for every viewer: nothing in it is about a person or a place)."""
    key = (
        f"places:borough:{_CACHE_VERSION}:{settings.LOCUS_BOROUGH_LAUA}:"
        f"{settings.LOCUS_BOROUGH_POSTCODE_LETTERS}"
    )
    found = _BUILT.get(key) or cache.get(key)
    if not isinstance(found, Borough):
        found = _build_borough()
        cache.set(key, found, timeout=None)
    _BUILT[key] = found
    return found


# This process's copy, so that a page does not unpickle the shapes from the shared cache.
_BUILT: dict[str, Borough] = {}


def check_may_see_map(viewer: Worker) -> None:
    """The map (and the hotspots, ``selectors_hotspots``) shows places and counts from case
    records: a worker who sees none (an auditor) is answered as for any record they may not
    see."""
    if not scopes.sees_case_records(viewer):
        raise NotPermitted("the borough map")


@dataclass(frozen=True)
class MapFilters:
    window: str = "13w"
    kind: str = ""
    role: str = ""

    @classmethod
    def from_query(cls, query: Any) -> MapFilters:
        """The filters from a page's query string; anything not offered is ignored."""
        window = query.get("window", "")
        kind = query.get("kind", "")
        role = query.get("role", "")
        return cls(
            window=window if window in WINDOWS else "13w",
            kind=kind if kind in choice_values(IncidentKind) else "",
            role=role if role in choice_values(InvolvementRole) else "",
        )

    @property
    def since(self) -> dt.date | None:
        days = WINDOWS[self.window][1]
        return None if days is None else clock.today() - dt.timedelta(days=days - 1)

    def as_detail(self) -> dict[str, str]:
        return {"window": self.window, "kind": self.kind, "role": self.role}


@dataclass
class MapPlace:
    id: int
    name: str
    kind: str
    sector: str
    count: int
    latitude: float
    longitude: float
    end: tuple[float, float] | None


@dataclass
class MapSector:
    code: str
    count: int
    shade: int  # index into SHADES, -1 for none


@dataclass
class BoroughMap:
    filters: MapFilters
    places: list[MapPlace]
    places_total: int
    sectors: list[MapSector]
    legend: list[tuple[str, str]]  # (shade, words)
    on_map: int
    outside: int  # placed, but outside the borough's outline
    not_placed: int  # online, in a group, without a point, or address withheld

    @property
    def shown_ids(self) -> list[int]:
        return [p.id for p in self.places]

    @property
    def sectors_with_incidents(self) -> list[MapSector]:
        """The sectors the page lists: most of a borough's are empty under narrow filters,
        and the page says how many (``sectors_without_incidents``) rather than list them."""
        return [s for s in self.sectors if s.count]

    @property
    def sectors_without_incidents(self) -> int:
        return sum(1 for s in self.sectors if not s.count)

    def layers(self) -> dict[str, Any]:
        """What the page's script draws (json_script), and only that: the places as the
        places table lists them, and the shade of each sector with incidents (an index into
        ``shades``; a sector not given is unfilled). A sector's count is in the sectors
        table only: the sectors are pictures, drawn by their shade."""
        return {
            "places": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "sector": p.sector,
                    "count": p.count,
                    "at": [round(p.latitude, 5), round(p.longitude, 5)],
                    "end": [round(x, 5) for x in p.end] if p.end else None,
                    "url": reverse("context", args=[p.id]),
                }
                for p in self.places
            ],
            "shaded": {s.code: s.shade for s in self.sectors if s.shade >= 0},
            "shades": list(SHADES),
            "shapes": reverse("borough-map-shapes"),
            "tiles": _tiles(),
        }


def _tiles() -> dict[str, str] | None:
    # The attribution is text under the map (the page's), not drawn by the script.
    url = settings.LOCUS_TILE_URL
    return {"url": url} if url else None


def placed_contexts(viewer: Worker) -> QuerySet[Context]:
    """The places ``viewer`` sees *and* sees where they are: a point, and an address not
    withheld from them."""
    return (
        scopes.contexts_visible_to(viewer)
        .filter(access_places.address_visible_q(viewer))
        .filter(latitude__isnull=False, longitude__isnull=False)
        .exclude(kind__in=NOT_PLACED_KINDS)
    )


def counted_incidents(viewer: Worker, filters: MapFilters) -> QuerySet[Incident]:
    """The incidents counted for ``viewer`` under ``filters``, placed or not (module notes)."""
    visible = scopes.incidents_visible_to(viewer).values("id")
    # A missing episode with no place is no public place's: counted only where seen, and
    # always among those "not on the map" (it has no point).
    public = Q(context__isnull=False) & ~Q(context__kind__in=RESTRICTED_KINDS)
    counted = Q(id__in=visible) | (public & Q(restricted=False))
    qs = Incident.objects.filter(counted)
    if filters.since is not None:
        midnight = dt.datetime.combine(filters.since, dt.time.min)
        qs = qs.filter(occurred_at__gte=timezone.make_aware(midnight))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.role:
        qs = qs.filter(id__in=Involvement.objects.filter(role=filters.role).values("incident_id"))
    return qs


def _shades(counts: list[int]) -> tuple[list[float], list[tuple[str, str]]]:
    """Upper bounds of up to five classes holding about as many shaded sectors each
    (quantiles of the non-zero counts: one busy sector does not leave the rest in the
    palest shade), and the legend in words."""
    nonzero = sorted(c for c in counts if c > 0)
    if not nonzero:
        return [], []
    bounds: list[int] = []
    for i in range(1, len(SHADES) + 1):
        bound = nonzero[math.ceil(len(nonzero) * i / len(SHADES)) - 1]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    legend = []
    low = 1
    for shade, high in zip(SHADES, bounds, strict=False):
        words = f"{low}" if low == high else f"{low} to {high}"
        legend.append((shade, f"{words} incident{'s' if high > 1 else ''}"))
        low = high + 1
    return [float(b) for b in bounds], legend


def borough_map(*, viewer: Worker, filters: MapFilters) -> BoroughMap:
    """What ``viewer`` sees on the borough map under ``filters``: the busiest places
    (at most ``MAX_PLACES``) and every sector's count, both as counted in the notes."""
    check_may_see_map(viewer)
    shapes = borough()
    incidents = counted_incidents(viewer, filters)
    placed = placed_contexts(viewer)
    by_place = dict(
        incidents.filter(context_id__in=placed.values("id"))
        .values("context_id")
        .annotate(n=Count("id"))
        .values_list("context_id", "n")
    )
    not_placed = incidents.count() - sum(by_place.values())
    rows = list(
        placed.filter(id__in=incidents.values("context_id")).values_list(
            "id", "name", "kind", "latitude", "longitude", "end_latitude", "end_longitude"
        )
    )
    located = shapes.shapes.locate(
        np.array([r[3] for r in rows], dtype=np.float64),
        np.array([r[4] for r in rows], dtype=np.float64),
    )
    kinds = dict(ContextKind.choices)
    per_sector: Counter[str] = Counter()
    places = []
    outside = 0
    for row, area in zip(rows, located.tolist(), strict=True):
        pk, name, kind, lat, lon, end_lat, end_lon = row
        count = by_place[pk]
        sector = shapes.sectors[area] if area >= 0 else ""
        if sector:
            per_sector[sector] += count
        else:
            outside += count
        end = (end_lat, end_lon) if end_lat is not None and end_lon is not None else None
        # placed_contexts() keeps only places with a point.
        assert lat is not None and lon is not None
        places.append(MapPlace(pk, name, kinds.get(kind, kind), sector, count, lat, lon, end))
    places.sort(key=lambda p: (-p.count, p.name, p.id))
    bounds, legend = _shades(list(per_sector.values()))
    sectors = [
        MapSector(
            code,
            per_sector[code],
            int(np.searchsorted(bounds, per_sector[code])) if per_sector[code] else -1,
        )
        for code in shapes.sectors
    ]
    return BoroughMap(
        filters=filters,
        places=places[:MAX_PLACES],
        places_total=len(places),
        sectors=sectors,
        legend=legend,
        on_map=sum(per_sector.values()),
        outside=outside,
        not_placed=not_placed,
    )
