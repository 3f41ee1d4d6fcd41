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

__all__ = [
    "NATURES",
    "OPEN_END",
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
]

OPEN_END = int(np.iinfo(np.int32).max)
NATURES = ("protective", "risk", "unclear")

IntArray = NDArray[np.integer]
BoolArray = NDArray[np.bool_]


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
    return Network(
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
    lens = np.asarray(hi, dtype=np.int64) - lo
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total, dtype=np.int64) + np.repeat(lo - (np.cumsum(lens) - lens), lens)


def sorted_unique(values: IntArray) -> IntArray:
    """Ascending distinct values, by sorting.

    numpy 2's ``np.unique`` hashes when asked for values alone, which measured
    about 100x slower than sorting for millions of integers here.
    """
    out = np.sort(values)
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

    def passing(pos: NDArray[np.int64]) -> NDArray[np.int64]:
        if as_at is None and table is None:
            return pos[net.open_entries[pos]]
        return pos[_passes(net, net.edge[pos], as_at, table)]

    frontier: IntArray = np.array([centre], dtype=np.int64)
    visited = frontier
    rings = [frontier]
    found = []
    for _ in range(steps):
        pos = passing(row_entries(net, frontier))
        # Every walked entry joins two included nodes, so its edge is in the map.
        found.append(net.edge[pos])
        reached = sorted_unique(net.indices[pos])
        frontier = reached[~_contains(visited, reached)]
        if frontier.size == 0:
            break
        rings.append(frontier)
        visited = np.sort(np.concatenate([visited, frontier]))
    else:
        # The outer ring's rows were not walked: keep their edges to included nodes.
        pos = passing(row_entries(net, frontier))
        found.append(net.edge[pos[_contains(visited, net.indices[pos])]])
    nodes = np.concatenate(rings).astype(np.int32)
    distance = np.repeat(np.arange(len(rings), dtype=np.int32), [r.size for r in rings])
    edges = sorted_unique(np.concatenate(found))
    return Neighbourhood(centre=int(centre), nodes=nodes, distance=distance, edges=edges)


def _contains(sorted_values: IntArray, values: IntArray) -> BoolArray:
    """Which of ``values`` occur in the ascending array ``sorted_values``. O(len log len)."""
    at = np.searchsorted(sorted_values, values)
    at[at == sorted_values.size] = 0
    return np.asarray(sorted_values[at] == values, dtype=bool)


def _passes(
    net: Network, edges: IntArray | slice, as_at: int | None, table: BoolArray | None
) -> BoolArray:
    until = net.until[edges]
    ok = until == OPEN_END if as_at is None else (net.since[edges] <= as_at) & (until >= as_at)
    if table is not None:
        ok &= table[net.nature[edges]]
    return np.asarray(ok, dtype=bool)


def _filtered_matrix(
    net: Network, as_at: int | None, natures: Collection[int] | None
) -> sp.csr_matrix:
    keep = np.flatnonzero(edge_mask(net, as_at=as_at, natures=natures))
    ones = np.ones(keep.size, dtype=np.int8)
    return sp.csr_matrix((ones, (net.src[keep], net.dst[keep])), shape=(net.n, net.n))


def components(
    net: Network,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> NDArray[np.int32]:
    """Connected component label of every node, counting only edges that pass the filters.

    Labels are ``0..k-1`` numbered in order of each component's smallest node
    (so node 0 is in component 0); an isolated node is a component of its own.
    O(n + m) with ``scipy.sparse.csgraph``.
    """
    _, labels = connected_components(_filtered_matrix(net, as_at, natures), directed=False)
    return np.asarray(labels, dtype=np.int32)


def degree(
    net: Network,
    *,
    as_at: int | None = None,
    natures: Collection[int] | None = None,
) -> NDArray[np.int64]:
    """Number of filtered edges at each node (a self-loop counts twice). O(m)."""
    keep = np.flatnonzero(edge_mask(net, as_at=as_at, natures=natures))
    return np.bincount(net.src[keep], minlength=net.n) + np.bincount(net.dst[keep], minlength=net.n)
