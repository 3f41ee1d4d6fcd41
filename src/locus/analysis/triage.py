"""The order linked cases are listed in: by the kind and amount of evidence, never by a score.

Each link between two children rests on evidence of a few kinds (``locus.analysis.linked``).
A worker with hundreds of links must see the ones that rest on the strongest kind first. This
module puts links in *tiers* by the strongest kind of evidence they have, and orders them within
a tier by how much of that evidence there is and how recent it is. The result is an order and a
tier per link: no number is given to a child, and no kinds are added up into one (a link with
ten co-presences never passes a link with one recorded association that presents risk).

The tiers, strongest first:

0. ``RISK_ASSOCIATION``: a recorded direct association between the two that presents risk;
1. ``SHARED_INCIDENT``: both were involved in the same incident (within the tier, links with a
   shared incident of a harm kind come before those with only other kinds);
2. ``DIRECT``: another recorded direct association (protective or unclear);
3. ``ASSOCIATES``: two or more associates in common;
4. ``QUIET_PLACE``: at the same place within the time window, at a place that is not busy;
5. ``ONE_ASSOCIATE``: one associate in common;
6. ``BUSY_PLACE``: at the same place within the time window, only at busy places (places many
   children pass through, where being there together means little).

Within a tier: more evidence of the tier's kind first (for the co-presence tiers, of
co-presence at quiet places, then at any place), then more evidence of all kinds, then the more
recent latest evidence, then the order the links were given in (the sort is stable).

Cost: O(n log n) for n links (one ``np.lexsort``), plus O(m) for m co-presence rows when busy
places are given. Arguments are checked as given and a bad one raises ``ValueError`` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from locus.analysis import _checks as check

__all__ = [
    "ASSOCIATES",
    "BUSY_PLACE",
    "DIRECT",
    "ONE_ASSOCIATE",
    "QUIET_PLACE",
    "RISK_ASSOCIATION",
    "SHARED_INCIDENT",
    "STRONG_TIERS",
    "TIER_WORDS",
    "Triage",
    "strong",
    "triage",
]

RISK_ASSOCIATION = 0
SHARED_INCIDENT = 1
DIRECT = 2
ASSOCIATES = 3
QUIET_PLACE = 4
ONE_ASSOCIATE = 5
BUSY_PLACE = 6

# What each tier means, in the words a page shows (index = tier).
TIER_WORDS = (
    "Directly associated, and the association presents risk",
    "Involved in the same incident",
    "Directly associated",
    "Two or more associates in common",
    "At the same place around the same time",
    "One associate in common",
    "Only at the same busy places around the same time",
)
# Tiers shown by default; the weaker ones are summarised until asked for.
STRONG_TIERS = frozenset({RISK_ASSOCIATION, SHARED_INCIDENT, DIRECT, ASSOCIATES})

Ints = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Triage:
    """``order``: link indices, strongest evidence first (a permutation of ``0..n-1``);
    ``tier``: each link's tier (indexed like the input, not like ``order``)."""

    order: Ints
    tier: NDArray[np.int8]


# Counts of evidence are below this (a link table's are int32): checked before the cast, as a
# uint64 count past 2**63 would wrap negative, and the sum of four counts near it overflow.
_COUNT_LIMIT = 2**31


def _counts(values: ArrayLike, name: str, length: int | None) -> Ints:
    return check.integers(
        values, name, high=_COUNT_LIMIT, length=length, meaning="a count from 0 to below 2**31"
    ).astype(np.int64, copy=False)


def _at_most(part: Ints, whole: Ints, part_name: str, whole_name: str) -> None:
    over = np.flatnonzero(part > whole)
    if over.size:
        i = int(over[0])
        raise ValueError(
            f"{part_name} must be at most {whole_name} for every link, not {part[i]} > "
            f"{whole[i]} at link {i}"
        )


def _busy_counts(
    n: int,
    n_co_presence: Ints,
    busy: ArrayLike | None,
    co_presence_link: ArrayLike | None,
    co_presence_place: ArrayLike | None,
) -> Ints:
    """How many of each link's co-presences were at a busy place."""
    given = (co_presence_link is not None, co_presence_place is not None)
    if busy is None:
        if any(given):
            raise ValueError("busy must be given with co_presence_link and co_presence_place")
        return np.zeros(n, dtype=np.int64)
    if co_presence_link is None or co_presence_place is None:
        raise ValueError("co_presence_link and co_presence_place must be given with busy")
    flags = np.asarray(busy)
    if flags.ndim != 1 or flags.dtype != np.bool_:
        raise ValueError("busy must be a 1-d boolean array, one flag per place")
    link = check.integers(co_presence_link, "co_presence_link", high=n).astype(np.int64)
    place = check.integers(
        co_presence_place,
        "co_presence_place",
        high=flags.size,
        length=link.size,
        meaning=f"a place index in 0..{flags.size - 1}",
    )
    out = np.bincount(link[flags[place]], minlength=n).astype(np.int64)
    total = np.bincount(link, minlength=n)
    _at_most(total, n_co_presence, "the rows of co_presence_link", "n_co_presence")
    return out


def triage(
    *,
    n_direct: ArrayLike,
    n_risk_direct: ArrayLike,
    n_shared_incidents: ArrayLike,
    n_harm_incidents: ArrayLike,
    n_shared_associates: ArrayLike,
    n_co_presence: ArrayLike,
    latest_day: ArrayLike,
    busy: ArrayLike | None = None,
    co_presence_link: ArrayLike | None = None,
    co_presence_place: ArrayLike | None = None,
) -> Triage:
    """The order and tier of ``n`` links (see the module's docstring for the rule).

    One value per link in each of: ``n_direct`` (open direct associations between the two),
    ``n_risk_direct`` (those whose nature presents risk; at most ``n_direct``),
    ``n_shared_incidents`` (incidents both were involved in), ``n_harm_incidents`` (those of a
    harm kind; at most ``n_shared_incidents``), ``n_shared_associates``, ``n_co_presence``
    (incident pairs at one place within the window) and ``latest_day`` (day number of the latest
    evidence). Every count is an integer from 0 to below 2**31, and every link must have some
    evidence.

    ``busy`` is one boolean per place (``None``: no place is busy); with it,
    ``co_presence_link`` and ``co_presence_place`` list each co-presence as (link, place), so
    that a link's co-presences at busy places can be told from the others. Rows need not be
    sorted; a link may have fewer rows than ``n_co_presence`` (the rest count as quiet).
    """
    direct = _counts(n_direct, "n_direct", None)
    n = int(direct.size)
    risk = _counts(n_risk_direct, "n_risk_direct", n)
    incidents = _counts(n_shared_incidents, "n_shared_incidents", n)
    harm = _counts(n_harm_incidents, "n_harm_incidents", n)
    associates = _counts(n_shared_associates, "n_shared_associates", n)
    co_presence = _counts(n_co_presence, "n_co_presence", n)
    latest = check.days(latest_day, "latest_day", length=n).astype(np.int64, copy=False)
    _at_most(risk, direct, "n_risk_direct", "n_direct")
    _at_most(harm, incidents, "n_harm_incidents", "n_shared_incidents")
    at_busy = _busy_counts(n, co_presence, busy, co_presence_link, co_presence_place)
    total = direct + incidents + associates + co_presence
    empty = np.flatnonzero(total == 0)
    if empty.size:
        raise ValueError(f"every link must have some evidence; link {int(empty[0])} has none")

    quiet = co_presence - at_busy
    # Each link's tier is the strongest kind it has: fill from the weakest up.
    tier = np.full(n, BUSY_PLACE, dtype=np.int8)
    tier[associates == 1] = ONE_ASSOCIATE
    tier[quiet > 0] = QUIET_PLACE
    tier[associates >= 2] = ASSOCIATES
    tier[direct > 0] = DIRECT
    tier[incidents > 0] = SHARED_INCIDENT
    tier[risk > 0] = RISK_ASSOCIATION

    # The amount of the tier's own kind of evidence.
    amount = np.select(
        [
            tier == RISK_ASSOCIATION,
            tier == SHARED_INCIDENT,
            tier == DIRECT,
            (tier == ASSOCIATES) | (tier == ONE_ASSOCIATE),
            tier == QUIET_PLACE,
        ],
        [risk, incidents, direct, associates, quiet],
        default=co_presence,
    )
    harm_first = (tier == SHARED_INCIDENT) & (harm > 0)
    # np.lexsort sorts by the last key first; negated keys sort descending; it is stable, so
    # links equal in every key keep the order they were given in.
    order = np.lexsort((-latest, -total, -amount, ~harm_first, tier)).astype(np.int64)
    return Triage(order=order, tier=tier)


def strong(
    *, n_direct: ArrayLike, n_shared_incidents: ArrayLike, n_shared_associates: ArrayLike
) -> NDArray[np.bool_]:
    """Which links rest on strong evidence: exactly those :func:`triage` puts in
    :data:`STRONG_TIERS` (a direct association of any nature, a shared incident of any kind,
    or two or more associates in common), from three of its count columns. O(n).

    What the linked-cases list shows by default, and what borough clusters are built from:
    one associate in common or being at the same places links two children, but chains
    through such links join most of a borough into one cluster that no meeting can act on.
    Counts are one integer from 0 to below 2**31 per link, the same length each.
    """
    direct = _counts(n_direct, "n_direct", None)
    incidents = _counts(n_shared_incidents, "n_shared_incidents", direct.size)
    associates = _counts(n_shared_associates, "n_shared_associates", direct.size)
    return (direct > 0) | (incidents > 0) | (associates >= 2)
