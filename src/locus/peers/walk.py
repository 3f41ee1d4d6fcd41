"""The walk behind a peer map: who is one and two steps from a young person.

Pure Python, no Django: the selector loads the edges and calls :func:`neighbourhood`
once, so the walk can be swapped for ``locus.analysis.network.neighbourhood`` (the
CSR-based one, for national scale) by changing that one call.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def neighbourhood(edges: Iterable[tuple[K, K]], centre: K, depth: int = 2) -> dict[K, int]:
    """Every node within ``depth`` steps of ``centre``, with its distance in steps.

    Parameters
    ----------
    edges
        Undirected pairs of node keys; repeats and self-loops are harmless.
    centre
        The node the walk starts from (distance 0). It is in the result even
        when it has no edges.
    depth
        How many steps out to go.

    Returns
    -------
    dict
        ``{node: steps}`` for the centre and each node reached.

    Notes
    -----
    Breadth-first search: O(V + E) time and memory over the edges given.
    """
    adjacency: dict[K, set[K]] = {}
    for a, b in edges:
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    steps: dict[K, int] = {centre: 0}
    queue: deque[K] = deque([centre])
    while queue:
        node = queue.popleft()
        if steps[node] == depth:
            continue
        for near in adjacency.get(node, ()):
            if near not in steps:
                steps[near] = steps[node] + 1
                queue.append(near)
    return steps
