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
    matrix = sp.csr_matrix((w, (np.minimum(a, b), np.maximum(a, b))), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


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
    non-negative weights, and ``labels`` one integer of at least -1 per node.
    """
    matrix = check.square_matrix(matrix, "matrix", symmetric=True)
    labels = check.integers(labels, "labels", low=-1, length=matrix.shape[0])
    resolution = check.number(resolution, "resolution", low=0.0)
    coo = matrix.tocoo()
    two_m = float(coo.data.sum())
    if two_m <= 0:
        return 0.0
    labels = labels.astype(np.int64, copy=False)
    ids = np.where(labels >= 0, labels, labels.max(initial=0) + 1 + np.arange(labels.size))
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
    # Imported here, not at the top: importing NetworKit takes about 0.7 s, which only
    # callers that want communities should pay (once per process).
    import networkit as nk

    matrix = check.square_matrix(matrix, "matrix", symmetric=True, upper_ok=True)
    seed = check.integer(seed, "seed", high=2**64)
    resolution = check.number(resolution, "resolution", low=0.0)
    n = matrix.shape[0]
    upper = sp.triu(matrix).tocsr()
    if upper.nnz == 0:
        return np.arange(n, dtype=np.int64)
    with _NETWORKIT:
        threads = nk.getMaxNumberOfThreads()
        nk.setNumberOfThreads(1)
        try:
            # Built on one thread too: a parallel build can order adjacency lists
            # differently from run to run, and Leiden's result depends on that order.
            # GraphFromCsr makes one edge per stored entry, so hand it each pair once.
            graph = nk.GraphFromCsr(upper, directed=False, weighted=True)
            nk.setSeed(int(seed), False)
            # Two Leiden runs, not NetworKit's default three: measured, the third never
            # raised modularity by more than 0.0002 (karate club, borough link graph)
            # and costs a third of the time.
            algorithm = nk.community.ParallelLeiden(graph, iterations=2, gamma=float(resolution))
            labels = np.asarray(algorithm.run().getPartition().getVector(), dtype=np.int64)
        finally:
            nk.setNumberOfThreads(threads)
    return _connected_pieces(matrix, labels)


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
    coo = matrix.tocoo()
    same = labels[coo.row] == labels[coo.col]
    inside = sp.csr_matrix(
        (np.ones(int(same.sum()), dtype=np.int8), (coo.row[same], coo.col[same])),
        shape=matrix.shape,
    )
    _, pieces = connected_components(inside, directed=False)
    return np.asarray(pieces, dtype=np.int64)
