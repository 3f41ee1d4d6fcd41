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
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    w = np.ones(a.size) if weight is None else np.asarray(weight, dtype=np.float64)
    component: Ints = np.asarray(clusters(n, a, b), dtype=np.int64)
    group = component.copy()
    next_label = int(group.max()) + 1 if group.size else 0
    sizes = np.bincount(group[group >= 0]) if a.size else np.zeros(0, dtype=np.int64)
    pending = deque(int(label) for label in np.flatnonzero(sizes > max_size))
    while pending:
        label = pending.popleft()
        members = np.flatnonzero(group == label)
        inside = (group[a] == label) & (group[b] == label)
        local = np.full(n, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        parts = communities(members.size, local[a[inside]], local[b[inside]], w[inside], seed=seed)
        found = np.unique(parts[parts >= 0])
        if found.size <= 1:
            continue  # community detection sees one tight group: keep it whole
        for part in found:
            chosen = members[parts == part]
            group[chosen] = next_label
            if chosen.size > max_size:
                pending.append(next_label)
            next_label += 1
    return _renumber(group), component


def _renumber(labels: Ints) -> Ints:
    """Labels 0..k-1 in order of each group's smallest member; -1 stays -1."""
    out = np.full(labels.size, -1, dtype=np.int64)
    linked = np.flatnonzero(labels >= 0)
    if linked.size:
        _, first, inverse = np.unique(labels[linked], return_index=True, return_inverse=True)
        rank = np.argsort(np.argsort(linked[first]))
        out[linked] = rank[inverse]
    return out
