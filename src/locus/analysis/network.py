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

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

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


def _as_int(values: ArrayLike, dtype: type[np.integer], name: str, length: int) -> IntArray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != length:
        raise ValueError(f"{name} must be a 1-d array of length {length}")
    return arr.astype(dtype, copy=False)


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
        Number of people; every endpoint must be in ``0..n-1``.
    src, dst : array_like of int
        Endpoints of each edge, each edge once (edge index = position).
        Parallel edges (an ended association and a new one) are kept apart.
    nature : array_like of int
        Nature code per edge (index into ``NATURES``).
    since, until : array_like of int
        First and last day of each edge; ``until == OPEN_END`` if still open.

    Returns
    -------
    Network

    Notes
    -----
    One sort of ``2m`` int64 keys ``row * 2m + slot``: O(m log m) time,
    about 0.5 s for 5M edges here, and O(n + m) memory. Sorting the combined
    key (rather than an ``argsort``) gives each row's entries in edge order,
    so the result does not depend on the sort algorithm.
    """
    src_a = np.asarray(src)
    m = int(src_a.shape[0])
    s = _as_int(src_a, np.int32, "src", m)
    d = _as_int(dst, np.int32, "dst", m)
    if m and (min(int(s.min()), int(d.min())) < 0 or max(int(s.max()), int(d.max())) >= n):
        raise ValueError("every endpoint must be a node index in 0..n-1")
    edge_dtype: type[np.integer] = np.int32 if 2 * m < 2**31 else np.int64
    slots = 2 * m
    key = np.concatenate([s, d]).astype(np.int64)
    key *= slots
    key += np.arange(slots, dtype=np.int64)
    key.sort()
    slot = key % slots
    rows = key // slots
    del key
    edge = (slot % m if m else slot).astype(edge_dtype)
    # The entry's other endpoint: slot < m came from src (so the neighbour is dst).
    indices = np.where(slot < m, d[edge], s[edge]).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    net = Network(
        n=int(n),
        indptr=indptr,
        indices=indices,
        edge=edge,
        src=s,
        dst=d,
        nature=_as_int(nature, np.int8, "nature", m),
        since=_as_int(since, np.int32, "since", m),
        until=_as_int(until, np.int32, "until", m),
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


def _nature_table(natures: Collection[int] | None) -> BoolArray | None:
    if natures is None:
        return None
    table = np.zeros(max(len(NATURES), *(int(x) + 1 for x in natures), 1), dtype=bool)
    table[[int(x) for x in natures]] = True
    return table


def edge_mask(
    net: Network,
    edges: IntArray | None = None,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> BoolArray:
    """Which of ``edges`` (default: all) pass the ``as_at`` and ``natures`` filters.

    ``as_at=None`` keeps open edges only (``until == OPEN_END``); a day keeps
    ``since <= as_at <= until``. O(len(edges)).
    """
    idx: IntArray | slice = slice(None) if edges is None else edges
    return _passes(net, idx, as_at, _nature_table(natures))


def ranges(lo: IntArray, hi: IntArray) -> NDArray[np.int64]:
    """Concatenation of ``arange(lo[i], hi[i])`` for every ``i``, vectorised. O(len + total)."""
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
    nodes = np.asarray(nodes, dtype=np.int64)
    return ranges(net.indptr[nodes], net.indptr[nodes + 1])


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
    if not 0 <= centre < net.n:
        raise ValueError(f"centre must be a node index in 0..{net.n - 1}")
    table = _nature_table(natures)
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
            pos = ranges(indptr[frontier], indptr[frontier + 1])
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
        pos = ranges(indptr[frontier], indptr[frontier + 1])
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
    if as_at is None and natures is None:
        adj = net.current
    else:
        adj = _restricted(net, edge_mask(net, net.edge, as_at=as_at, natures=natures))
    return symmetric_components(net.n, adj.indptr, adj.indices)


def symmetric_components(n: int, indptr: IntArray, indices: IntArray) -> NDArray[np.int32]:
    """Component labels of a graph given as a symmetric CSR (each edge in both rows). O(n + nnz).

    Labels are numbered in order of each component's smallest node.
    """
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
    keep = np.flatnonzero(edge_mask(net, as_at=as_at, natures=natures))
    return np.bincount(net.src[keep], minlength=net.n) + np.bincount(net.dst[keep], minlength=net.n)
