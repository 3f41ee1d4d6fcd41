"""A plain reference for hotspots (``benchmarks.places``): the same statistic, written the
textbook way and differently from ``locus.analysis.hotspots`` at every step.

* cells by ``numpy.histogramdd`` over the grid's edges (not a floor and a bincount);
* neighbours by a KD-tree over the cell centres within 1.5 cells (a queen neighbourhood), as a
  sparse weight matrix with the cell itself on the diagonal (not shifted slices);
* Gi* from that matrix, p-values cell by cell, Benjamini-Hochberg by
  ``scipy.stats.false_discovery_control``;
* hotspots by each significant cell climbing through the weight matrix to its peak, in a
  loop, and the classes by ``scipy.stats.kendalltau`` and an if/elif per hotspot.

Slow and obviously correct; it exists to be compared with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import stats
from scipy.spatial import cKDTree

from locus.analysis.hotspots import CLASSES


@dataclass
class ReferenceHotspots:
    z: np.ndarray  # (nx, ny)
    keys: list[str]  # strongest first
    classes: list[str]


def reference_hotspots(
    easting: np.ndarray,
    northing: np.ndarray,
    day: np.ndarray,
    *,
    today: int,
    weeks: int = 12,
    recent_weeks: int = 4,
    cell_m: float = 150.0,
    alpha: float = 0.05,
    min_incidents: int = 5,
) -> ReferenceHotspots:
    keep = (day <= today) & (day > today - 7 * weeks)
    e, n, d = easting[keep], northing[keep], day[keep]
    c0, c1 = int(np.floor(e.min() / cell_m)), int(np.floor(e.max() / cell_m))
    r0, r1 = int(np.floor(n.min() / cell_m)), int(np.floor(n.max() / cell_m))
    e_edges = np.arange(c0, c1 + 2) * cell_m
    n_edges = np.arange(r0, r1 + 2) * cell_m
    week_of = weeks - 1 - (today - d) // 7
    cube, _ = np.histogramdd(
        np.column_stack([e, n, week_of]), bins=[e_edges, n_edges, np.arange(weeks + 1) - 0.5]
    )
    nx, ny = cube.shape[:2]
    x = cube.sum(axis=2).ravel()
    cells = x.size

    ii, jj = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    centres = np.column_stack([ii.ravel(), jj.ravel()]).astype(float)
    pairs = cKDTree(centres).query_pairs(r=1.5, output_type="ndarray")
    ones = np.ones(len(pairs))
    w = sp.coo_matrix((ones, (pairs[:, 0], pairs[:, 1])), shape=(cells, cells))
    w = (w + w.T + sp.identity(cells)).tocsr()

    wsum = np.asarray(w.sum(axis=1)).ravel()
    local = w @ x
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    denominator = s * np.sqrt((cells * wsum - wsum**2) / (cells - 1))
    z = np.zeros(cells)
    ok = denominator > 0
    z[ok] = (local[ok] - mean * wsum[ok]) / denominator[ok]
    total = x.sum()
    p = np.array(
        [
            stats.binom.sf(k - 1, total, wi / cells) if k > 0 else 1.0
            for k, wi in zip(local, wsum, strict=True)
        ]
    )
    significant = stats.false_discovery_control(p) <= alpha
    # false_discovery_control adjusts; "adjusted <= alpha" is Benjamini-Hochberg's rule.
    hot = significant & (local >= min_incidents) & (z > 0)

    # Each hot cell climbs to the best hot cell among itself and its neighbours (most
    # incidents in the cell, then z, then the lower index) until it stays put: a peak.
    hot_ids = [int(c) for c in np.flatnonzero(hot)]
    hot_set = set(hot_ids)

    def better(c: int) -> tuple[float, float, int]:
        return (-x[c], -z[c], c)

    parent = {}
    for c in hot_ids:
        near = [int(k) for k in w[c].indices if int(k) in hot_set]
        parent[c] = min(near, key=better)
    tops = set()
    for c in hot_ids:
        while parent[c] != c:
            c = parent[c]
        tops.add(c)
    peaks = sorted(tops, key=lambda c: (-z[c], c))

    weekly_cells = cube.reshape(cells, weeks)
    borough = weekly_cells.sum(axis=0)
    keys, classes = [], []
    for c in peaks:
        i, j = divmod(int(c), ny)
        keys.append(f"E{round((c0 + i) * cell_m)}N{round((r0 + j) * cell_m)}")
        series = np.asarray(w[c] @ weekly_cells).ravel()
        share = wsum[c] / cells
        split = weeks - recent_weeks

        def hot_in(part: slice, series: np.ndarray = series, share: float = share) -> bool:
            k = series[part].sum()
            return bool(k > 0 and stats.binom.sf(k - 1, borough[part].sum(), share) <= alpha)

        earlier, recent = hot_in(slice(0, split)), hot_in(slice(split, None))
        rate = np.where(borough > 0, series / np.where(borough > 0, borough, 1), 0.0)
        if len(set(rate.tolist())) > 1:
            tau = stats.kendalltau(np.arange(weeks), rate)
            up = tau.statistic > 0 and tau.pvalue <= alpha
            down = tau.statistic < 0 and tau.pvalue <= alpha
        else:
            up = down = False
        if recent and not earlier:
            classes.append(CLASSES[1])
        elif (earlier and not recent) or down:
            classes.append(CLASSES[4])
        elif up:
            classes.append(CLASSES[2])
        else:
            classes.append(CLASSES[3])
    return ReferenceHotspots(z=z.reshape(nx, ny), keys=keys, classes=classes)
