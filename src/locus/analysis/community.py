"""Communities by modularity: NetworKit's Leiden, made deterministic.

Why NetworKit (MIT), measured on this machine (2 cores, one thread used):

* on the borough benchmark's link graph (20k children, 1.8M linked pairs)
  ``ParallelLeiden`` takes 0.4 s, PLM (Louvain) 0.5 s, with modularity 0.432
  and 0.426; on a 1M-node, 5M-edge clustered graph PLM takes about 7-10 s;
* a vectorised numpy Louvain written for Locus first (synchronous moves, every
  node at once) reached the same modularity but took 3.5 s at 50k nodes and
  would take over a minute at 1M: synchronous moves need tens of sweeps;
* NetworkX's ``louvain_communities`` took 8.6 s at 50k nodes;
* igraph and leidenalg would do too but are GPL.

At national scale (the benchmark's 1M people) the two graphs a whole-network
refresh runs Leiden on cost, in CPU seconds on this machine: the link graph
(400k held children, 12.6M linked pairs, one connected component) 10.6 for
``ParallelLeiden`` (modularity 0.633), the association network (1M people,
3.2M distinct open pairs) 10.5 (0.898); building NetworKit's graph and the
connected pieces add about 2 more. Measured against it and not taken:

* graspologic-native's seeded Leiden (Rust, MIT; ``leiden_csr`` on the same
  CSR arrays, deterministic): 31.5 CPU-s on the link graph for one iteration
  (0.623), 44 for two (0.635);
* scikit-network's Louvain (Cython, BSD, deterministic): 36 CPU-s (0.618);
* a sequential Louvain compiled with numba (queue-based local moving, then
  aggregation): 11.6 CPU-s (0.619), nearly all of it the first level's local
  moving: 25M adjacency entries visited in random order are memory-bound;
* ``ParallelLeiden`` with one iteration: 6.5 CPU-s but modularity 0.608 (link
  graph) and 0.879 (association network); PLM without refinement capped at 8
  sweeps: 3.5 CPU-s, 0.596;
* two NetworKit threads: the same 10.6 CPU-s, and not deterministic.

Two changes brought a national refresh under 10 s. Borough clusters are built
from the strong links only (``locus.analysis.triage.strong``: 946,238 of the
12.6M pairs), where Leiden takes about 3 CPU-s. And ``ParallelLeiden`` visits
the nodes in index order (``randomize=False``) instead of shuffling them before
each pass: measured on the national graphs, the same modularity (association
network 0.8977 against 0.8978, strong link graph 0.9370 against 0.9371) in
about half the time (2.9 s against 5.9 s, and 1.5 s against 3.1 s). Part of
that is locality, since the benchmark's ids lie in peer-group order. With the
association network's ids shuffled first it was still 5.2 s against 7.3 s.

A refresh can give the association network the second core: the benchmark's
``whole_network_both_cores`` runs that Leiden in a second thread while the
first builds the network and finds the link table. That is deterministic
(NetworKit's generator is per thread and reseeded by the ``setSeed`` each run
makes under the lock below, and each run uses one thread). Two memory-bound
steps at once slow each other, so with no core free it is slower than the
steps one after another.

Determinism: NetworKit's algorithms run in parallel, so results can depend on
thread timing. :func:`leiden` runs on one thread (restoring the caller's
setting afterwards) with NetworKit's generator seeded, so the same input and
seed give the same labels.

Leiden's communities are connected; :func:`connected_pieces` enforces it
anyway (cheaply), since a disconnected community is never what a practitioner
should be shown, and splitting one always raises modularity.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from locus.analysis import _checks as check

__all__ = ["connected_pieces", "leiden", "modularity", "symmetric_matrix", "upper_matrix"]

# An edge list: node indices at either end, and (optional) weights, one per edge.
Nodes = NDArray[np.integer]
Weights = NDArray[np.floating]

# NetworKit's thread count and seed are process-wide; one call at a time sets them.
_NETWORKIT = threading.Lock()


def symmetric_matrix(n: int, a: Nodes, b: Nodes, weight: Weights | None = None) -> sp.csr_matrix:
    """The symmetric weighted adjacency of undirected edges ``(a, b)``.

    Parallel edges add up; a self-loop of weight ``w`` becomes ``2w`` on the
    diagonal, so that row sums are weighted degrees. O(n + m). ``a`` and ``b``
    are node indices in ``0..n-1``; weights are finite and non-negative.
    """
    n, a, b, w = _edges(n, a, b, weight)
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    matrix = sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


def upper_matrix(n: int, a: Nodes, b: Nodes, weight: Weights | None = None) -> sp.csr_matrix:
    """Each undirected edge once, in the upper triangle; parallel edges add up. O(n + m).

    Half the size of :func:`symmetric_matrix`, and what :func:`leiden` hands NetworKit.
    """
    n, a, b, w = _edges(n, a, b, weight)
    return _upper_csr(n, a, b, w)


def _upper_csr(n: int, a: Nodes, b: Nodes, weight: Weights | None = None) -> sp.csr_matrix:
    """:func:`upper_matrix` unchecked (float64 weights, default 1), for callers that checked.

    Pairs already ``a < b`` in strictly ascending order (a link table's) are laid out as CSR
    directly: no COO conversion, no sorting, no summing, and no copy of the endpoints beyond
    the int32 column indices.
    """
    w = np.ones(a.size) if weight is None else np.asarray(weight, dtype=np.float64)
    if _ascending_upper(a, b):
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
        index_type = np.int32 if n < 2**31 and a.size < 2**31 else np.int64
        return sp.csr_matrix((w, b.astype(index_type), indptr.astype(index_type)), shape=(n, n))
    matrix = sp.csr_matrix((w, (np.minimum(a, b), np.maximum(a, b))), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


def _ascending_upper(a: Nodes, b: Nodes) -> bool:
    """Whether every pair has ``a < b`` and the pairs are strictly ascending by ``(a, b)``."""
    if not a.size:
        return True
    if not (a < b).all():
        return False
    step = np.diff(a)
    return bool((step >= 0).all() and ((step > 0) | (b[1:] > b[:-1])).all())


def _edges(
    n: int, a: ArrayLike, b: ArrayLike, weight: ArrayLike | None
) -> tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The checked edge list: ``n``, endpoints as int64 and weights (default 1) as float64."""
    n = check.integer(n, "n")
    a_, b_ = check.pairs(n, a, b)
    w = check.weights(weight, "weight", a_.size)
    return n, a_, b_, np.ones(a_.size) if w is None else w


def modularity(
    matrix: sp.csr_matrix, labels: NDArray[np.integer], resolution: float = 1.0
) -> float:
    """Newman's modularity of ``labels`` on a symmetric matrix; O(n + nnz).

    A node labelled ``-1`` counts as a community of its own; an empty graph has
    modularity 0. ``matrix`` (sparse or a 2-d array) must be symmetric with finite,
    non-negative weights, and ``labels`` one integer from -1 to below 2**63 per node.
    """
    matrix = check.square_matrix(matrix, "matrix", symmetric=True)
    # Below 2**63: a uint64 label past it would wrap to a negative one (-1 for 2**64 - 1).
    labels = check.integers(labels, "labels", low=-1, high=2**63, length=matrix.shape[0])
    resolution = check.number(resolution, "resolution", low=0.0)
    coo = matrix.tocoo()
    two_m = float(coo.data.sum())
    if two_m <= 0:
        return 0.0
    labels = labels.astype(np.int64, copy=False)
    # Each unlabelled node a negative id of its own: never a label, and never an overflow.
    ids = np.where(labels >= 0, labels, -1 - np.arange(labels.size))
    _, ids = np.unique(ids, return_inverse=True)
    same = ids[coo.row] == ids[coo.col]
    inside = float(coo.data[same].sum())
    degrees = np.asarray(matrix.sum(axis=1)).ravel()
    totals = np.bincount(ids, weights=degrees)
    return inside / two_m - resolution * float(np.square(totals / two_m).sum())


def leiden(matrix: sp.csr_matrix, *, seed: int = 0, resolution: float = 1.0) -> NDArray[np.int64]:
    """Community label of every node of a non-negative weighted graph.

    Parameters
    ----------
    matrix : scipy.sparse matrix or 2-d numpy array
        Finite, non-negative weights: symmetric (:func:`symmetric_matrix`) or each
        edge once in the upper triangle (:func:`upper_matrix`, cheaper). Any other
        matrix is refused, since only the upper triangle is read.
    seed : int
        Seeds NetworKit's generator (0 to below 2**64): the same input and seed give
        the same labels.
    resolution : float
        Modularity resolution (1.0 is Newman's modularity), finite and non-negative.

    Returns
    -------
    numpy.ndarray
        Labels ``0..k-1`` numbered in order of each community's smallest node.
        Every community is connected; an isolated node is a community of its own.

    Notes
    -----
    NetworKit's ``ParallelLeiden`` (Traag et al. 2019) on one thread: about
    O(m) per pass, two runs.
    """
    matrix = check.square_matrix(matrix, "matrix", symmetric=True, upper_ok=True)
    seed = check.integer(seed, "seed", high=2**64)
    resolution = check.number(resolution, "resolution", low=0.0)
    return _leiden(sp.triu(matrix).tocsr(), seed, resolution)


def _leiden(upper: sp.csr_matrix, seed: int, resolution: float) -> NDArray[np.int64]:
    """:func:`leiden` unchecked, on a canonical upper-triangular float64 CSR matrix."""
    # Imported here, not at the top: importing NetworKit takes about 0.7 s, which only
    # callers that want communities should pay (once per process).
    import networkit as nk

    n = upper.shape[0]
    if upper.nnz == 0:
        return np.arange(n, dtype=np.int64)
    with _NETWORKIT:
        threads = nk.getMaxNumberOfThreads()
        nk.setNumberOfThreads(1)
        try:
            # Built on one thread too: a parallel build can order adjacency lists
            # differently from run to run, and Leiden's result depends on that order.
            # GraphFromCsr makes one edge per stored entry, so hand it each pair once.
            # Unweighted when every weight is 1 (a link table's pairs): NetworKit then
            # reads each edge's weight as 1 (the same partition), without storing 8 bytes
            # per edge end, and Leiden runs faster.
            weighted = not bool((upper.data == 1.0).all())
            graph = nk.GraphFromCsr(upper, directed=False, weighted=weighted)
            nk.setSeed(int(seed), False)
            # Two Leiden runs, not NetworKit's default three: measured, the third never
            # raised modularity by more than 0.0002 (karate club, borough link graph)
            # and costs a third of the time.
            # Nodes visited in index order, not shuffled before each pass: the same modularity
            # (national association network 0.8977 against 0.8978; strong link graph 0.9370
            # against 0.9371) in half the time (2.9 s against 5.9 s; 1.5 against 3.1), and
            # still 30% faster with the node ids shuffled first (5.2 s against 7.3 s), so
            # the gain is not only the benchmark's ids lying in peer-group order.
            algorithm = nk.community.ParallelLeiden(
                graph, iterations=2, randomize=False, gamma=float(resolution)
            )
            labels = np.asarray(algorithm.run().getPartition().getVector(), dtype=np.int64)
        finally:
            nk.setNumberOfThreads(threads)
        del graph, algorithm
    return _connected_pieces(upper, labels)


def connected_pieces(matrix: sp.csr_matrix, labels: NDArray[np.integer]) -> NDArray[np.int64]:
    """Split every community into its connected pieces, numbered by smallest node. O(n + nnz).

    ``matrix`` (sparse or a 2-d array, finite and non-negative) may be symmetric or not:
    every stored entry is an edge, counted in both directions. ``labels`` holds one
    integer per node.
    """
    matrix = check.square_matrix(matrix, "matrix")
    labels = check.integers(labels, "labels", low=None, length=matrix.shape[0])
    return _connected_pieces(matrix, labels)


def _connected_pieces(matrix: sp.csr_matrix, labels: NDArray[np.integer]) -> NDArray[np.int64]:
    labels = np.asarray(labels, dtype=np.int64)
    # The entries within one community, kept in CSR form (no COO copy, no re-sort): row r's
    # kept entries are counted by a running sum read at the row pointers.
    rows = np.repeat(labels, np.diff(matrix.indptr))
    same = rows == labels[matrix.indices]
    del rows
    kept = np.zeros(same.size + 1, dtype=np.int64)
    np.cumsum(same, out=kept[1:])
    # float64 entries: scipy's connected_components works on float64 and would copy others.
    inside = sp.csr_matrix(
        (np.ones(int(kept[-1])), matrix.indices[same], kept[matrix.indptr]), shape=matrix.shape
    )
    del same, kept
    _, pieces = connected_components(inside, directed=False)
    return np.asarray(pieces, dtype=np.int64)
