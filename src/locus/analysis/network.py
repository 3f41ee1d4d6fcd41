"""The association network as a symmetric CSR matrix with edge attributes.

People are node indices ``0..n-1`` (the caller maps database ids to indices).
An association is an undirected edge ``(src, dst)`` stored once in the input
arrays, and its *edge index* is its position there; the CSR holds it twice, once
in each endpoint's row, and ``Network.edge`` maps every CSR entry back to its
edge index so that attributes (nature, since, until) stay in the parallel edge
arrays.

Days are ``int32`` days since 1970-01-01 and ``OPEN_END`` marks an association
that has not ended.

Which edges count
-----------------
Every walk takes the same two filters (see :func:`edge_mask`):

``as_at``
    ``None`` (the default) means *the network as it stands now*: only edges
    still open (``until == OPEN_END``); no start-date test, so an association
    recorded with a future start date still counts. A day ``d`` means the
    network as it stood that day: ``since <= d <= until`` (both ends inclusive).
``natures``
    ``None`` for every nature, else a collection of nature codes
    (``NATURES.index("risk")`` is 1, and so on).

Nothing here builds a subgraph object: a neighbourhood is collected by slicing
CSR rows, which costs the number of entries in the rows touched.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from locus.analysis import _checks as check

try:
    # scipy's own labelling loop, called without ``connected_components``' wrapper, which
    # converts the graph to float64 and builds its transpose (measured at borough scale: 1.5 ms
    # for the loop against 2.6 ms through the wrapper). Our adjacency is symmetric, so it is its
    # own transpose. Private, so a scipy that moves or changes it falls back to the public call.
    from scipy.sparse.csgraph._traversal import (
        _connected_components_undirected,
    )
except ImportError:  # pragma: no cover - depends on the scipy release
    _connected_components_undirected = None

__all__ = [
    "NATURES",
    "OPEN_END",
    "Adjacency",
    "Neighbourhood",
    "Network",
    "build_network",
    "components",
    "degree",
    "edge_mask",
    "neighbourhood",
    "radix_argsort",
    "ranges",
    "row_entries",
    "sorted_unique",
    "symmetric_components",
]

OPEN_END = int(np.iinfo(np.int32).max)
NATURES = ("protective", "risk", "unclear")

IntArray = NDArray[np.integer]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Adjacency:
    """A symmetric CSR restricted to some edges: row ``v`` is ``indices[indptr[v]:indptr[v+1]]``.

    ``edge`` is the edge index of each entry; rows keep edge order.
    """

    indptr: IntArray
    indices: IntArray
    edge: IntArray


@dataclass(frozen=True, eq=False)
class Network:
    """An undirected multigraph: CSR adjacency plus the edge arrays it came from.

    ``indptr``/``indices`` are the symmetric CSR (row ``v`` lists ``v``'s
    neighbours, ordered by edge index); ``edge`` is the edge index of each CSR
    entry. ``src, dst, nature, since, until`` are the input edge arrays. Equality
    is identity: the arrays are not compared.
    """

    n: int
    indptr: IntArray
    indices: IntArray
    edge: IntArray
    src: IntArray
    dst: IntArray
    nature: IntArray
    since: IntArray
    until: IntArray

    @property
    def m(self) -> int:
        """Number of edges (associations)."""
        return int(self.src.shape[0])

    @cached_property
    def open_entries(self) -> BoolArray:
        """Whether each CSR entry's edge is still open: the default filter, computed once."""
        return np.asarray(self.until[self.edge] == OPEN_END, dtype=bool)

    @cached_property
    def current(self) -> Adjacency:
        """The CSR of open edges only: the network as it stands now, which most walks want.

        :func:`build_network` builds it with the network, so a walk with the default filters
        slices rows without testing a single edge.
        """
        return _restricted(self, self.open_entries)


@dataclass(frozen=True, eq=False)
class Neighbourhood:
    """The people within ``steps`` of a centre and the edges among them.

    ``nodes`` starts with the centre, then the others by distance and, within a
    distance, by node index; ``distance`` is aligned with it. ``edges`` holds the
    edge indices (ascending) of every edge between two included nodes that
    passes the filters, including edges between two people at the outer ring.
    """

    centre: int
    nodes: IntArray
    distance: IntArray
    edges: IntArray


# build_network adds the slot numbers in chunks of this many (a bounded temporary).
_BUILD_CHUNK = 1 << 20


def build_network(
    n: int,
    src: ArrayLike,
    dst: ArrayLike,
    *,
    nature: ArrayLike,
    since: ArrayLike,
    until: ArrayLike,
) -> Network:
    """Build the symmetric CSR of ``m`` undirected edges on ``n`` nodes.

    Parameters
    ----------
    n : int
        Number of people, at most 2**31; every endpoint must be in ``0..n-1``.
    src, dst : array_like of int
        Endpoints of each edge, each edge once (edge index = position).
        Parallel edges (an ended association and a new one) are kept apart.
    nature : array_like of int
        Nature code per edge (index into ``NATURES``).
    since, until : array_like of int
        First and last day of each edge (days since 1970-01-01, within int32);
        ``until == OPEN_END`` if still open.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        Naming the array, when one is not 1-d integers of length ``m`` (booleans and floats
        are refused) or holds a value out of range: checked before anything is cast to the
        narrower types the network stores, which would wrap it.

    Notes
    -----
    One sort of ``2m`` int64 keys ``row * 2m + slot``: O(m log m) time,
    about 0.5 s for 5M edges here, and O(n + m) memory. Sorting the combined
    key (rather than an ``argsort``) gives each row's entries in edge order,
    so the result does not depend on the sort algorithm.
    """
    # Node indices are stored as int32, so n may be 2**31 at most.
    n = check.integer(n, "n", high=2**31 + 1)
    endpoint = f"a node index (every endpoint must be one) in 0..{n - 1}"
    s = check.integers(src, "src", high=n, meaning=endpoint).astype(np.int32, copy=False)
    m = int(s.shape[0])
    d = check.integers(dst, "dst", high=n, length=m, meaning=endpoint).astype(np.int32, copy=False)
    codes = f"a nature code in 0..{len(NATURES) - 1}"
    nature_a = check.integers(nature, "nature", high=len(NATURES), length=m, meaning=codes)
    since_a = check.days(since, "since", length=m)
    until_a = check.days(until, "until", length=m)
    edge_dtype: type[np.integer] = np.int32 if 2 * m < 2**31 else np.int64
    slots = 2 * m
    # Each row's length is its degree, counted before the sort: no array of rows is needed.
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=n) + np.bincount(d, minlength=n), out=indptr[1:])
    # Built in place (no int32 concatenation, no 2m-long arange) to keep the peak down: at
    # national scale every temporary here is 80 MB.
    key = np.empty(slots, dtype=np.int64)
    key[:m] = s
    key[m:] = d
    key *= slots
    for lo in range(0, slots, _BUILD_CHUNK):
        hi = min(lo + _BUILD_CHUNK, slots)
        key[lo:hi] += np.arange(lo, hi, dtype=np.int64)
    key.sort()
    key %= slots  # now each entry's slot
    # The entry's other endpoint: slot < m came from src (so the neighbour is dst).
    from_src = key < m
    if m:
        key[~from_src] -= m  # now each entry's edge
    edge = key.astype(edge_dtype)
    del key
    indices = np.where(from_src, d[edge], s[edge]).astype(np.int32, copy=False)
    del from_src
    net = Network(
        n=int(n),
        indptr=indptr,
        indices=indices,
        edge=edge,
        src=s,
        dst=d,
        nature=nature_a.astype(np.int8, copy=False),
        since=since_a.astype(np.int32, copy=False),
        until=until_a.astype(np.int32, copy=False),
    )
    _ = net.current  # built now: about a fifth of the build's time, saved on every walk
    return net


def _restricted(net: Network, keep: BoolArray) -> Adjacency:
    """The CSR of the entries ``keep`` marks, rows still in edge order. O(m).

    ``indptr`` is int32 when it fits, as scipy's component labelling takes it.
    """
    before: IntArray = np.zeros(keep.size + 1, dtype=np.int32 if keep.size < 2**31 else np.int64)
    np.cumsum(keep, out=before[1:])
    return Adjacency(indptr=before[net.indptr], indices=net.indices[keep], edge=net.edge[keep])


def _filters(
    net: Network, as_at: int | None, natures: Collection[int] | None
) -> tuple[int | None, BoolArray | None]:
    """The checked filters: ``as_at`` as an int and ``natures`` as a table by nature code.

    Refuses a ``net`` that is no :class:`Network`, an ``as_at`` that is no day and a nature
    code outside ``NATURES`` (a network holds none, so such a filter is a mistake).
    """
    check.instance(net, Network, "net")
    day = None if as_at is None else check.day(as_at, "as_at")
    chosen = check.codes(natures, "natures", len(NATURES))
    if chosen is None:
        return day, None
    table = np.zeros(len(NATURES), dtype=bool)
    table[chosen] = True
    return day, table


def edge_mask(
    net: Network,
    edges: IntArray | None = None,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> BoolArray:
    """Which of ``edges`` (default: all) pass the ``as_at`` and ``natures`` filters.

    ``as_at=None`` keeps open edges only (``until == OPEN_END``); a day keeps
    ``since <= as_at <= until``. ``edges`` are edge indices in ``0..m-1`` (not a mask).
    O(len(edges)).
    """
    day, table = _filters(net, as_at, natures)
    idx: IntArray | slice = (
        slice(None) if edges is None else check.integers(edges, "edges", high=net.m)
    )
    return _passes(net, idx, day, table)


def ranges(lo: IntArray, hi: IntArray) -> NDArray[np.int64]:
    """Concatenation of ``arange(lo[i], hi[i])`` for every ``i``, vectorised. O(len + total).

    ``lo`` and ``hi`` are parallel 1-d integer arrays (within int64) with ``lo <= hi``.
    """
    # Within int64, then cast: numpy mixes uint64 with int64 as floats, which no count is.
    lo_a = check.integers(lo, "lo", low=-(2**63), high=2**63).astype(np.int64, copy=False)
    hi_a = check.integers(hi, "hi", low=-(2**63), high=2**63, length=lo_a.size)
    hi_a = hi_a.astype(np.int64, copy=False)
    if (hi_a < lo_a).any():
        raise ValueError("hi must be at least lo at every position")
    return _ranges(lo_a, hi_a)


def _ranges(lo: IntArray, hi: IntArray) -> NDArray[np.int64]:
    """:func:`ranges` unchecked, for the walks that call it many times on their own arrays."""
    # Array methods rather than np.cumsum/np.repeat: on the few-dozen-row calls a peer map
    # makes, numpy's function wrappers were half the cost.
    lens = np.asarray(hi, dtype=np.int64) - lo
    ends = lens.cumsum()
    total = int(ends[-1]) if ends.size else 0
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) + (lo - ends + lens).repeat(lens)


def sorted_unique(values: IntArray) -> IntArray:
    """Ascending distinct values, by sorting.

    numpy 2's ``np.unique`` hashes when asked for values alone, which measured
    about 100x slower than sorting for millions of integers here.
    """
    return _sorted_unique(check.integers(values, "values", low=None))


def radix_argsort(keys: IntArray) -> NDArray[np.int64]:
    """A stable argsort of non-negative integer keys, 16 bits a pass, least significant first.

    numpy's stable argsort of 16-bit integers is a radix sort, O(n); other integer types get a
    comparison sort. Measured here, against ``np.argsort``: 345,000 keys of up to 32 bits in
    7.6 ms against 21 ms, 3.6 million in 140 ms against 400 ms; no slower at 63 bits (four
    passes). Keys with a negative value are sorted by ``np.argsort(kind="stable")``.

    ``keys`` is a 1-d integer array: floats (which a cast would truncate into ties), booleans
    and other shapes raise ``ValueError``.
    """
    return _radix_argsort(check.integers(keys, "keys", low=None))


def _radix_argsort(keys: IntArray) -> NDArray[np.int64]:
    """:func:`radix_argsort` unchecked, for the evidence index's own integer arrays."""
    keys = np.asarray(keys)
    if not keys.size or int(keys.min()) < 0 or sys.byteorder != "little":
        return np.argsort(keys, kind="stable").astype(np.int64, copy=False)
    passes = (int(keys.max()).bit_length() + 15) // 16 or 1
    # Each key's 16-bit words, least significant first, read in place: a digit is gathered as
    # 2 bytes, not as an 8-byte key then shifted and cast (fewer fresh pages at scale).
    if keys.dtype.kind not in "iu" or keys.dtype.itemsize not in (4, 8):
        keys = keys.astype(np.int64)
    keys = np.ascontiguousarray(keys)
    words = keys.view(np.uint16).reshape(-1, keys.dtype.itemsize // 2)
    order = np.argsort(words[:, 0], kind="stable")
    for word in range(1, passes):
        order = order[np.argsort(words[order, word], kind="stable")]
    return order.astype(np.int64, copy=False)


def _sorted_unique(values: IntArray) -> IntArray:
    """:func:`sorted_unique` unchecked."""
    out = np.array(values, copy=True)
    out.sort()
    if out.size:
        keep = np.empty(out.size, dtype=bool)
        keep[0] = True
        np.not_equal(out[1:], out[:-1], out=keep[1:])
        out = out[keep]
    return out


def row_entries(net: Network, nodes: IntArray) -> NDArray[np.int64]:
    """Positions in ``indices``/``edge`` of every entry in the rows of ``nodes``.

    Rows come in the order of ``nodes``; cost O(len(nodes) + entries).
    """
    check.instance(net, Network, "net")
    nodes = check.integers(nodes, "nodes", high=net.n).astype(np.int64, copy=False)
    return _ranges(net.indptr[nodes], net.indptr[nodes + 1])


def neighbourhood(
    net: Network,
    centre: int,
    *,
    steps: int = 2,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> Neighbourhood:
    """People within ``steps`` edges of ``centre`` and every edge among them.

    Only edges passing the filters are walked or returned (see the module
    docstring: ``as_at=None`` means open edges only). A breadth-first walk over
    CSR rows: cost O(entries in the rows of every included node), independent
    of the size of the whole network (about 0.1 ms for a typical child here).
    """
    as_at, table = _filters(net, as_at, natures)
    centre = check.integer(centre, "centre", high=net.n)
    steps = check.integer(steps, "steps")
    if as_at is None and table is None:
        # The open-edge CSR: every entry passes, so nothing is tested.
        indptr, indices, edge = net.current.indptr, net.current.indices, net.current.edge
        passing = None
    else:
        indptr, indices, edge = net.indptr, net.indices, net.edge

        def passing(pos: NDArray[np.int64]) -> NDArray[np.int64]:
            return pos[_passes(net, edge[pos], as_at, table)]

    # A typical map touches a few hundred entries, so its cost is numpy's per-call overhead
    # (about a microsecond a call): the walk keeps calls few, inlining what it can.
    first = int(indptr[centre]), int(indptr[centre + 1])
    visited: IntArray = np.array([centre], dtype=np.int64)
    rings = [visited]
    found = []
    frontier = visited
    for step in range(steps):
        if step == 0:
            pos: NDArray[np.int64] | slice = slice(*first)
            if passing is not None:
                pos = passing(np.arange(*first, dtype=np.int64))
        else:
            pos = _ranges(indptr[frontier], indptr[frontier + 1])
            if passing is not None:
                pos = passing(pos)
        # Every walked entry joins two included nodes, so its edge is in the map.
        found.append(edge[pos])
        reached = indices[pos].astype(np.int64)
        reached.sort()
        if step == 0:
            new = reached[(reached != centre) & _fresh(reached)]
        else:
            # ``visited`` is ascending; the last one at or before each reached node tells
            # whether it was visited (at == 0 reads visited[-1], which exceeds the node).
            at = visited.searchsorted(reached, side="right")
            new = reached[(visited[at - 1] != reached) & _fresh(reached)]
        if new.size == 0:
            break
        rings.append(new)
        frontier = new
        if step + 1 < steps:
            visited = np.concatenate([visited, new])
            visited.sort()
    else:
        # The outer ring's rows were not walked. Its edges back to the inner rings were found
        # from the inner side; an edge between two outer people (or a self-loop) has both of
        # its CSR entries in outer rows, so it is the edge seen twice there.
        pos = _ranges(indptr[frontier], indptr[frontier + 1])
        if passing is not None:
            pos = passing(pos)
        outer = edge[pos]
        outer.sort()
        found.append(outer[1:][outer[1:] == outer[:-1]])
    nodes = np.concatenate(rings).astype(np.int32)
    distance = np.repeat(np.arange(len(rings), dtype=np.int32), [r.size for r in rings])
    edges = np.concatenate(found).astype(np.int64)
    edges.sort()
    edges = edges[_fresh(edges)]
    return Neighbourhood(centre=int(centre), nodes=nodes, distance=distance, edges=edges)


def _fresh(sorted_values: IntArray) -> BoolArray:
    """Which entries of an ascending array differ from the one before (the first always)."""
    keep = np.empty(sorted_values.size, dtype=bool)
    if sorted_values.size:
        keep[0] = True
        np.not_equal(sorted_values[1:], sorted_values[:-1], out=keep[1:])
    return keep


def _passes(
    net: Network, edges: IntArray | slice, as_at: int | None, table: BoolArray | None
) -> BoolArray:
    until = net.until[edges]
    ok = until == OPEN_END if as_at is None else (net.since[edges] <= as_at) & (until >= as_at)
    if table is not None:
        ok &= table[net.nature[edges]]
    return np.asarray(ok, dtype=bool)


def components(
    net: Network,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> NDArray[np.int32]:
    """Connected component label of every node, counting only edges that pass the filters.

    Labels are ``0..k-1`` numbered in order of each component's smallest node
    (so node 0 is in component 0); an isolated node is a component of its own.
    O(n + m): scipy's depth-first labelling over the symmetric CSR, which is
    prebuilt for the default filters (:attr:`Network.current`).
    """
    as_at, table = _filters(net, as_at, natures)
    if as_at is None and table is None:
        adj = net.current
    else:
        adj = _restricted(net, _passes(net, net.edge, as_at, table))
    return _symmetric_components(net.n, adj.indptr, adj.indices)


def symmetric_components(n: int, indptr: IntArray, indices: IntArray) -> NDArray[np.int32]:
    """Component labels of a graph given as a symmetric CSR (each edge in both rows). O(n + nnz).

    Labels are numbered in order of each component's smallest node. ``indptr`` (length
    ``n + 1``, from 0 up to ``len(indices)``) and ``indices`` (in ``0..n-1``) must be a CSR
    whose pattern is symmetric: labelling follows each entry one way only.
    """
    n = check.integer(n, "n", high=2**31)
    indices_a = check.integers(indices, "indices", high=n)
    indptr_a = check.integers(indptr, "indptr", high=indices_a.size + 1, length=n + 1)
    steps = np.diff(indptr_a)
    if int(indptr_a[0]) != 0 or int(indptr_a[-1]) != indices_a.size or (steps < 0).any():
        raise ValueError("indptr must rise from 0 to len(indices)")
    rows = np.repeat(np.arange(n, dtype=np.int64), steps)
    cols = indices_a.astype(np.int64)
    if not np.array_equal(_sorted_unique(rows * n + cols), _sorted_unique(cols * n + rows)):
        raise ValueError("indptr and indices must be a symmetric CSR (each edge in both rows)")
    return _symmetric_components(n, indptr_a, indices_a)


def _symmetric_components(n: int, indptr: IntArray, indices: IntArray) -> NDArray[np.int32]:
    """:func:`symmetric_components` unchecked, for the network's own CSR (symmetric by build)."""
    if _connected_components_undirected is not None and indices.size < 2**31:
        ptr32 = np.asarray(indptr, dtype=np.int32)
        ind32 = np.asarray(indices, dtype=np.int32)
        labels = np.empty(n, dtype=np.int32)
        try:
            _connected_components_undirected(ind32, ptr32, ind32, ptr32, labels)
            return labels
        except (TypeError, ValueError):  # pragma: no cover - a scipy whose loop changed
            pass
    ones = np.ones(indices.size, dtype=np.int8)
    graph = sp.csr_matrix((ones, indices, indptr), shape=(n, n))
    _, found = connected_components(graph, directed=False)
    return np.asarray(found, dtype=np.int32)


def degree(
    net: Network,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> NDArray[np.int64]:
    """Number of filtered edges at each node (a self-loop counts twice). O(m)."""
    as_at, table = _filters(net, as_at, natures)
    keep = np.flatnonzero(_passes(net, slice(None), as_at, table))
    return np.bincount(net.src[keep], minlength=net.n) + np.bincount(net.dst[keep], minlength=net.n)
