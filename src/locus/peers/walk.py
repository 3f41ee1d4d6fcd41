"""The walk behind a peer map: who is one and two steps from a young person.

The selector loads the few relationships around the child and calls
:func:`neighbourhood` once; this adapts them (keyed by strings such as "p12" or,
for a peer not known to Locus, "u34") to ``locus.analysis.network``, the same
two-step walk the batch jobs and the benchmark use.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

import numpy as np

from locus.analysis.network import OPEN_END, build_network
from locus.analysis.network import neighbourhood as walk

K = TypeVar("K", bound=Hashable)


def neighbourhood(edges: Iterable[tuple[K, K]], centre: K, depth: int = 2) -> dict[K, int]:
    """Every node within ``depth`` steps of ``centre``, with its distance in steps.

    ``edges`` are undirected pairs of node keys (repeats and self-loops are harmless), already
    filtered to the day and natures shown; the centre is in the result even with no edges.
    """
    index: dict[K, int] = {centre: 0}
    pairs = [(index.setdefault(a, len(index)), index.setdefault(b, len(index))) for a, b in edges]
    pairs = [(a, b) for a, b in pairs if a != b]
    keys = list(index)
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    net = build_network(
        len(keys),
        src,
        dst,
        nature=np.zeros(len(pairs), dtype=np.int8),
        since=np.zeros(len(pairs), dtype=np.int32),
        until=np.full(len(pairs), OPEN_END, dtype=np.int32),
    )
    found = walk(net, 0, steps=depth)
    return {
        keys[n]: int(d) for n, d in zip(found.nodes.tolist(), found.distance.tolist(), strict=True)
    }
