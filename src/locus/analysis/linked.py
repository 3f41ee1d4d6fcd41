"""Linked cases: which children are connected, and on what evidence.

Two children are *linked* when at least one of these holds:

direct association
    an open association (``until == OPEN_END``) between them;
shared associates
    people with an open association to both of them;
shared incidents
    both were involved (in any role) in the same incident;
co-presence
    they were involved in *different* incidents at the same place on days at
    most ``window_days`` apart (inclusive: 30 days apart links at a 30-day
    window, 31 does not). Each co-presence is a triple
    ``(incident of a, incident of b, place)``. An optional ``place_window``
    (one int per place) narrows the window at some places, or (-1) turns
    co-presence off there: where being in the same place says little (a busy
    shopping centre, a school's own site) a manager's rule can say so.

Links are evidence for a practitioner to judge. Nothing here scores, ranks or
orders children by anything but their indices (docs/domain.md#no-scores): the only
numbers are counts of evidence.

:func:`find_links` answers for a few children (a caseload) by walking only
their neighbourhoods through prebuilt indexes (:func:`find_link_rows` gives the
same answer as columns, without building a Python object per link, which is
most of ``find_links``' cost); :func:`link_table` answers for a
whole population at once with sparse matrix products and a sorted
co-presence join; :func:`clusters` and :func:`communities` group the linked
pairs.

Why numpy for co-presence rather than DuckDB: with involvements sorted by
(place, day), everyone within a window of an involvement is one contiguous
run, found by binary search, so the join costs the pairs it finds. Measured
on the benchmark data (2 cores): borough, 1.6M linked pairs in 0.07 s against
0.9 s for DuckDB's bucketed self-join (same answer); national, 8.7M pairs in
0.65 s against 4.6 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from locus.analysis import _checks as check
from locus.analysis.community import _leiden, _upper_csr
from locus.analysis.network import OPEN_END, Network, _radix_argsort, _ranges, _sorted_unique

__all__ = [
    "Evidence",
    "Link",
    "LinkRows",
    "LinkTable",
    "clusters",
    "communities",
    "find_link_rows",
    "find_links",
    "link_table",
]

Ints = NDArray[np.integer]

# Incidents are keyed (place << 32) | (day + 2**31): one sorted int64 array
# orders them by place then day, and a day range at one place is a key range.
_DAY_BIAS = 2**31
_DAY_MASK = 2**32 - 1
# So that a key plus a window of under 2**32 days stays within int64, places stop one short of
# 2**31 and windows below 2**32 (a window that wide already spans every day there is).
_PLACE_LIMIT = 2**31 - 1
_WINDOW_LIMIT = 2**32
# Rows of evidence are sorted as one packed int64 key when they fit in this many bits.
_PACKED_BITS = 63
# Co-presence pairs are expanded in chunks of about this many, to bound memory.
_CHUNK = 4_000_000
# Link keys decoded into people this many at a time (link_table).
_DECODE_CHUNK = 1_000_000


@dataclass(frozen=True, slots=True)
class Link:
    """Why ``b`` is linked to ``a``: every piece of evidence, each tuple sorted."""

    a: int
    b: int
    direct_edges: tuple[int, ...]
    shared_associates: tuple[int, ...]
    shared_incidents: tuple[int, ...]
    co_presence: tuple[tuple[int, int, int], ...]


class _Pairs:
    """Columns with one row per pair ``(a[i], b[i])``: as long as ``a``."""

    a: Ints

    def __len__(self) -> int:
        return int(self.a.size)


@dataclass(frozen=True, eq=False)
class LinkTable(_Pairs):
    """Linked pairs ``a < b`` (sorted by ``a`` then ``b``) with counts of each kind of evidence.

    Every column is int32 from :func:`link_table` (half the memory of int64 at national scale).

    ``n_co_presence`` counts ``(incident of a, incident of b)`` pairs, so it
    equals ``len(Link.co_presence)``.
    """

    a: Ints
    b: Ints
    n_direct: Ints
    n_shared_associates: Ints
    n_shared_incidents: Ints
    n_co_presence: Ints

    def by_pair(self) -> dict[tuple[int, int], tuple[int, int, int, int]]:
        """``{(a, b): (n_direct, n_shared_associates, n_shared_incidents, n_co_presence)}``:
        for comparing with a reference, at small scale (one Python tuple per pair)."""
        return {
            (a, b): (w, x, y, z)
            for a, b, w, x, y, z in zip(
                self.a.tolist(),
                self.b.tolist(),
                self.n_direct.tolist(),
                self.n_shared_associates.tolist(),
                self.n_shared_incidents.tolist(),
                self.n_co_presence.tolist(),
                strict=True,
            )
        }


@dataclass(frozen=True, eq=False)
class _Index:
    """Lookups built once per :class:`Evidence`."""

    person_ptr: Ints  # person -> their incidents (ascending): person_incidents[ptr[p]:ptr[p+1]]
    person_incidents: Ints
    incident_ptr: Ints  # incident -> its people (ascending)
    incident_people: Ints
    placed_keys: Ints  # sorted (place, day) keys of incidents that have a place
    placed_incidents: Ints  # the incident of each key
    # The people of the placed incidents in key order: the people of the incidents at
    # placed_keys[lo:hi] are placed_people[placed_ptr[lo]:placed_ptr[hi]], one contiguous run,
    # and placed_people_incident says which incident each entry came from.
    placed_ptr: Ints
    placed_people: Ints
    placed_people_incident: Ints


@dataclass(frozen=True, eq=False)
class Evidence:
    """Everything links are found in.

    ``involved_person[k]`` was involved (in any role) in incident
    ``involved_incident[k]``; repeats (two roles in one incident) count once.
    ``incident_place`` is a place index per incident (-1 if none) and
    ``incident_day`` its day (int32 days since 1970-01-01).

    ``n_places`` is how many places there are (a ``place_window`` has one entry per place);
    by default (-1) one more than the largest place index used.

    Every array is checked when the evidence is made (integers, not booleans or floats; the
    parallel ones of equal length; people and incidents in range, places -1 or more, days
    within int32), and a bad one raises ``ValueError`` naming it: a day in milliseconds, say,
    would otherwise spill into the place of the (place, day) key and link strangers.
    """

    network: Network
    involved_person: Ints
    involved_incident: Ints
    incident_place: Ints
    incident_day: Ints
    n_places: int = -1

    def __post_init__(self) -> None:
        check.instance(self.network, Network, "network")
        day = check.days(self.incident_day, "incident_day")
        k = int(day.size)
        place = check.integers(
            self.incident_place,
            "incident_place",
            low=-1,
            high=_PLACE_LIMIT,
            length=k,
            meaning=f"-1 (no place) or a place index below {_PLACE_LIMIT}",
        )
        used = int(place.max()) + 1 if place.size else 0
        # An integer first: -1.0 (or True) is no number of places, not the default.
        given = check.integer(self.n_places, "n_places", low=None)
        places = (
            used
            if given == -1
            else check.integer(
                given,
                "n_places",
                low=used,
                high=_PLACE_LIMIT + 1,
                meaning=f"-1 or at least {used} (one more than the largest place index)",
            )
        )
        object.__setattr__(self, "n_places", places)
        person = check.integers(self.involved_person, "involved_person", high=self.network.n)
        incident = check.integers(
            self.involved_incident, "involved_incident", high=k, length=person.size
        )
        # The involvements stay in the integer type given (the index sorts them as they are and
        # gives int64 lookups); places and days are widened for the keys made of them.
        object.__setattr__(self, "involved_person", person)
        object.__setattr__(self, "involved_incident", incident)
        for name, value in (("incident_place", place), ("incident_day", day)):
            object.__setattr__(self, name, value.astype(np.int64, copy=False))

    @property
    def n_people(self) -> int:
        return self.network.n

    @property
    def n_incidents(self) -> int:
        return int(self.incident_day.size)

    @cached_property
    def index(self) -> _Index:
        """Person and incident lookups, built on first use: O(I log I) for I involvements."""
        n, k = self.n_people, self.n_incidents
        # Radix sorts (radix_argsort, 16 bits a pass, stable), least significant first: by
        # person, then by incident, gives each incident's people ascending; repeats (two roles
        # in one incident) are then dropped; then by person again gives each person's
        # incidents ascending. Faster than sorting combined keys, and far faster than lexsort.
        order = _radix_argsort(self.involved_person)
        order = order[_radix_argsort(self.involved_incident[order])]
        incident, person = self.involved_incident[order], self.involved_person[order]
        del order
        if incident.size:
            fresh = np.empty(incident.size, dtype=bool)
            fresh[0] = True
            np.not_equal(incident[1:], incident[:-1], out=fresh[1:])
            fresh[1:] |= person[1:] != person[:-1]
            incident, person = incident[fresh], person[fresh]
        incident_ptr = _pointers(incident, k)
        incident_people = person.astype(np.int64)
        by_person = _radix_argsort(person)
        person, incident = person[by_person], incident.astype(np.int64)[by_person]
        del by_person
        placed = np.flatnonzero(self.incident_place >= 0)
        place, day = self.incident_place[placed], self.incident_day[placed]
        keys = _place_day_keys(place, day)
        # Ties (same place and day) in any order: nothing depends on it.
        order = _radix_argsort(_compact_place_day(place, day))
        del place, day
        placed_incidents = placed[order]
        at, placed_people = _gather(incident_ptr, incident_people, placed_incidents, np.int32)
        return _Index(
            person_ptr=_pointers(person, n),
            person_incidents=incident,
            incident_ptr=incident_ptr,
            incident_people=incident_people,
            placed_keys=keys[order],
            placed_incidents=placed_incidents,
            placed_ptr=_pointers(at, placed_incidents.size),
            placed_people=placed_people,
            placed_people_incident=placed_incidents[at],
        )

    def prepare(self) -> Evidence:
        """Build the lookups now rather than on the first query; returns ``self``."""
        _ = self.index
        return self

    def incidents_of(self, people: ArrayLike) -> tuple[Ints, Ints]:
        """``(k, incident)``: each incident of ``people[k]``, each person's ascending."""
        people = check.integers(people, "people", high=self.n_people)
        idx = self.index
        return _gather(idx.person_ptr, idx.person_incidents, people)

    def people_in(self, incidents: ArrayLike) -> tuple[Ints, Ints]:
        """``(k, person)``: each person involved in ``incidents[k]``, ascending per incident."""
        incidents = check.integers(incidents, "incidents", high=self.n_incidents)
        idx = self.index
        return _gather(idx.incident_ptr, idx.incident_people, incidents)

    def incidents_near(
        self, incidents: ArrayLike, window_days: int, *, place_window: ArrayLike | None = None
    ) -> tuple[Ints, Ints]:
        """``(k, j)``: each other incident ``j`` at the place of ``incidents[k]`` in the window.

        Incidents without a place (or at a place whose ``place_window`` is -1) have none.
        O(log K) per incident plus the pairs found.
        """
        given = check.integers(incidents, "incidents", high=self.n_incidents).astype(np.int64)
        window_days = _window_days(window_days)
        per_place = _place_windows(place_window, self, window_days)
        idx = self.index
        placed = np.flatnonzero(_co_present(self.incident_place[given], per_place))
        own = given[placed]
        keys = _place_day_keys(self.incident_place[own], self.incident_day[own])
        lo, hi = _window(idx.placed_keys, keys, _per_key(window_days, per_place, keys))
        k = np.repeat(placed, hi - lo)
        j = idx.placed_incidents[_ranges(lo, hi)]
        keep = given[k] != j
        return k[keep], j[keep]


def _pointers(sorted_owner: Ints, size: int) -> Ints:
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_owner, minlength=size), out=ptr[1:])
    return ptr


def _gather(
    ptr: Ints, values: Ints, owners: ArrayLike, index_type: type[np.integer] = np.int64
) -> tuple[Ints, Ints]:
    """For CSR-style ``(ptr, values)``: ``(k, value)`` for every value in row ``owners[k]``.

    ``k`` is of ``index_type``: the evidence index asks for int32 (fewer bytes to write, and
    fresh memory costs time on the benchmark machine), callers outside get int64.
    """
    rows = np.asarray(owners, dtype=np.int64)
    lo = ptr[rows]
    lens = ptr[rows + 1] - lo
    k = np.repeat(np.arange(rows.size, dtype=index_type), lens)
    # Each value's position: its row's start, plus how far it is into the output's run of it.
    lo -= np.cumsum(lens) - lens
    position = lo[k]
    position += np.arange(position.size)
    return k, values[position]


def _place_day_keys(place: Ints, day: Ints) -> Ints:
    return (place.astype(np.int64) << 32) | (day.astype(np.int64) + _DAY_BIAS)


def _compact_place_day(place: Ints, day: Ints) -> Ints:
    """Keys in the order of :func:`_place_day_keys`, but as small as the days' span allows, so
    that :func:`locus.analysis.network.radix_argsort` needs fewer passes (at borough scale
    two, not four)."""
    if not day.size:
        return _place_day_keys(place, day)
    first = int(day.min())
    span = int(day.max()) - first + 1
    size = (int(place.max()) + 1) * span
    if size >= 2**62:
        return _place_day_keys(place, day)
    # int32 when the keys fit (a borough's): half the bytes for the sort to read.
    kind = np.dtype(np.int32 if size < 2**31 else np.int64)
    keys: Ints = place.astype(kind)
    keys *= span
    keys += (day - first).astype(kind)
    return keys


def _window_days(window_days: object) -> int:
    return check.integer(
        window_days, "window_days", high=_WINDOW_LIMIT, meaning="zero or more days, below 2**32"
    )


def _place_windows(
    place_window: ArrayLike | None, evidence: Evidence, window_days: int
) -> Ints | None:
    """The checked ``place_window`` capped at ``window_days`` as int64 (``None`` stays ``None``)."""
    if place_window is None:
        return None
    given = check.integers(
        place_window,
        "place_window",
        low=-1,
        high=_WINDOW_LIMIT,
        length=evidence.n_places,
        meaning="-1 (no co-presence at this place) or a window of zero or more days, below 2**32",
    )
    return np.minimum(given.astype(np.int64), window_days)


def _co_present(place: Ints, per_place: Ints | None) -> NDArray[np.bool_]:
    """Which of these incident places can give co-presence: placed, and not switched off."""
    if per_place is None:
        return place >= 0
    placed = place >= 0
    out = np.zeros(place.size, dtype=bool)
    out[placed] = per_place[place[placed]] >= 0
    return out


def _per_key(window_days: int, per_place: Ints | None, keys: Ints) -> int | Ints:
    """The window for each (place, day) key: one number, or its place's (never -1 here)."""
    if per_place is None:
        return window_days
    return per_place[keys >> 32]


def _window(sorted_keys: Ints, keys: Ints, window_days: int | Ints) -> tuple[Ints, Ints]:
    """Positions ``[lo, hi)`` of ``sorted_keys`` at the same place within the (checked) window:
    one for all keys, or one per key."""
    base = keys & ~np.int64(_DAY_MASK)
    low = np.maximum(keys - window_days, base)
    high = np.minimum(keys + window_days, base | _DAY_MASK)
    return (
        np.searchsorted(sorted_keys, low, side="left").astype(np.int64),
        np.searchsorted(sorted_keys, high, side="right").astype(np.int64),
    )


def _width(count: int) -> int:
    """Bits needed to store the values ``0..count-1``."""
    return max(int(count) - 1, 0).bit_length()


def _sort_rows(
    pair: Ints, pair_bits: int, columns: list[tuple[Ints, int]], *, unique: bool = False
) -> tuple[Ints, list[Ints]]:
    """Rows sorted by ``pair`` then each column in turn (``(values, bits)``, values >= 0).

    When everything fits in 63 bits the row is packed into one int64, sorted with
    ``ndarray.sort`` and decoded: much faster than ``lexsort`` and a gather per column.
    ``unique`` drops repeated rows.
    """
    total = pair_bits + sum(bits for _, bits in columns)
    if total <= _PACKED_BITS:
        key = pair.copy()
        for values, bits in columns:
            key <<= bits
            key |= values
        key.sort()
        if unique and key.size:
            key = key[_fresh(key)]
        decoded: list[Ints] = []
        shift = 0
        for _, bits in reversed(columns):
            decoded.append((key >> shift) & ((1 << bits) - 1))
            shift += bits
        return key >> shift, decoded[::-1]
    order = np.lexsort((*(values for values, _ in reversed(columns)), pair))
    pair = pair[order]
    cols: list[Ints] = [values[order] for values, _ in columns]
    if unique and pair.size:
        same = pair[1:] == pair[:-1]
        for c in cols:
            same &= c[1:] == c[:-1]
        keep = np.ones(pair.size, dtype=bool)
        keep[1:] = ~same
        pair = pair[keep]
        cols = [c[keep] for c in cols]
    return pair, cols


def _fresh(sorted_values: Ints) -> NDArray[np.bool_]:
    """Which entries of a non-empty ascending array differ from the one before."""
    keep = np.empty(sorted_values.size, dtype=bool)
    keep[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=keep[1:])
    return keep


def _offsets(keys: Ints, pairs: Ints) -> Ints:
    """Where each of the ascending ``pairs`` starts in the ascending ``keys``, plus the end."""
    ptr = np.empty(pairs.size + 1, dtype=np.int64)
    ptr[:-1] = keys.searchsorted(pairs)
    ptr[-1] = keys.size
    return ptr


@dataclass(frozen=True, eq=False)
class LinkRows(_Pairs):
    """What :func:`find_links` finds, as columns rather than one object per link.

    Link ``x`` joins ``a[x]`` to ``b[x]`` (sorted by ``(a, b)``). Each kind of evidence is a
    set of arrays with a pointer array: link ``x``'s direct edges are
    ``direct_edges[direct_ptr[x]:direct_ptr[x + 1]]``, and likewise ``shared_associates``
    (``shared_ptr``), ``shared_incidents`` (``incident_ptr``) and the co-presence triples
    ``(co_incident_a, co_incident_b, co_place)`` (``co_ptr``); within a link each is sorted,
    as in :class:`Link`. :meth:`links` makes the :class:`Link` objects.
    """

    a: Ints
    b: Ints
    direct_ptr: Ints
    direct_edges: Ints
    shared_ptr: Ints
    shared_associates: Ints
    incident_ptr: Ints
    shared_incidents: Ints
    co_ptr: Ints
    co_incident_a: Ints
    co_incident_b: Ints
    co_place: Ints

    def link(self, x: int) -> Link:
        """Link ``x`` (``0..len-1``) as a :class:`Link`."""
        x = check.integer(x, "x", high=len(self))
        return self._links(slice(x, x + 1))[0]

    def links(self) -> list[Link]:
        """Every link as a :class:`Link`, in order."""
        return self._links(slice(None))

    def _links(self, chosen: slice) -> list[Link]:
        start, stop, _ = chosen.indices(len(self))
        if start >= stop:
            return []
        # Each kind's rows as one tuple of Python values: slicing it gives the Link's field
        # directly (and () when empty), which matters because building the objects is most of
        # the cost.
        spans = []
        for ptr, columns in (
            (self.direct_ptr, (self.direct_edges,)),
            (self.shared_ptr, (self.shared_associates,)),
            (self.incident_ptr, (self.shared_incidents,)),
            (self.co_ptr, (self.co_incident_a, self.co_incident_b, self.co_place)),
        ):
            bounds = ptr[start : stop + 1]
            lo, hi = int(bounds[0]), int(bounds[-1])
            offsets = (bounds - lo).tolist()
            values = (
                tuple(columns[0][lo:hi].tolist())
                if len(columns) == 1
                else tuple(zip(*(c[lo:hi].tolist() for c in columns), strict=True))
            )
            spans.append((offsets, values))
        (d_at, d_val), (s_at, s_val), (i_at, i_val), (c_at, c_val) = spans
        return [
            Link(
                a,
                b,
                d_val[d_at[x] : d_at[x + 1]],
                s_val[s_at[x] : s_at[x + 1]],
                i_val[i_at[x] : i_at[x + 1]],
                c_val[c_at[x] : c_at[x + 1]],
            )
            for x, (a, b) in enumerate(
                zip(self.a[start:stop].tolist(), self.b[start:stop].tolist(), strict=True)
            )
        ]


def find_links(
    evidence: Evidence,
    focus: ArrayLike,
    *,
    candidates: ArrayLike | None = None,
    window_days: int = 30,
    place_window: ArrayLike | None = None,
) -> list[Link]:
    """Every person linked to each focus person, with the evidence.

    Parameters
    ----------
    evidence : Evidence
    focus : array_like of int
        The people to look from (e.g. a worker's caseload), as indices in
        ``0..n-1`` (not a boolean mask); repeats are ignored.
    candidates : array_like of int or of bool, optional
        Only these people are reported as the other end (an index array or a
        boolean mask over all people); the evidence itself may pass through
        anyone (a shared associate need not be a candidate).
    window_days : int
        Co-presence window in days, inclusive (0 to below 2**32).
    place_window : array_like of int, optional
        A co-presence window per place (``evidence.n_places`` of them): -1 for
        no co-presence at that place, otherwise days, inclusive; a value above
        ``window_days`` counts as ``window_days``. Default: ``window_days``
        everywhere.

    Returns
    -------
    list of Link
        Sorted by ``(a, b)``; a pair of two focus people appears once from
        each side. The same as ``find_link_rows(...).links()``.
    """
    return find_link_rows(
        evidence, focus, candidates=candidates, window_days=window_days, place_window=place_window
    ).links()


def find_link_rows(
    evidence: Evidence,
    focus: ArrayLike,
    *,
    candidates: ArrayLike | None = None,
    window_days: int = 30,
    place_window: ArrayLike | None = None,
) -> LinkRows:
    """:func:`find_links` as columns (:class:`LinkRows`): the same links and evidence.

    Notes
    -----
    Touches only the focus people's two-step neighbourhoods, their incidents,
    the incidents near those and the people in them: independent of the size
    of the whole network once ``evidence.index`` is built. All focus people
    are handled together in a few vectorised passes; each kind of evidence is
    put in order by one sort of packed int64 keys (focus rank, other person,
    evidence), so the cost is a few dozen numpy calls plus sorting the rows.
    """
    check.instance(evidence, Evidence, "evidence")
    window_days = _window_days(window_days)
    per_place = _place_windows(place_window, evidence, window_days)
    net = evidence.network
    me = _sorted_unique(check.integers(focus, "focus", high=net.n).astype(np.int64))
    mask = None if candidates is None else check.mask_or_indices(candidates, "candidates", net.n)
    idx = evidence.index
    cur = net.current
    wb = _width(net.n)
    wa = _width(me.size)

    def pair_of(rank: Ints, b: Ints) -> Ints:
        return (rank << wb) | b

    # Direct associations (rank of a, b, edge), from the open-edge CSR, self-loops dropped.
    lens = cur.indptr[me + 1] - cur.indptr[me]
    pos = _ranges(cur.indptr[me], cur.indptr[me + 1])
    d_rank = np.arange(me.size, dtype=np.int64).repeat(lens)
    d_b = cur.indices[pos].astype(np.int64)
    d_edge = cur.edge[pos].astype(np.int64)
    proper = d_b != me[d_rank]
    d_rank, d_b, d_edge = d_rank[proper], d_b[proper], d_edge[proper]
    # Shared associates: each (a, c) once, then c's open neighbours b (b not a, not c).
    ac = _sorted_unique(pair_of(d_rank, d_b))
    via_rank, via_c = ac >> wb, ac & ((1 << wb) - 1)
    lens = cur.indptr[via_c + 1] - cur.indptr[via_c]
    pos = _ranges(cur.indptr[via_c], cur.indptr[via_c + 1])
    s_rank, s_c = via_rank.repeat(lens), via_c.repeat(lens)
    s_b = cur.indices[pos].astype(np.int64)
    keep = (s_b != me[s_rank]) & (s_b != s_c)
    s_rank, s_c, s_b = s_rank[keep], s_c[keep], s_b[keep]
    # Incidents of a (row r: rank r_rank, incident mine), and everyone else in them.
    lens = idx.person_ptr[me + 1] - idx.person_ptr[me]
    mine = idx.person_incidents[_ranges(idx.person_ptr[me], idx.person_ptr[me + 1])]
    mine_rank = np.arange(me.size, dtype=np.int64).repeat(lens)
    lens = idx.incident_ptr[mine + 1] - idx.incident_ptr[mine]
    i_b = idx.incident_people[_ranges(idx.incident_ptr[mine], idx.incident_ptr[mine + 1])]
    i_rank, i_inc = mine_rank.repeat(lens), mine.repeat(lens)
    keep = i_b != me[i_rank]
    i_rank, i_inc, i_b = i_rank[keep], i_inc[keep], i_b[keep]
    # Co-presence: the people of the other incidents in each of a's incidents' windows, one
    # contiguous run of placed_people per incident of a (row r of mine).
    place = evidence.incident_place[mine]
    placed = np.flatnonzero(_co_present(place, per_place))
    keys = _place_day_keys(place[placed], evidence.incident_day[mine[placed]])
    lo, hi = _window(idx.placed_keys, keys, _per_key(window_days, per_place, keys))
    start, stop = idx.placed_ptr[lo], idx.placed_ptr[hi]
    pos = _ranges(start, stop)
    c_row = placed.repeat(stop - start)
    c_b = idx.placed_people[pos]
    c_j = idx.placed_people_incident[pos]
    keep = (c_j != mine[c_row]) & (c_b != me[mine_rank[c_row]])
    c_row, c_b, c_j = c_row[keep], c_b[keep], c_j[keep]

    if mask is not None:
        keep = mask[d_b]
        d_rank, d_b, d_edge = d_rank[keep], d_b[keep], d_edge[keep]
        keep = mask[s_b]
        s_rank, s_c, s_b = s_rank[keep], s_c[keep], s_b[keep]
        keep = mask[i_b]
        i_rank, i_inc, i_b = i_rank[keep], i_inc[keep], i_b[keep]
        keep = mask[c_b]
        c_row, c_b, c_j = c_row[keep], c_b[keep], c_j[keep]

    bits = wa + wb
    d_key, (edges,) = _sort_rows(pair_of(d_rank, d_b), bits, [(d_edge, _width(net.m))])
    # A shared associate joined to b by parallel edges is one associate.
    s_key, (via,) = _sort_rows(pair_of(s_rank, s_b), bits, [(s_c, wb)], unique=True)
    wk = _width(evidence.n_incidents)
    i_key, (shared,) = _sort_rows(pair_of(i_rank, i_b), bits, [(i_inc, wk)])
    # Within a pair, rows of mine are in (a, incident) order, so sorting by row sorts by incident.
    c_key, (row, other) = _sort_rows(
        pair_of(mine_rank[c_row], c_b),
        bits,
        [(c_row, _width(mine.size)), (c_j, wk)],
    )
    c_i = mine[row]
    pairs = _sorted_unique(np.concatenate([d_key, s_key, i_key, c_key]))
    return LinkRows(
        a=me[pairs >> wb],
        b=pairs & ((1 << wb) - 1),
        direct_ptr=_offsets(d_key, pairs),
        direct_edges=edges,
        shared_ptr=_offsets(s_key, pairs),
        shared_associates=via,
        incident_ptr=_offsets(i_key, pairs),
        shared_incidents=shared,
        co_ptr=_offsets(c_key, pairs),
        co_incident_a=c_i,
        co_incident_b=other,
        co_place=evidence.incident_place[c_i],
    )


def link_table(
    evidence: Evidence,
    people: ArrayLike,
    *,
    window_days: int = 30,
    place_window: ArrayLike | None = None,
) -> LinkTable:
    """Every linked pair among ``people``, with counts of each kind of evidence.

    Parameters
    ----------
    evidence : Evidence
    people : array_like of int
        The population (e.g. every child whose case is held) as indices in
        ``0..n-1``; repeats ignored.
        Shared associates may be anyone, inside the population or not.
    window_days : int
        Co-presence window in days, inclusive.
    place_window : array_like of int, optional
        A co-presence window per place, as for :func:`find_links`.

    Returns
    -------
    LinkTable
        Pairs ``a < b``, sorted; the counts agree with :func:`find_links`.

    Notes
    -----
    With ``P`` people: direct links filter the edge list, O(m); shared
    associates are ``A_P @ A_P.T`` for the P x n open adjacency and shared
    incidents ``B_P @ B_P.T`` for the P x K involvement matrix, each costing the
    sum of squared column counts; co-presence sorts the population's
    involvements at places by (place, day), so that each one's window is a
    contiguous run found by binary search, and expands the pairs in chunks:
    O(I log I + pairs).
    """
    check.instance(evidence, Evidence, "evidence")
    window_days = _window_days(window_days)
    per_place = _place_windows(place_window, evidence, window_days)
    net = evidence.network
    members = _sorted_unique(check.integers(people, "people", high=net.n).astype(np.int64))
    size = int(members.size)
    local = np.full(net.n, -1, dtype=np.int64)
    local[members] = np.arange(size)
    measures = [
        _direct_counts(net, local, size),
        _shared_associate_counts(net, local, size),
        _shared_incident_counts(evidence, local, size),
        _co_presence_counts(evidence, local, size, window_days, per_place),
    ]
    keys = np.concatenate([k for k, _ in measures])  # a fresh array: sorted in place
    # Each measure's keys are already sorted, so this is four sorted runs: a stable sort (a
    # merge sort that finds runs) merges them in O(k) passes; measured at national scale
    # (12.6M keys), 0.05 s against 0.9 s for the default quicksort.
    keys.sort(kind="stable")
    if keys.size:
        keys = keys[_fresh(keys)]
    counts = []
    while measures:
        # The last measure (co-presence, much the largest) first, each let go once placed: at
        # national scale that holds about 140 MB less at the peak than keeping all four until
        # every count is made.
        k, c = measures.pop()
        # Counts as int32 (no count of evidence comes near 2**31): half the memory at scale.
        full = np.zeros(keys.size, dtype=np.int32)
        full[np.searchsorted(keys, k)] = c
        del k, c
        counts.append(full)
    counts.reverse()
    # People as int32 (a network has under 2**31): half the memory of int64 at scale. Decoded a
    # chunk of keys at a time: a whole-table quotient would be 8 bytes a pair more at the peak.
    person = members.astype(np.int32)
    a = np.empty(keys.size, dtype=np.int32)
    b = np.empty(keys.size, dtype=np.int32)
    for lo in range(0, keys.size, _DECODE_CHUNK):
        part = keys[lo : lo + _DECODE_CHUNK]
        a[lo : lo + part.size] = person[part // max(size, 1)]
        b[lo : lo + part.size] = person[part % max(size, 1)]
    del keys
    return LinkTable(
        a=a,
        b=b,
        n_direct=counts[0],
        n_shared_associates=counts[1],
        n_shared_incidents=counts[2],
        n_co_presence=counts[3],
    )


def _pair_counts(la: Ints, lb: Ints, size: int) -> tuple[Ints, Ints]:
    """Sorted unique keys ``min*size + max`` of local pairs, and how often each occurs."""
    keys = _pair_keys(la, lb, size)
    keys.sort()
    return _runs(keys)


def _pair_keys(la: Ints, lb: Ints, size: int) -> Ints:
    """The int64 key ``min*size + max`` of each local pair (unsorted)."""
    low = np.minimum(la, lb).astype(np.int64)
    low *= size
    low += np.maximum(la, lb)
    return low


def _runs(sorted_keys: Ints) -> tuple[Ints, Ints]:
    """The distinct values of an ascending array and how many times each occurs (int32).

    ``np.unique(..., return_counts=True)`` without its copy and second sort.
    """
    if not sorted_keys.size:
        return sorted_keys, np.zeros(0, dtype=np.int32)
    starts = np.flatnonzero(_fresh(sorted_keys))
    counts = np.diff(starts, append=sorted_keys.size).astype(np.int32)
    return sorted_keys[starts], counts


def _upper_keys(product: sp.csr_matrix, size: int) -> tuple[Ints, Ints]:
    """Keys and values of the strictly upper triangle of a P x P product, sorted by key.

    Read straight off the CSR rows once each row's columns are sorted (in place, row by
    row): no triangle copy, no COO and no global sort.
    """
    product.sort_indices()
    rows = np.repeat(np.arange(size, dtype=np.int64), np.diff(product.indptr))
    upper = product.indices > rows
    keys = rows[upper]
    del rows
    keys *= size
    keys += product.indices[upper]
    return keys, product.data[upper].astype(np.int32, copy=False)


def _ones_matrix(rows: Ints, cols: Ints, shape: tuple[int, int]) -> sp.csr_matrix:
    """A 0/1 CSR matrix with int32 entries and indices (products of it stay int32)."""
    matrix = sp.csr_matrix(
        (np.ones(rows.size, dtype=np.int32), (rows.astype(np.int32), cols.astype(np.int32))),
        shape=shape,
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def _direct_counts(net: Network, local: Ints, size: int) -> tuple[Ints, Ints]:
    la, lb = local[net.src], local[net.dst]
    keep = (net.until == OPEN_END) & (la >= 0) & (lb >= 0) & (la != lb)
    return _pair_counts(la[keep], lb[keep], size)


def _shared_associate_counts(net: Network, local: Ints, size: int) -> tuple[Ints, Ints]:
    open_ = (net.until == OPEN_END) & (net.src != net.dst)
    src, dst = net.src[open_], net.dst[open_]
    # Rows: population members; columns: their associates (anyone), once per pair.
    rows = np.concatenate([local[src], local[dst]])
    cols = np.concatenate([dst, src])
    keep = rows >= 0
    adjacency = _ones_matrix(rows[keep], cols[keep], (size, net.n))
    del rows, cols, keep
    return _upper_keys(adjacency @ adjacency.T.tocsr(), size)


def _shared_incident_counts(evidence: Evidence, local: Ints, size: int) -> tuple[Ints, Ints]:
    idx = evidence.index
    rows = np.repeat(local, np.diff(idx.person_ptr))
    keep = rows >= 0
    involvement = _ones_matrix(rows[keep], idx.person_incidents[keep], (size, evidence.n_incidents))
    return _upper_keys(involvement @ involvement.T.tocsr(), size)


def _co_presence_counts(
    evidence: Evidence, local: Ints, size: int, window_days: int, per_place: Ints | None
) -> tuple[Ints, Ints]:
    idx = evidence.index
    who = np.repeat(local, np.diff(idx.person_ptr))
    incident = idx.person_incidents
    keep = (who >= 0) & _co_present(evidence.incident_place[incident], per_place)
    who, incident = who[keep], incident[keep]
    keys = _place_day_keys(evidence.incident_place[incident], evidence.incident_day[incident])
    order = np.argsort(keys)  # ties in any order: each pair is counted once whichever comes first
    keys, who, incident = keys[order], who[order], incident[order]
    # Each involvement pairs with the later ones in its window: every unordered pair once.
    _, hi = _window(keys, keys, _per_key(window_days, per_place, keys))
    del keys, order
    start = np.arange(1, who.size + 1, dtype=np.int64)
    lens = hi - start
    # The pairs are made in chunks of about _CHUNK (bounding the temporaries) and kept as one
    # int64 key each; one sort of all of them then counts them. That holds 8 bytes per
    # co-presence found, less than merging per-chunk counts would, and sorts each key once.
    found: list[Ints] = []
    bounds = np.searchsorted(np.cumsum(lens), np.arange(_CHUNK, int(lens.sum()), _CHUNK))
    for lo_e, hi_e in zip([0, *bounds.tolist()], [*bounds.tolist(), who.size], strict=True):
        run = lens[lo_e:hi_e]
        second = _ranges(start[lo_e:hi_e], hi[lo_e:hi_e])
        wa, wb = np.repeat(who[lo_e:hi_e], run), who[second]
        ok = wa != wb
        ok &= np.repeat(incident[lo_e:hi_e], run) != incident[second]
        del second
        found.append(_pair_keys(wa[ok], wb[ok], size))
    pairs = found[0] if len(found) == 1 else np.concatenate(found)
    del found
    pairs.sort()
    return _runs(pairs)


def _link_graph(n: int, a: ArrayLike, b: ArrayLike) -> tuple[Ints, Ints, NDArray[np.bool_]]:
    """The checked pairs (node indices in ``0..n-1``, in the integer type given: a link
    table's int32 is not copied to int64) and which nodes have a proper link."""
    n = check.integer(n, "n")
    a_ = check.integers(a, "a", high=n)
    b_ = check.integers(b, "b", high=n, length=a_.size)
    linked = np.zeros(n, dtype=bool)
    proper = a_ != b_
    linked[a_[proper]] = True
    linked[b_[proper]] = True
    return a_, b_, linked


def _compact(labels: Ints, linked: NDArray[np.bool_]) -> Ints:
    """-1 for unlinked nodes; other labels renumbered 0.. by each group's smallest node."""
    out = np.full(labels.size, -1, dtype=np.int64)
    nodes = np.flatnonzero(linked)
    _, first, inverse = np.unique(labels[nodes], return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    out[nodes] = rank[inverse]
    return out


def clusters(n: int, a: ArrayLike, b: ArrayLike) -> Ints:
    """Connected components of the link graph on ``n`` people.

    Returns a label per person: ``0..k-1`` numbered in order of each cluster's
    smallest person, and -1 for a person with no link. O(n + pairs).
    """
    a_, b_, linked = _link_graph(n, a, b)
    # A link table's pairs (a < b, ascending) become the matrix without a sort; self-links
    # and repeats do no harm to components either way.
    _, labels = connected_components(_upper_csr(n, a_, b_), directed=False)
    return _compact(np.asarray(labels, dtype=np.int64), linked)


def communities(
    n: int, a: ArrayLike, b: ArrayLike, weight: ArrayLike | None = None, *, seed: int = 0
) -> Ints:
    """Communities of the link graph: Leiden by modularity, each one connected.

    Parameters
    ----------
    n : int
        Number of people.
    a, b : array_like of int
        Linked pairs (repeats add up).
    weight : array_like of float, optional
        Weight of each pair (default 1), e.g. its number of pieces of evidence;
        finite and non-negative (one NaN would make every community a singleton).
    seed : int
        The same input and seed give the same communities.

    Returns
    -------
    numpy.ndarray
        A label per person, numbered by each community's smallest person, -1
        for a person with no link. Communities never cross clusters, so a
        large cluster splits into its communities.

    Notes
    -----
    Runs on the linked people only; see :func:`locus.analysis.community.leiden`.
    """
    a_, b_, linked = _link_graph(n, a, b)
    weight = check.weights(weight, "weight", a_.size)
    seed = check.integer(seed, "seed", high=2**64)
    nodes = np.flatnonzero(linked)
    # Renumbering in ascending order keeps a link table's pairs ascending (see _upper_csr).
    local: Ints = np.full(n, -1, dtype=np.int32 if n < 2**31 else np.int64)
    local[nodes] = np.arange(nodes.size)
    proper = a_ != b_
    if proper.all():
        la, lb, w = local[a_], local[b_], weight
    else:
        la, lb = local[a_[proper]], local[b_[proper]]
        w = None if weight is None else weight[proper]
    del local, proper
    matrix = _upper_csr(nodes.size, la, lb, w)
    del la, lb
    labels = np.full(n, -1, dtype=np.int64)
    labels[nodes] = _leiden(matrix, seed, 1.0)
    return _compact(labels, linked)
