"""Groups of linked people small enough for one meeting.

A borough's links rarely fall into neat clusters: peer networks are small worlds, so most linked
children sit in one large connected component. A list of 900 children is nothing a meeting can
act on, so a component larger than ``max_size`` is split into its communities, and any community
still too large is split again, until every group fits or cannot be split further.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import ArrayLike, NDArray

from locus.analysis import _checks as check
from locus.analysis.linked import clusters, communities

Ints = NDArray[np.int64]


def meeting_groups(
    n: int,
    a: ArrayLike,
    b: ArrayLike,
    weight: ArrayLike | None = None,
    *,
    max_size: int = 12,
    seed: int = 0,
) -> tuple[Ints, Ints]:
    """Split the link graph into groups of at most ``max_size`` people where it can.

    Returns ``(group, component)``: a label per person for its group and for its connected
    component (-1 for a person with no link). Groups never cross components. A group is only
    larger than ``max_size`` when community detection finds no split of it.

    Each oversized group is split on its own pairs only (the pairs are partitioned once per
    round), so the cost is the pairs times the depth of splitting, not times the groups.

    ``a`` and ``b`` are indices in ``0..n-1``, weights finite and non-negative, ``max_size``
    at least 1; anything else raises ``ValueError`` naming the argument.
    """
    n = check.integer(n, "n")
    a, b = check.pairs(n, a, b)
    checked = check.weights(weight, "weight", a.size)
    w = np.ones(a.size) if checked is None else checked
    max_size = check.integer(max_size, "max_size", low=1)
    seed = check.integer(seed, "seed", high=2**64)
    component: Ints = np.asarray(clusters(n, a, b), dtype=np.int64)
    group = component.copy()
    next_label = int(group.max()) + 1 if group.size else 0
    inside = component[a] == component[b]  # always true; self-pairs are dropped below
    pending = deque(_oversized(group, a[inside], b[inside], w[inside], max_size))
    while pending:
        members, pa, pb, pw = pending.popleft()
        local_a = np.searchsorted(members, pa)
        local_b = np.searchsorted(members, pb)
        parts = communities(members.size, local_a, local_b, pw, seed=seed)
        found = np.unique(parts[parts >= 0])
        if found.size <= 1:
            continue  # community detection sees one tight group: keep it whole
        labels = np.full(members.size, -1, dtype=np.int64)
        for part in found:
            labels[parts == part] = next_label
            next_label += 1
        group[members] = np.where(labels >= 0, labels, group[members])
        keep = labels[local_a] == labels[local_b]
        pending.extend(_oversized(group, pa[keep], pb[keep], pw[keep], max_size))
    return _renumber(group), component


def _oversized(
    group: Ints, a: Ints, b: Ints, w: NDArray[np.float64], max_size: int
) -> list[tuple[Ints, Ints, Ints, NDArray[np.float64]]]:
    """The groups larger than ``max_size`` among the pairs given (all inside one group each),
    each as its sorted members and its own pairs."""
    proper = a != b
    a, b, w = a[proper], b[proper], w[proper]
    if not a.size:
        return []
    label = group[a]
    order = np.argsort(label, kind="stable")
    a, b, w, label = a[order], b[order], w[order], label[order]
    cuts = np.flatnonzero(np.diff(label)) + 1
    out = []
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, label.size], strict=True):
        members = np.unique(np.concatenate([a[lo:hi], b[lo:hi]]))
        if members.size > max_size:
            out.append((members, a[lo:hi], b[lo:hi], w[lo:hi]))
    return out


def _renumber(labels: Ints) -> Ints:
    """Labels 0..k-1 in order of each group's smallest member; -1 stays -1."""
    out = np.full(labels.size, -1, dtype=np.int64)
    linked = np.flatnonzero(labels >= 0)
    if linked.size:
        _, first, inverse = np.unique(labels[linked], return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(linked[first]))
        out[linked] = rank[inverse]
    return out
