"""A synthetic population for the benchmarks: people, associations, places, incidents.

Everything is vectorised numpy with one seeded generator, so a scale and seed
always give the same data, and a million people take a few seconds.

The shape is meant to be realistic enough to exercise the algorithms the way
real data would:

* people live in *areas* of about 2,000 and belong to *peer groups* of 3 to 30
  within their area; how many associations a person has is skewed (lognormal
  sociability), so some have many;
* 60% of associations are within a peer group, 30% within the area, 10%
  anywhere; natures are 50% protective, 30% risk, 20% unclear; a quarter have
  ended;
* places belong to areas too, and incidents concentrate at *hot places*: the
  place's share falls off as rank^-0.8 within each block of 5,000 places (one
  borough's worth), so a national population has many boroughs' hot spots,
  not one giant one; 10% of incidents have no place;
* an incident involves 1 to 6 people (mean about 1.8): a first person, half
  the time from the place's area, and the others mostly from the first
  person's peer group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from locus.analysis.network import OPEN_END

__all__ = ["SCALES", "TODAY", "Scale", "Synthetic", "generate"]

TODAY = 20_454  # 2026-01-01 as days since 1970-01-01: fixed, so data do not drift with the clock
AREA_SIZE = 2_000
PLACES_PER_BOROUGH = 5_000
HELD_SHARE = 0.4


@dataclass(frozen=True)
class Scale:
    people: int
    associations: int
    incidents: int


SCALES = {
    "tiny": Scale(300, 1_500, 1_200),  # for the test suite
    "small": Scale(2_000, 10_000, 8_000),
    "borough": Scale(50_000, 250_000, 200_000),
    "national": Scale(1_000_000, 5_000_000, 2_000_000),
}


@dataclass(frozen=True, eq=False)
class Synthetic:
    n: int
    src: NDArray[np.int32]
    dst: NDArray[np.int32]
    nature: NDArray[np.int8]
    since: NDArray[np.int32]
    until: NDArray[np.int32]
    involved_person: NDArray[np.int32]
    involved_incident: NDArray[np.int32]
    incident_place: NDArray[np.int32]
    incident_day: NDArray[np.int32]
    held: NDArray[np.int64]  # people whose case is held (about 40%), ascending


Progress = Callable[[str], None]


def _pick(rng: np.random.Generator, weights: NDArray[np.floating], size: int) -> NDArray[np.int64]:
    """``size`` indices drawn with probability proportional to ``weights``."""
    cumulative = np.cumsum(weights)
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")


def _member(
    rng: np.random.Generator, start: NDArray[np.int64], size: NDArray[np.int64]
) -> NDArray[np.int64]:
    """A uniform member of each block ``[start, start + size)``."""
    return start + (rng.random(start.size) * size).astype(np.int64)


def generate(scale: Scale, *, seed: int = 0, progress: Progress | None = None) -> Synthetic:
    """Generate a population of ``scale``; ``progress(step)`` is told each step as it starts."""
    rng = np.random.default_rng(seed)
    say = progress or (lambda step: None)
    n = scale.people

    say("people")
    area = np.arange(n) // AREA_SIZE
    area_start = area * AREA_SIZE
    area_size = np.minimum(AREA_SIZE, n - area_start)
    # Peer groups: consecutive runs of 3..30 people, cut at area boundaries.
    ends = np.cumsum(3 + rng.geometric(1 / 8, size=n).clip(max=27))
    starts = np.union1d(np.append(0, ends[ends < n]), np.arange(0, n, AREA_SIZE))
    group = np.searchsorted(starts, np.arange(n), side="right") - 1
    group_start = starts[group]
    group_size = np.append(starts, n)[group + 1] - group_start
    sociability = rng.lognormal(0.0, 0.8, size=n)

    say("associations")
    m = scale.associations
    u = _pick(rng, sociability, m)
    mode = rng.random(m)
    v = np.where(
        mode < 0.6,
        _member(rng, group_start[u], group_size[u]),
        np.where(mode < 0.9, _member(rng, area_start[u], area_size[u]), rng.integers(0, n, m)),
    )
    v = np.where(v == u, (u + 1) % n, v)
    nature = rng.choice(3, size=m, p=[0.5, 0.3, 0.2]).astype(np.int8)
    since = (TODAY - rng.integers(0, 5 * 365, m)).astype(np.int32)
    ended = rng.random(m) < 0.25
    until = np.where(ended, np.minimum(since + rng.integers(1, 700, m), TODAY - 1), OPEN_END)

    say("places")
    n_places = max(20, n // 10)
    n_areas = int(area.max()) + 1
    place_area = rng.integers(0, n_areas, n_places)
    rank = rng.permutation(n_places) % PLACES_PER_BOROUGH
    hotness = (rank + 1.0) ** -0.8

    say("incidents")
    k = scale.incidents
    place = _pick(rng, hotness, k)
    place = np.where(rng.random(k) < 0.1, -1, place)
    day = (TODAY - rng.integers(0, 3 * 365, k)).astype(np.int32)

    say("involvements")
    size = np.minimum(rng.geometric(0.55, size=k), 6)
    incident = np.repeat(np.arange(k), size)
    first_of = np.cumsum(size) - size
    lead = _pick(rng, sociability, k)
    local = (place >= 0) & (rng.random(k) < 0.5)
    home = place_area[np.maximum(place, 0)] * AREA_SIZE
    lead = np.where(local, np.minimum(home + rng.integers(0, AREA_SIZE, k), n - 1), lead)
    lead_of = lead[incident]
    others = np.where(
        rng.random(incident.size) < 0.7,
        _member(rng, group_start[lead_of], group_size[lead_of]),
        _member(rng, area_start[lead_of], area_size[lead_of]),
    )
    person = np.where(np.arange(incident.size) == first_of[incident], lead_of, others)
    pairs = np.unique(person * k + incident)
    person, incident = pairs // k, pairs % k

    say("caseloads")
    held = np.flatnonzero(rng.random(n) < HELD_SHARE)
    return Synthetic(
        n=n,
        src=u.astype(np.int32),
        dst=v.astype(np.int32),
        nature=nature,
        since=since,
        until=until.astype(np.int32),
        involved_person=person.astype(np.int32),
        involved_incident=incident.astype(np.int32),
        incident_place=place.astype(np.int32),
        incident_day=day,
        held=held,
    )
