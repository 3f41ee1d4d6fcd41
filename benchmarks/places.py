"""``locus bench places``: hotspots over synthetic incidents, against a plain reference.

The borough is a 6 km square of 150 m cells (40 x 40) with incidents over twelve weeks:
uniform noise, and four planted clusters whose weekly counts are new, fading, intensifying
and persistent (about 2% of the incidents). ``locus.analysis.hotspots.hotspots`` is timed from
the raw points to the classes; the reference (``benchmarks.reference_places``, the same
statistic written the textbook way) runs on the same data in the same run. They agree when
every cell's Gi* z-score matches within ``Z_TOLERANCE`` and the hotspots (keys, order and
classes) are the same. ``planted`` says whether every planted cluster was found with its class.

Reports::

    {"hotspots": {"seconds", "reference_seconds", "ratio", "agree", "peak_mb", "cpu_seconds",
                  "incidents", "hotspots", "planted", "targets"}}

The target (at the default scale, 1,000,000 incidents): hotspots under 5 s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from benchmarks import peers
from benchmarks.reference_places import reference_hotspots
from locus.analysis import hotspots as analysis

SCALES = {"tiny": 5_000, "small": 100_000, "full": 1_000_000}
TARGET_SECONDS = 5.0
TARGET_SCALE = "full"
Z_TOLERANCE = 1e-8
TODAY = 20_000
CELL = 150.0
E0, N0 = 530_100.0, 180_000.0  # cell edges, so uniform points fill every cell alike
SIDE_CELLS = 40
WEEKS = 12
# Planted clusters: the cell (col, row offsets in the square), the weekly counts as a share
# of one cell's weekly noise, and the class they should get.
PLANTED = (
    ((8, 8), [0.0] * 8 + [2.0] * 4, "new"),
    ((30, 10), [2.0] * 8 + [0.0] * 4, "fading"),
    ((10, 30), [w / 6 for w in range(WEEKS)], "intensifying"),
    ((28, 28), [1.0] * WEEKS, "persistent"),
)


@dataclass
class Borough:
    easting: np.ndarray
    northing: np.ndarray
    day: np.ndarray


def generate(incidents: int, seed: int) -> Borough:
    """``incidents`` incidents in the square over twelve weeks: noise and the planted ones."""
    rng = np.random.default_rng(seed)
    cells = SIDE_CELLS * SIDE_CELLS
    # At least two a cell-week for the planted ones, so a tiny borough has them too.
    per_cell_week = max(incidents / (cells * WEEKS), 2.0)
    e, n, d = [], [], []
    for (col, row), shares, _ in PLANTED:
        for week, share in enumerate(shares):
            k = round(share * per_cell_week * 3)
            e.append(E0 + (col + rng.uniform(0, 1, k)) * CELL)
            n.append(N0 + (row + rng.uniform(0, 1, k)) * CELL)
            d.append(TODAY - 7 * (WEEKS - 1 - week) - rng.integers(0, 7, k))
    planted = sum(a.size for a in e)
    rest = max(incidents - planted, 0)  # the planted ones are part of the total
    e.append(rng.uniform(E0, E0 + SIDE_CELLS * CELL, rest))
    n.append(rng.uniform(N0, N0 + SIDE_CELLS * CELL, rest))
    d.append(TODAY - rng.integers(0, 7 * WEEKS, rest))
    return Borough(np.concatenate(e), np.concatenate(n), np.concatenate(d).astype(np.int64))


def _planted_found(found: analysis.Hotspots) -> bool:
    for (col, row), _, expected in PLANTED:
        k = found.at(E0 + (col + 0.5) * CELL, N0 + (row + 0.5) * CELL)
        if k < 0 or found.class_name(k) != expected:
            return False
    return True


def run(scale: str, *, seed: int) -> dict[str, dict[str, Any]]:
    borough = generate(SCALES[scale], seed)

    def ours() -> analysis.Hotspots:
        return analysis.hotspots(
            easting=borough.easting, northing=borough.northing, day=borough.day, today=TODAY
        )

    found, seconds, peak, cpu = peers.measure(ours)
    ref, ref_seconds = peers.timed(
        lambda: reference_hotspots(borough.easting, borough.northing, borough.day, today=TODAY)
    )
    keys = [found.key(k) for k in range(len(found))]
    classes = [found.class_name(k) for k in range(len(found))]
    agree = (
        ref.z.shape == found.gi.z.shape
        and bool(np.allclose(ref.z, found.gi.z, rtol=0, atol=Z_TOLERANCE))
        and keys == ref.keys
        and classes == ref.classes
    )
    result = peers.Result(seconds, peak, ref_seconds, agree, cpu_seconds=cpu).as_dict()
    result.update(
        incidents=int(borough.day.size), hotspots=len(found), planted=_planted_found(found)
    )
    if scale == TARGET_SCALE:
        what = f"hotspots over {SCALES[scale]:,} incidents under {TARGET_SECONDS:g} s"
        result["targets"] = [
            {"what": what, "limit": TARGET_SECONDS, "met": seconds < TARGET_SECONDS}
        ]
    return {"hotspots": result}


def table(results: dict[str, dict[str, Any]], out: TextIO) -> None:
    r = results["hotspots"]
    rows = [
        ("operation", "seconds", "CPU s", "reference s", "ratio", "agree", "peak MB", "found"),
        (
            "hotspots",
            peers._fmt(r["seconds"]),
            peers._fmt(r["cpu_seconds"]),
            peers._fmt(r["reference_seconds"]),
            f"{r['ratio']:,.1f}x",
            "yes" if r["agree"] else "NO",
            f"{r['peak_mb']:,.0f}",
            f"{r['hotspots']} ({'planted found' if r['planted'] else 'planted MISSED'})",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells), file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)
    for target in r.get("targets", []):
        print(f"Target: {target['what']}: {'met' if target['met'] else 'NOT met'}", file=out)


def main(scale: str, *, seed: int, as_json: bool, out: TextIO) -> int:
    """The ``locus bench places`` command."""
    if not as_json:
        print(
            f"Hotspots benchmark, scale {scale}: {SCALES[scale]:,} incidents over {WEEKS} weeks "
            f"on a {SIDE_CELLS} x {SIDE_CELLS} grid of {CELL:g} m cells (seed {seed}).",
            file=out,
        )
    results = run(scale, seed=seed)
    if as_json:
        print(json.dumps(results), file=out)
    else:
        table(results, out)
    return 0 if results["hotspots"]["agree"] else 1
