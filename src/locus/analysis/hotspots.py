"""Hotspots: where incidents concentrate beyond the borough's own rate, and how that is changing.

Places and times, never people: the input is where and when incidents happened (grid metres
and day numbers) and nothing else, and the answer is about grid cells. Nothing here is
computed for, or returned about, a child.

The method, and why
-------------------
**A square grid** of ``cell_m`` metres (default 150 m) in British National Grid metres, so a
cell is the same size everywhere and its key (its south-west corner, e.g. ``E530850N181200``)
is the same every day. Postcode sectors were the other choice; they differ a hundredfold in
area, so "many incidents in a sector" would mostly measure the sector's size. 150 m is a
street block or a park: small enough to name with one place, large enough to hold a handful
of incidents in a few weeks.

**Getis-Ord Gi*** (Getis and Ord 1992; Ord and Getis 1995) on the counts over the whole
window: for each cell, the incidents in it and its eight neighbours (a queen neighbourhood
including the cell itself, binary weights), against the mean over the study area. With
``x`` the cell counts over ``n`` cells, ``X = mean(x)``, ``S = sqrt(mean(x**2) - X**2)``,
``W_i`` the number of cells in the neighbourhood (9 inside the grid, fewer at its edges)
and ``s_i`` the neighbourhood's count::

    z_i = (s_i - X W_i) / (S sqrt((n W_i - W_i**2) / (n - 1)))

The study area is the grid's bounding box: the cells from the lowest to the highest cell
of the incidents counted, or of ``area`` when the caller gives the borough's extent.

**Significance from the exact null distribution**, not the normal approximation: under the
null hypothesis that each incident fell in any cell of the study area with equal chance
(the borough's rate everywhere), ``s_i`` is Binomial(N, W_i / n) for N incidents, and
``z_i`` increases with ``s_i`` for a given ``W_i``, so the one-sided p-value of ``z_i`` is
that binomial's upper tail. Counts of incidents are small and skewed: at 0.5 incidents a
cell, the normal approximation would call a neighbourhood "1 in 30,000" that chance gives
1 in 1,000, and flag noise.

**A multiple-testing correction**: every cell is a test, so the p-values are corrected by
Benjamini-Hochberg at ``alpha`` (default 0.05). It controls the false discovery rate at
``alpha`` under the positive dependence neighbouring cells have (Benjamini and Yekutieli
2001); where there is no hotspot at all (uniform noise) every discovery is false and the
rate controlled is the family-wise one: **noise gives any hotspot at all in at most 5% of
boroughs**. A hotspot must also hold at least ``min_incidents`` incidents in its
neighbourhood, so that a pair of incidents in an otherwise empty quarter is not named.

**One hotspot per peak**: a cluster of incidents makes its neighbours significant too
(their neighbourhoods hold it), so each significant cell climbs to the best of itself and
its eight neighbours (most incidents in the cell itself, then the highest z) until it
reaches a peak, and the cells that reach the same peak are one hotspot, named by the peak's
key. Two busy places a street apart stay two hotspots rather than one large one.

**Emerging classes**, modelled on emerging hot spot analysis (ArcGIS Pro's space-time
classes), simplified for weekly counts in the tens rather than a long cube. The window of
``weeks`` weeks (default 12) ending ``today`` is split into the *earlier* weeks and the last
``recent_weeks`` (default 4). For the peak cell's neighbourhood:

* *hot earlier* / *hot recently*: the same exact test on that part of the window alone, at
  ``alpha`` (no further correction: the hotspot has already been found; this only
  describes it);
* *trend*: a Mann-Kendall test (:func:`mann_kendall`) on the weekly share of the borough's
  incidents that fell in the neighbourhood (a share, so a borough-wide rise is no trend),
  significant at ``alpha``.

========================  ===================================================================
class                     rule (first that applies)
========================  ===================================================================
new                       hot recently, not hot earlier
fading                    hot earlier, not hot recently; or a significant downward trend
intensifying              a significant upward trend
persistent                otherwise: hot over the window, no trend (hot throughout, or spread)
not a hotspot             every cell not in a hotspot
========================  ===================================================================

What it never does: name or score a person, use anything but a place and a day, or say
why incidents happen there.

Pure numpy and scipy: no Django, no other locus package. Every argument is checked at the
boundary (``_checks``) and a bad one raises ``ValueError`` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # not scipy.stats: a third of a second to import, in every process

from locus.analysis import _checks as check

__all__ = [
    "CLASSES",
    "FADING",
    "INTENSIFYING",
    "NEW",
    "NOT_HOTSPOT",
    "PERSISTENT",
    "GiStar",
    "Hotspots",
    "benjamini_hochberg",
    "cell_key",
    "gi_star",
    "hotspots",
    "mann_kendall",
]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

NOT_HOTSPOT, NEW, INTENSIFYING, PERSISTENT, FADING = range(5)
CLASSES = ("not a hotspot", "new", "intensifying", "persistent", "fading")

# Grid metres: a point beyond this is not in Great Britain's grid (nor a cell index).
_GRID_BOUND = 10_000_000.0
# A grid larger than this many cells is a mistake (a stray point far away), not a borough.
_MAX_CELLS = 4_000_000
# A cell's count is below this, so that a grid's total (fewer than 2**32 cells) fits int64.
_COUNT_LIMIT = 2**31
# A cell's column and row fit int32, so that its key in metres is exact (below 2**53).
_CELL_INDEX = 2**31


@dataclass(frozen=True, eq=False)
class GiStar:
    """Gi* for every cell of a 2-d grid of counts (all arrays the grid's shape).

    ``neighbourhood`` is each cell's count with its eight neighbours, ``neighbours`` how many
    cells that is; ``z`` the Gi* z-score; ``p`` the exact one-sided p-value (a cell hotter
    than chance); ``significant`` the cells Benjamini-Hochberg keeps at ``alpha``.
    """

    neighbourhood: Ints
    neighbours: Ints
    z: Floats
    p: Floats
    significant: NDArray[np.bool_]
    total: int
    alpha: float


def _box_sum(grid: NDArray[np.int64]) -> Ints:
    """Each cell's sum with its eight neighbours over the first two axes (cells beyond the
    edge count 0): nine shifted slices of a zero-padded copy."""
    nx, ny = grid.shape[:2]
    padded = np.zeros((nx + 2, ny + 2, *grid.shape[2:]), dtype=np.int64)
    padded[1:-1, 1:-1] = grid
    out = np.zeros(grid.shape, dtype=np.int64)
    for dx in range(3):
        for dy in range(3):
            out += padded[dx : dx + nx, dy : dy + ny]
    return out


def _neighbours(shape: tuple[int, int]) -> Ints:
    """How many cells each cell's neighbourhood has inside the grid (9, 6 on an edge, 4 in a
    corner; fewer on a grid one cell wide)."""
    nx, ny = shape
    along_x = np.minimum(np.arange(nx) + 1, 2) + np.minimum(nx - np.arange(nx), 2) - 1
    along_y = np.minimum(np.arange(ny) + 1, 2) + np.minimum(ny - np.arange(ny), 2) - 1
    return np.outer(along_x, along_y).astype(np.int64)


def benjamini_hochberg(p: ArrayLike, alpha: float = 0.05) -> NDArray[np.bool_]:
    """Which of the p-values ``p`` (any shape) Benjamini-Hochberg keeps at false discovery
    rate ``alpha``: every p at most the largest ``p_(k)`` with ``p_(k) <= k alpha / m``."""
    values = check.reals(p, "p")
    if values.size and (values.min() < 0 or values.max() > 1):
        raise ValueError("p must be probabilities from 0 to 1")
    alpha = _alpha(alpha)
    return _bh(values, alpha)


def _bh(values: Floats, alpha: float) -> NDArray[np.bool_]:
    flat = np.sort(values, axis=None)
    m = flat.size
    if m == 0:
        return np.zeros(values.shape, dtype=bool)
    passed = np.nonzero(flat <= alpha * np.arange(1, m + 1) / m)[0]
    if passed.size == 0:
        return np.zeros(values.shape, dtype=bool)
    return values <= flat[passed[-1]]


def _alpha(alpha: object, name: str = "alpha") -> float:
    out = check.number(alpha, name, low=0.0)
    if not 0 < out < 1:
        raise ValueError(f"{name} must be between 0 and 1, not {out}")
    return out


def _counts_grid(counts: ArrayLike, name: str) -> Ints:
    arr = np.asarray(counts)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-d grid, not {arr.ndim}-d")
    if arr.size == 0:
        raise ValueError(f"{name} must have at least one cell")
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be whole counts, not {arr.dtype}")
    if arr.min() < 0:
        raise ValueError(f"{name} must be non-negative counts")
    # Checked before the cast: a uint64 count past 2**63 would wrap negative, and sums of
    # counts near it would overflow int64. No cell holds 2**31 incidents.
    if int(arr.max()) >= _COUNT_LIMIT:
        raise ValueError(f"{name} must be whole counts below 2**31, not {arr.max()}")
    return arr.astype(np.int64)


def gi_star(counts: ArrayLike, *, alpha: float = 0.05) -> GiStar:
    """Getis-Ord Gi* (queen neighbourhood with the cell itself) on a 2-d grid of counts, with
    exact p-values and Benjamini-Hochberg at ``alpha`` over every cell (see the module's
    notes). Counts are integers from 0 to below 2**31. O(cells)."""
    grid = _counts_grid(counts, "counts")
    alpha = _alpha(alpha)
    return _gi_star(grid, alpha)


def _gi_star(grid: Ints, alpha: float) -> GiStar:
    n = grid.size
    total = int(grid.sum())
    neighbourhood = _box_sum(grid)
    weights = _neighbours(grid.shape)
    mean = total / n
    spread = np.sqrt(max(float((grid.astype(np.float64) ** 2).mean()) - mean * mean, 0.0))
    variance = (n * weights - weights**2) / max(n - 1, 1)
    scale = spread * np.sqrt(variance)
    z = np.divide(
        neighbourhood - mean * weights,
        scale,
        out=np.zeros(grid.shape, dtype=np.float64),
        where=scale > 0,
    )
    p = _upper_tail(neighbourhood, total, weights / n)
    return GiStar(
        neighbourhood=neighbourhood,
        neighbours=weights,
        z=z,
        p=p,
        significant=_bh(p, alpha),
        total=total,
        alpha=alpha,
    )


def _upper_tail(count: ArrayLike, total: ArrayLike, share: ArrayLike) -> Floats:
    """P(Binomial(total, share) >= count): 1 for a count of 0 or none in all."""
    count_ = np.asarray(count, dtype=np.float64)
    return np.where(count_ > 0, special.bdtrc(count_ - 1, total, share), 1.0)  # binom.sf


def mann_kendall(series: ArrayLike) -> tuple[Ints, Floats, Floats]:
    """The Mann-Kendall trend test on each row of ``series`` (a 2-d array, one series a row,
    oldest first): ``(S, z, p)`` with ``S`` the sum of the signs of every later-minus-earlier
    difference, ``z = S / sqrt(var S)`` with the variance corrected for ties, and ``p`` its
    two-sided p-value (1 where the series is constant). No continuity correction: the same
    statistic as Kendall's tau-b against time (``scipy.stats.kendalltau``). O(rows t^2)."""
    arr = np.asarray(series)
    if arr.ndim != 2:
        raise ValueError(f"series must be a 2-d array (one series a row), not {arr.ndim}-d")
    if arr.dtype == np.bool_ or arr.dtype.kind not in "iuf":
        raise ValueError(f"series must be numbers, not {arr.dtype}")
    values = arr.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError("series must be finite (no NaN or infinity)")
    return _mann_kendall(values)


def _mann_kendall(values: Floats) -> tuple[Ints, Floats, Floats]:
    rows, t = values.shape
    later, earlier = np.triu_indices(t, k=1)[::-1]
    s = np.sign(values[:, later] - values[:, earlier]).sum(axis=1).astype(np.int64)
    # Ties: a value shared by c points contributes (c - 1)(2c + 5) for each of them, which is
    # t(t - 1)(2t + 5) a tie group of t, the textbook's correction.
    equal = (values[:, :, None] == values[:, None, :]).sum(axis=2)
    ties = ((equal - 1) * (2 * equal + 5)).sum(axis=1)
    variance = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    z = np.divide(s, np.sqrt(variance), out=np.zeros(rows), where=variance > 0)
    p = np.where(variance > 0, 2 * special.ndtr(-np.abs(z)), 1.0)  # norm.sf
    return s, z, p


def cell_key(col: int, row: int, cell_m: float) -> str:
    """A cell's stable key: its south-west corner in grid metres, ``E530850N181200``.

    ``col`` and ``row`` are integers from -2**31 to below 2**31 (beyond, two cells could
    share a key), ``cell_m`` from 1 to 100000 metres."""
    col = check.integer(col, "col", low=-_CELL_INDEX, high=_CELL_INDEX)
    row = check.integer(row, "row", low=-_CELL_INDEX, high=_CELL_INDEX)
    cell_m = _cell_size(cell_m)
    return f"E{round(col * cell_m)}N{round(row * cell_m)}"


def _cell_size(cell_m: object) -> float:
    out = check.number(cell_m, "cell_m", low=1.0)
    if out > 100_000:
        raise ValueError(f"cell_m must be at most 100000 metres, not {out}")
    return out


@dataclass(frozen=True, eq=False)
class Hotspots:
    """The hotspots of one window, strongest first, and the grid they were found on.

    The grid has ``shape`` cells; grid cell ``(i, j)`` is cell ``(col0 + i, row0 + j)`` of the
    national grid at ``cell_m`` metres (see :func:`cell_key`). ``gi`` is Gi* over the whole
    window; ``label`` gives each grid cell's hotspot (an index into the per-hotspot arrays) or
    -1. Per hotspot ``k``: its peak cell ``col[k], row[k]``; ``cells`` in it; ``incidents`` in
    the peak's neighbourhood over the window and ``expected`` there at the borough's rate
    (``ratio`` their quotient); ``z`` and ``p`` the peak's Gi*; ``klass`` (``CLASSES``);
    ``trend_s`` and ``trend_p`` the Mann-Kendall trend; ``weekly`` the neighbourhood's
    incidents each week, oldest first. ``borough_weekly`` is every counted incident by week.
    """

    cell_m: float
    weeks: int
    recent_weeks: int
    today: int
    col0: int
    row0: int
    shape: tuple[int, int]
    total: int
    gi: GiStar
    label: Ints
    col: Ints
    row: Ints
    cells: Ints
    incidents: Ints
    expected: Floats
    z: Floats
    p: Floats
    klass: Ints
    trend_s: Ints
    trend_p: Floats
    weekly: Ints
    borough_weekly: Ints

    def __len__(self) -> int:
        return int(self.col.size)

    @property
    def ratio(self) -> Floats:
        return np.divide(
            self.incidents,
            self.expected,
            out=np.zeros(self.expected.shape),
            where=self.expected > 0,
        )

    def key(self, k: int) -> str:
        """Hotspot ``k``'s key (its peak cell's, :func:`cell_key`)."""
        k = check.integer(k, "k", high=len(self))
        return cell_key(int(self.col[k]), int(self.row[k]), self.cell_m)

    def class_name(self, k: int) -> str:
        k = check.integer(k, "k", high=len(self))
        return CLASSES[int(self.klass[k])]

    def at(self, easting: float, northing: float) -> int:
        """The hotspot covering the point (grid metres), or -1."""
        e = check.number(easting, "easting")
        n = check.number(northing, "northing")
        i = int(np.floor(e / self.cell_m)) - self.col0
        j = int(np.floor(n / self.cell_m)) - self.row0
        if 0 <= i < self.shape[0] and 0 <= j < self.shape[1]:
            return int(self.label[i, j])
        return -1

    def centre(self, k: int) -> tuple[float, float]:
        """Hotspot ``k``'s peak cell centre in grid metres."""
        k = check.integer(k, "k", high=len(self))
        return (float((self.col[k] + 0.5) * self.cell_m), float((self.row[k] + 0.5) * self.cell_m))


def _points(easting: ArrayLike, northing: ArrayLike, day: ArrayLike) -> tuple[Floats, Floats, Ints]:
    e = check.reals(easting, "easting", bound=_GRID_BOUND)
    if e.ndim != 1:
        raise ValueError(f"easting must be a 1-d array, not {e.ndim}-d")
    n = check.reals(northing, "northing", bound=_GRID_BOUND)
    if n.shape != e.shape:
        raise ValueError(f"northing must have the shape of easting {e.shape}, not {n.shape}")
    d = check.days(day, "day", length=e.size).astype(np.int64)
    return e, n, d


def _area(area: object, cell_m: float) -> tuple[int, int, int, int] | None:
    """``(easting_min, northing_min, easting_max, northing_max)`` as inclusive cell ranges."""
    if area is None:
        return None
    if not isinstance(area, tuple) or len(area) != 4:
        raise TypeError(
            "area must be a tuple (easting_min, northing_min, easting_max, northing_max)"
        )
    e0, n0, e1, n1 = (check.number(v, "area") for v in area)
    if not (e0 <= e1 and n0 <= n1) or max(abs(e0), abs(n0), abs(e1), abs(n1)) > _GRID_BOUND:
        raise ValueError("area must be (easting_min, northing_min, easting_max, northing_max)")
    cells = np.floor(np.array([e0, n0, e1, n1]) / cell_m).astype(np.int64)
    return int(cells[0]), int(cells[1]), int(cells[2]), int(cells[3])


def hotspots(
    *,
    easting: ArrayLike,
    northing: ArrayLike,
    day: ArrayLike,
    today: int,
    weeks: int = 12,
    recent_weeks: int = 4,
    cell_m: float = 150.0,
    alpha: float = 0.05,
    min_incidents: int = 5,
    area: tuple[float, float, float, float] | None = None,
) -> Hotspots:
    """The hotspots among incidents at ``(easting, northing)`` (grid metres) on ``day`` (days
    since 1970-01-01), over the ``weeks`` weeks ending ``today``; see the module's notes for
    the statistic and the classes. Incidents after ``today``, before the window or outside
    ``area`` (when given) are left out. O(I + cells x weeks) for I incidents.
    """
    e, n, d = _points(easting, northing, day)
    today = check.day(today, "today")
    weeks = check.integer(weeks, "weeks", low=2, high=521)
    recent_weeks = check.integer(
        recent_weeks, "recent_weeks", low=1, high=weeks, meaning=f"from 1 to {weeks - 1}"
    )
    cell_m = _cell_size(cell_m)
    alpha = _alpha(alpha)
    min_incidents = check.integer(min_incidents, "min_incidents", low=1)
    bounds = _area(area, cell_m)

    ago = (today - d) // 7
    kept = (d <= today) & (ago < weeks)
    col = np.floor(e[kept] / cell_m).astype(np.int64)
    row = np.floor(n[kept] / cell_m).astype(np.int64)
    week = (weeks - 1 - ago[kept]).astype(np.int64)
    if bounds is not None:
        c0, r0, c1, r1 = bounds
        inside = (col >= c0) & (col <= c1) & (row >= r0) & (row <= r1)
        col, row, week = col[inside], row[inside], week[inside]
    elif col.size:
        c0, r0, c1, r1 = int(col.min()), int(row.min()), int(col.max()), int(row.max())
    else:
        c0 = r0 = c1 = r1 = 0
    shape = (c1 - c0 + 1, r1 - r0 + 1)
    if shape[0] * shape[1] > _MAX_CELLS:
        raise ValueError(
            f"easting and northing span {shape[0]} x {shape[1]} cells of {cell_m:g} m, more "
            f"than {_MAX_CELLS}: a point far from the rest, or cell_m too small"
        )
    flat = ((col - c0) * shape[1] + (row - r0)) * weeks + week
    cube = np.bincount(flat, minlength=shape[0] * shape[1] * weeks).reshape(*shape, weeks)
    return _found(cube.astype(np.int64), c0, r0, cell_m, today, recent_weeks, alpha, min_incidents)


def _found(
    cube: Ints,
    col0: int,
    row0: int,
    cell_m: float,
    today: int,
    recent_weeks: int,
    alpha: float,
    min_incidents: int,
) -> Hotspots:
    """Hotspots from a (cells x, cells y, weeks) cube of counts."""
    shape = (int(cube.shape[0]), int(cube.shape[1]))
    weeks = int(cube.shape[2])
    gi = _gi_star(cube.sum(axis=2), alpha)
    hot = gi.significant & (gi.neighbourhood >= min_incidents) & (gi.z > 0)
    roots = _climb(hot, cube.sum(axis=2), gi.z)
    label = np.full(shape[0] * shape[1], -1, dtype=np.int64)
    peaks = np.unique(roots[hot.ravel()])
    # Strongest first: by z, then by grid order, so the list is the same every time.
    peaks = peaks[np.lexsort((peaks, -gi.z.ravel()[peaks]))]
    renumber = np.full(shape[0] * shape[1], -1, dtype=np.int64)
    renumber[peaks] = np.arange(peaks.size)
    label[hot.ravel()] = renumber[roots[hot.ravel()]]
    label = label.reshape(shape)
    pi, pj = np.unravel_index(peaks, shape)

    weekly_cube = _box_sum(cube)[pi, pj]  # (k, weeks)
    borough_weekly = cube.sum(axis=(0, 1)).astype(np.int64)
    share = gi.neighbours[pi, pj] / (shape[0] * shape[1])
    klass, trend_s, trend_p = _classes(weekly_cube, borough_weekly, share, recent_weeks, alpha)
    return Hotspots(
        cell_m=cell_m,
        weeks=weeks,
        recent_weeks=recent_weeks,
        today=today,
        col0=col0,
        row0=row0,
        shape=shape,
        total=gi.total,
        gi=gi,
        label=label.astype(np.int64),
        col=(pi + col0).astype(np.int64),
        row=(pj + row0).astype(np.int64),
        cells=np.bincount(label[label >= 0], minlength=peaks.size).astype(np.int64),
        incidents=gi.neighbourhood[pi, pj],
        expected=gi.total * share,
        z=gi.z[pi, pj],
        p=gi.p[pi, pj],
        klass=klass,
        trend_s=trend_s,
        trend_p=trend_p,
        weekly=weekly_cube.astype(np.int64),
        borough_weekly=borough_weekly,
    )


def _climb(hot: NDArray[np.bool_], own: Ints, z: Floats) -> Ints:
    """For each hot cell, the peak it climbs to (flat indices; other cells point to themselves).

    Hot cells are ranked by the incidents in the cell itself (where they are, rather than a
    neighbour whose neighbourhood holds them too), then z, then grid order; each points to the
    best-ranked hot cell among itself and its eight neighbours, and the pointers are followed
    to a cell that points to itself: a peak. Touching hot cells around two separate peaks are
    two hotspots (a busy place beside another is not swallowed by it), and a plateau of hot
    cells climbs to one peak."""
    nx, ny = hot.shape
    cells = np.flatnonzero(hot)
    order = cells[np.lexsort((cells, -z.ravel()[cells], -own.ravel()[cells]))]
    worst = np.iinfo(np.int64).max
    rank = np.full(nx * ny, worst, dtype=np.int64)
    rank[order] = np.arange(order.size)
    padded = np.full((nx + 2, ny + 2), worst, dtype=np.int64)
    padded[1:-1, 1:-1] = rank.reshape(nx, ny)
    best = rank.reshape(nx, ny).copy()
    for dx in range(3):
        for dy in range(3):
            best = np.minimum(best, padded[dx : dx + nx, dy : dy + ny])
    up = np.arange(nx * ny, dtype=np.int64)
    up[cells] = order[best.ravel()[cells]]
    # Pointer jumping: each pass halves the longest remaining path.
    while True:
        nxt = up[up]
        if np.array_equal(nxt, up):
            return up
        up = nxt


def _classes(
    weekly: Ints, borough: Ints, share: Floats, recent_weeks: int, alpha: float
) -> tuple[Ints, Ints, Floats]:
    """The emerging class of each hotspot from its neighbourhood's weekly counts (rows of
    ``weekly``), the borough's weekly counts and the neighbourhood's share of the study area
    (the module's table)."""
    split = weekly.shape[1] - recent_weeks

    def hot(part: slice) -> NDArray[np.bool_]:
        count = weekly[:, part].sum(axis=1)
        total = int(borough[part].sum())
        return (count > 0) & (_upper_tail(count, total, share) <= alpha)

    earlier, recent = hot(slice(0, split)), hot(slice(split, None))
    rate = np.divide(
        weekly, borough, out=np.zeros(weekly.shape, dtype=np.float64), where=borough > 0
    )
    s, _, p = _mann_kendall(rate)
    up, down = (s > 0) & (p <= alpha), (s < 0) & (p <= alpha)
    klass = np.select(
        [recent & ~earlier, (earlier & ~recent) | down, up],
        [NEW, FADING, INTENSIFYING],
        default=PERSISTENT,
    )
    return klass.astype(np.int64), s, p
