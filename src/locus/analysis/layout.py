"""A map's layout in bands: the centre at the origin, then a ring per band outwards.

Why precomputed rather than a force-directed layout in the browser: the screen and the
printed map (an SVG drawn by the server) must agree, the same data must always give
the same picture, and no two labels may overlap however busy the map. A force layout
gives none of these; rings do, by construction:

* every item is a box (its node and the label under it) and is kept apart by its
  circumscribed circle: two boxes whose centres are further apart than the sum of
  their circles' radii (plus a gap) cannot overlap;
* on a ring, neighbours are a chord apart, and the radius is chosen so that the
  chord is long enough; a crowded band is split into up to four staggered sub-rings
  rather than one enormous ring;
* each band starts beyond the last one's outermost circle.

Order round a ring follows the inner items an item is linked to (the circular mean of
their angles), so a second-step peer sits out beyond the peer who links them and a
place sits beyond the people who go there: fewer and shorter crossing lines.

Every argument is checked as given (``_checks``) and a bad one raises ``ValueError`` naming
it (``TypeError`` for the wrong kind of object): a float or a boolean mask taken for item
indices, or a NaN size, would otherwise be a quietly wrong picture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from locus.analysis import _checks as check

__all__ = ["CHAR_EM", "banded", "label_box", "overlapping"]

# The width of an average character as a fraction of the font size (Arial, mixed case and
# capitals, rounded up): a label's box is never narrower than its text.
CHAR_EM = 0.62
LINE_EM = 1.25
MAX_SUB_RINGS = 4


def label_box(lines: Sequence[str], *, font_px: float, node_px: float) -> tuple[float, float]:
    """The width and height of a node with its label (``lines``, a list of strings) set
    under it; ``font_px`` and ``node_px`` are finite and non-negative."""
    if isinstance(lines, str) or not isinstance(lines, Sequence):
        raise TypeError(f"lines must be a list of strings, not {type(lines).__name__}")
    for line in lines:
        check.instance(line, str, "lines")
    font_px = check.number(font_px, "font_px", low=0.0)
    node_px = check.number(node_px, "node_px", low=0.0)
    longest = max((len(line) for line in lines), default=0)
    width = max(node_px, longest * CHAR_EM * font_px + 8)
    height = node_px + 6 + len(lines) * LINE_EM * font_px
    return float(width), float(height)


def banded(
    bands: ArrayLike,
    sizes: ArrayLike,
    a: ArrayLike = (),
    b: ArrayLike = (),
    *,
    gap: float = 10.0,
) -> NDArray[np.float64]:
    """The centres (n x 2, y downwards) of n boxes laid out in bands round the origin.

    ``bands[i]`` is item i's band: 0 is the centre (at most one item, at the origin),
    then 1, 2, ... outwards (bands need not be consecutive). ``sizes[i]`` is its box's
    width and height. ``(a, b)`` are links between items, used only to order each ring.

    ``bands`` are non-negative integers, ``sizes`` n rows of two finite, non-negative
    numbers, ``a`` and ``b`` item indices in ``0..n-1`` (not a mask), ``gap`` finite and
    non-negative; anything else raises ``ValueError`` naming the argument.
    """
    band = check.integers(bands, "bands", meaning="non-negative band numbers")
    n = int(band.size)
    size = _boxes(sizes, "sizes", n)
    if np.count_nonzero(band == 0) > 1:
        raise ValueError("bands must have at most one item in band 0 (the centre)")
    ends_a, ends_b = check.pairs(n, a, b)
    gap = check.number(gap, "gap", low=0.0)

    circle = np.hypot(size[:, 0], size[:, 1]) / 2
    centres = np.zeros((n, 2))
    angle = np.full(n, np.nan)
    placed = band == 0
    outer = float(circle[placed].max()) if placed.any() else 0.0
    for ring in np.unique(band[band > 0]):
        members = np.flatnonzero(band == ring)
        preferred = _preferred_angles(members, angle, placed, ends_a, ends_b)
        order = members[np.lexsort((members, np.nan_to_num(preferred, nan=10.0)))]
        c = float(circle[members].max())
        radii, slots, outer = _sub_rings(len(order), c, gap, outer)
        offset = _rotation(preferred[np.searchsorted(members, order)], slots)
        theta = offset + slots
        centres[order, 0] = radii * np.cos(theta)
        centres[order, 1] = radii * np.sin(theta)
        angle[order] = np.mod(theta, 2 * np.pi)
        placed[order] = True
    return centres


def _preferred_angles(
    members: NDArray[np.int64],
    angle: NDArray[np.float64],
    placed: NDArray[np.bool_],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
) -> NDArray[np.float64]:
    """The circular mean of the angles of the placed, off-centre items each member is
    linked to (NaN where it is linked to none)."""
    near = np.concatenate([a, b])
    far = np.concatenate([b, a])
    keep = np.isin(near, members) & placed[far] & ~np.isnan(angle[far])
    near, far = near[keep], far[keep]
    where = np.searchsorted(members, near)
    sx = np.bincount(where, np.cos(angle[far]), minlength=len(members))
    sy = np.bincount(where, np.sin(angle[far]), minlength=len(members))
    count = np.bincount(where, minlength=len(members))
    out = np.full(len(members), np.nan)
    has = count > 0
    out[has] = np.mod(np.arctan2(sy[has], sx[has]), 2 * np.pi)
    return out


def _rotation(preferred: NDArray[np.float64], slots: NDArray[np.float64]) -> float:
    """The turn of the ring that best matches items to their preferred angles; with none,
    the first item at the top (12 o'clock, y downwards)."""
    known = ~np.isnan(preferred)
    if not known.any():
        return -np.pi / 2
    diff = preferred[known] - slots[known]
    return float(np.arctan2(np.sin(diff).sum(), np.cos(diff).sum()))


def _sub_rings(
    count: int, circle: float, gap: float, inner: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Radii and angles for ``count`` items dealt round-robin onto k staggered sub-rings
    (k chosen to keep the band thinnest), and the band's outer edge.

    The ring has ceil(count / k) * k evenly spaced slots, so that on every sub-ring,
    including across the wrap from the last item to the first, neighbours are
    2 * pi * k / slots apart; the radius makes that chord span two circles and a gap.
    """
    step = 2 * circle + gap
    best: tuple[float, NDArray[np.float64], NDArray[np.float64]] | None = None
    for k in range(1, min(MAX_SUB_RINGS, count) + 1):
        slots = -(-count // k) * k
        half = min(np.pi * k / slots, np.pi / 2)
        first = max(inner + circle + gap, step / (2 * np.sin(half)) if slots > k else 0.0)
        radii: NDArray[np.float64] = first + step * (np.arange(count) % k).astype(np.float64)
        edge = float(radii.max() + circle)
        if best is None or edge < best[0] - 1e-9:
            best = (edge, radii, 2 * np.pi * np.arange(count) / slots)
    assert best is not None
    return best[1], best[2], best[0]


def overlapping(centres: ArrayLike, sizes: ArrayLike) -> NDArray[np.int64]:
    """The pairs (i < j) of boxes that overlap: what a layout must never produce.

    ``centres`` are n finite ``(x, y)`` rows, ``sizes`` n finite, non-negative
    ``(width, height)`` rows."""
    c = _boxes(centres, "centres", None, low=None)
    s = _boxes(sizes, "sizes", c.shape[0])
    dx = np.abs(c[:, None, 0] - c[None, :, 0])
    dy = np.abs(c[:, None, 1] - c[None, :, 1])
    wx = (s[:, None, 0] + s[None, :, 0]) / 2
    wy = (s[:, None, 1] + s[None, :, 1]) / 2
    hit = np.triu((dx < wx) & (dy < wy), k=1)
    return np.argwhere(hit).astype(np.int64)


def _boxes(
    values: ArrayLike, name: str, n: int | None, *, low: float | None = 0.0
) -> NDArray[np.float64]:
    """``n`` rows of two finite reals (at least ``low``; any ``n`` when None) as float64;
    an empty list is no rows."""
    out = check.reals(values, name, low=low)
    if out.size == 0 and n in (0, None):
        return np.zeros((0, 2))
    if out.ndim != 2 or out.shape[1] != 2 or (n is not None and out.shape[0] != n):
        rows = "n" if n is None else str(n)
        raise ValueError(f"{name} must be {rows} rows of two numbers, not of shape {out.shape}")
    return out
