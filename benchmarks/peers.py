"""``locus bench peers``: time the peer-network analysis against plain NetworkX.

For each operation the benchmark times ``locus.analysis`` on synthetic data
(``benchmarks.synthetic``), runs a NetworkX reference (``benchmarks.reference``)
on the same data where NetworkX finishes in reasonable time (not at national
scale), checks that both agree, and reports::

    {op: {"seconds", "reference_seconds", "ratio", "agree", "peak_mb"}}

``ratio`` is reference_seconds / seconds; ``reference_seconds``, ``ratio`` and
``agree`` are null where the reference did not run. ``peak_mb`` is the
process's peak resident memory during the operation (Linux: the high-water
mark is reset before each operation), so it includes the data already loaded.

Operations:

build_network
    the symmetric CSR from the association arrays (reference: a NetworkX
    MultiGraph with edge attributes).
build_evidence
    the person/incident/place lookups linked-case discovery uses (reference:
    the dictionaries the NetworkX walk uses).
components
    connected components of the current network.
peer_map_2step_p95, peer_map_2step_p50
    95th and 50th percentile over 1,000 random held children of one 2-step
    neighbourhood (nodes, distances and the edges among them).
linked_cases_caseload_30
    every child held elsewhere linked to each of 30 random held children,
    with all the evidence, as columns (``find_link_rows``; the reference
    returns a dict of evidence sets per pair). The agreement check turns the
    columns into ``Link`` objects, untimed, and compares every piece;
    ``find_links``, which returns those objects, costs that conversion more.
clusters
    borough-wide: every linked pair among held children (link_table), their
    connected components and the communities within them.
communities
    communities of the whole current association network.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TextIO, TypeVar

import numpy as np

from benchmarks.synthetic import SCALES, Synthetic, generate
from locus.analysis import linked, network
from locus.analysis.community import modularity, symmetric_matrix

T = TypeVar("T")

PEER_MAPS = 1_000
CASELOAD = 30
WINDOW_DAYS = 30
# Scales at which the NetworkX reference runs; at national it would take hours.
REFERENCE_SCALES = ("tiny", "small", "borough")
# Our communities may have slightly lower modularity than NetworkX's Louvain and still agree.
MODULARITY_TOLERANCE = 0.02
TARGETS = (
    ("clusters", "borough", "seconds", 2.0, "borough-wide linked-case clusters under 2 s"),
    ("peer_map_2step_p95", "national", "seconds", 0.1, "peer map p95 under 100 ms at national"),
)


@dataclass
class Result:
    seconds: float
    peak_mb: float
    reference_seconds: float | None = None
    agree: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        ratio = None
        if self.reference_seconds is not None and self.seconds > 0:
            ratio = round(self.reference_seconds / self.seconds, 1)
        return {
            "seconds": round(self.seconds, 6),
            "reference_seconds": (
                None if self.reference_seconds is None else round(self.reference_seconds, 6)
            ),
            "ratio": ratio,
            "agree": self.agree,
            "peak_mb": round(self.peak_mb, 1),
        }


# ---------------------------------------------------------------------------
# Measuring


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # Linux: reset the resident-set high-water mark (VmHWM)
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(fn: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``fn`` once: its result, seconds taken, and peak resident MB meanwhile."""
    _reset_peak()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return result, seconds, _peak_mb()


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# ---------------------------------------------------------------------------
# Agreement


def canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel a partition by each group's smallest node (-1 stays -1): equal iff same partition."""
    labels = np.asarray(labels, dtype=np.int64)
    out = np.full(labels.size, -1, dtype=np.int64)
    placed = np.flatnonzero(labels >= 0)
    if placed.size:
        smallest = np.full(int(labels.max()) + 1, labels.size, dtype=np.int64)
        np.minimum.at(smallest, labels[placed], placed)
        out[placed] = smallest[labels[placed]]
    return out


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(canonical(a), canonical(b)))


# ---------------------------------------------------------------------------
# The benchmark


class Progress:
    """A tqdm bar over the steps (hidden when the stream is not a terminal)."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=total,
            file=stream or sys.stderr,
            disable=None if stream is not None else True,
            bar_format="{desc:<40}{percentage:3.0f}%|{bar}| {elapsed}",
        )

    def step(self, description: str) -> None:
        self.bar.set_description_str(description, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def reference_available() -> bool:
    try:
        import networkx  # noqa: F401
    except ImportError:
        return False
    return True


def run(
    scale: str,
    *,
    seed: int = 0,
    reference: bool = True,
    progress_stream: TextIO | None = None,
) -> dict[str, dict[str, Any]]:
    """Run every operation at ``scale``; returns ``{op: result dict}``."""
    use_reference = reference and scale in REFERENCE_SCALES and reference_available()
    steps = ["people", "associations", "places", "incidents", "involvements", "caseloads"]
    bar = Progress(progress_stream, total=len(steps) + 8)
    data = generate(SCALES[scale], seed=seed, progress=lambda s: bar.step(f"Generating {s}"))
    rng = np.random.default_rng(seed + 1)
    children = rng.choice(data.held, size=min(PEER_MAPS, data.held.size), replace=False)
    caseload = rng.choice(data.held, size=min(CASELOAD, data.held.size), replace=False)
    # Import NetworKit now: its import takes about 0.7 s, which no operation should be charged.
    import networkit  # noqa: F401

    ours = _Ours(data)
    ref = _Reference(data, seed) if use_reference else None
    results: dict[str, Result] = {}
    try:
        for name, fn in (
            ("build_network", lambda: ours.build_network(ref)),
            ("build_evidence", lambda: ours.build_evidence(ref)),
            ("components", lambda: ours.components(ref)),
            ("peer_map_2step", lambda: ours.peer_maps(children, ref)),
            ("linked_cases_caseload_30", lambda: ours.caseload(caseload, ref)),
            ("clusters", lambda: ours.clusters(ref)),
            ("communities", lambda: ours.communities(seed, ref)),
        ):
            bar.step(f"Timing {name}" + (" (and NetworkX)" if ref else ""))
            outcome = fn()
            if isinstance(outcome, dict):
                results.update(outcome)
            else:
                results[name] = outcome
    finally:
        bar.step("Done")
        bar.close()
    return {name: r.as_dict() for name, r in results.items()}


class _Ours:
    """The operations in ``locus.analysis``, each paired with its reference check."""

    def __init__(self, data: Synthetic) -> None:
        self.data = data
        self.net: network.Network | None = None
        self.evidence: linked.Evidence | None = None

    def build_network(self, ref: _Reference | None) -> Result:
        d = self.data
        net, seconds, peak = measure(
            lambda: network.build_network(
                d.n, d.src, d.dst, nature=d.nature, since=d.since, until=d.until
            )
        )
        self.net = net
        result = Result(seconds, peak)
        if ref is not None:
            result.reference_seconds = ref.build()
            result.agree = ref.same_graph(net)
        return result

    def build_evidence(self, ref: _Reference | None) -> Result:
        d = self.data
        assert self.net is not None
        net = self.net
        evidence, seconds, peak = measure(
            lambda: linked.Evidence(
                net, d.involved_person, d.involved_incident, d.incident_place, d.incident_day
            ).prepare()
        )
        self.evidence = evidence
        result = Result(seconds, peak)
        if ref is not None:
            result.reference_seconds = ref.build_incidents()
            result.agree = ref.same_incidents(evidence)
        return result

    def components(self, ref: _Reference | None) -> Result:
        assert self.net is not None
        net = self.net
        labels, seconds, peak = measure(lambda: network.components(net))
        result = Result(seconds, peak)
        if ref is not None:
            groups, result.reference_seconds = timed(ref.components)
            result.agree = same_partition(labels, ref.labels(groups))
        return result

    def peer_maps(self, children: np.ndarray, ref: _Reference | None) -> dict[str, Result]:
        assert self.net is not None
        net = self.net
        times = []
        maps = []
        _reset_peak()
        for child in children.tolist():
            found, seconds = timed(partial(network.neighbourhood, net, child, steps=2))
            times.append(seconds)
            maps.append(found)
        peak = _peak_mb()
        p95 = Result(float(np.percentile(times, 95)), peak)
        p50 = Result(float(np.percentile(times, 50)), peak)
        if ref is not None:
            ref_times, agree = ref.peer_maps(maps)
            p95.reference_seconds = float(np.percentile(ref_times, 95))
            p50.reference_seconds = float(np.percentile(ref_times, 50))
            p95.agree = p50.agree = agree
        return {"peer_map_2step_p95": p95, "peer_map_2step_p50": p50}

    def caseload(self, focus: np.ndarray, ref: _Reference | None) -> Result:
        evidence = self.evidence
        assert evidence is not None
        held = self.data.held
        rows, seconds, peak = measure(
            lambda: linked.find_link_rows(evidence, focus, candidates=held, window_days=WINDOW_DAYS)
        )
        result = Result(seconds, peak)
        if ref is not None:
            # Untimed: one Link object per link, so every piece of evidence can be compared.
            result.reference_seconds, result.agree = ref.caseload(focus, rows.links())
        return result

    def clusters(self, ref: _Reference | None) -> Result:
        evidence = self.evidence
        assert evidence is not None
        n = self.data.n

        def borough_wide() -> tuple[linked.LinkTable, np.ndarray, np.ndarray]:
            table = linked.link_table(evidence, self.data.held, window_days=WINDOW_DAYS)
            return (
                table,
                linked.clusters(n, table.a, table.b),
                linked.communities(n, table.a, table.b),
            )

        (table, found, groups), seconds, peak = measure(borough_wide)
        result = Result(seconds, peak)
        if ref is not None:
            result.reference_seconds, result.agree = ref.clusters(table, found, groups)
        return result

    def communities(self, seed: int, ref: _Reference | None) -> Result:
        assert self.net is not None
        net = self.net
        current = net.until == network.OPEN_END
        a, b = net.src[current], net.dst[current]
        labels, seconds, peak = measure(lambda: linked.communities(net.n, a, b, seed=seed))
        result = Result(seconds, peak)
        if ref is not None:
            result.reference_seconds, result.agree = ref.communities(a, b, labels)
        return result


class _Reference:
    """The NetworkX side: each method times the reference and says whether it agrees."""

    def __init__(self, data: Synthetic, seed: int) -> None:
        from benchmarks import reference

        self.r = reference
        self.data = data
        self.seed = seed
        self.graph: Any = None
        self.current: Any = None
        self.incidents: Any = None

    def build(self) -> float:
        self.graph, seconds = timed(lambda: self.r.build_graph(self.data))
        self.current = self.r.open_graph(self.graph)
        return seconds

    def same_graph(self, net: network.Network) -> bool:
        degrees = np.array([self.graph.degree(v) for v in range(self.data.n)])
        if not np.array_equal(degrees, np.diff(net.indptr)):
            return False
        for v in range(0, self.data.n, max(1, self.data.n // 1000)):
            row = net.indices[net.indptr[v] : net.indptr[v + 1]]
            theirs = sorted(u for u, keyed in self.graph[v].items() for _ in keyed)
            if sorted(row.tolist()) != theirs:
                return False
        return True

    def build_incidents(self) -> float:
        self.incidents, seconds = timed(lambda: self.r.Incidents.from_data(self.data))
        return seconds

    def same_incidents(self, evidence: linked.Evidence) -> bool:
        for p in range(0, self.data.n, max(1, self.data.n // 1000)):
            _, mine = evidence.incidents_of([p])
            if mine.tolist() != sorted(set(self.incidents.of_person.get(p, []))):
                return False
        return True

    def labels(self, groups: list[set[int]]) -> np.ndarray:
        return np.asarray(self.r.labels_of(groups, self.data.n))

    def components(self) -> list[set[int]]:
        return list(self.r.components(self.current))

    def peer_maps(self, maps: list[network.Neighbourhood]) -> tuple[list[float], bool]:
        times = []
        agree = True
        for found in maps:
            (nodes, edges), seconds = timed(partial(self.r.peer_map, self.current, found.centre))
            times.append(seconds)
            mine = dict(zip(found.nodes.tolist(), found.distance.tolist(), strict=True))
            agree &= set(mine) == nodes and set(found.edges.tolist()) == edges
            agree &= mine == self.r.distances(self.current, found.centre)
        return times, agree

    def caseload(self, focus: np.ndarray, links: list[linked.Link]) -> tuple[float, bool]:
        held = set(self.data.held.tolist())

        def walk() -> dict[tuple[int, int], dict[str, Any]]:
            found = {}
            for a in sorted(focus.tolist()):
                for b, ev in self.r.links_of(
                    self.current, self.incidents, a, held, WINDOW_DAYS
                ).items():
                    found[(a, b)] = ev
            return found

        theirs, seconds = timed(walk)
        mine = {
            (x.a, x.b): {
                "direct": set(x.direct_edges),
                "shared": set(x.shared_associates),
                "incidents": set(x.shared_incidents),
                "co": set(x.co_presence),
            }
            for x in links
        }
        ordered = [(x.a, x.b) for x in links] == sorted(mine)
        return seconds, ordered and mine == theirs

    def clusters(
        self, table: linked.LinkTable, found: np.ndarray, groups: np.ndarray
    ) -> tuple[float, bool]:
        n = self.data.n

        def borough_wide() -> tuple[dict[tuple[int, int], Any], list[set[int]], list[set[int]]]:
            counts = self.r.link_counts(
                self.current, self.incidents, self.data.held.tolist(), WINDOW_DAYS
            )
            graph = self.r.simple_graph(counts)
            return counts, self.r.components(graph), self.r.communities(graph, self.seed)

        (counts, components, communities), seconds = timed(borough_wide)
        mine = {
            (a, b): (w, x, y, z)
            for a, b, w, x, y, z in zip(
                table.a.tolist(),
                table.b.tolist(),
                table.n_direct.tolist(),
                table.n_shared_associates.tolist(),
                table.n_shared_incidents.tolist(),
                table.n_co_presence.tolist(),
                strict=True,
            )
        }
        agree = mine == counts and same_partition(found, self.labels(components))
        matrix = symmetric_matrix(n, table.a, table.b)
        ours_q = modularity(matrix, groups)
        theirs_q = modularity(matrix, self.labels(communities))
        agree &= ours_q >= theirs_q - MODULARITY_TOLERANCE
        # Communities never cross clusters.
        agree &= _nested(groups, found)
        return seconds, bool(agree)

    def communities(self, a: np.ndarray, b: np.ndarray, labels: np.ndarray) -> tuple[float, bool]:
        graph = self.r.simple_graph(zip(a.tolist(), b.tolist(), strict=True))
        groups, seconds = timed(lambda: self.r.communities(graph, self.seed))
        matrix = symmetric_matrix(self.data.n, a, b)
        ours_q = modularity(matrix, labels)
        theirs_q = modularity(matrix, self.labels(groups))
        return seconds, bool(ours_q >= theirs_q - MODULARITY_TOLERANCE)


def _nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    """Every group of ``inner`` lies within one group of ``outer``."""
    placed = inner >= 0
    if not np.array_equal(placed, outer >= 0):
        return False
    pairs = np.unique(np.stack([inner[placed], outer[placed]]), axis=1)
    return bool(np.unique(pairs[0]).size == pairs.shape[1])


# ---------------------------------------------------------------------------
# Output


def table(results: dict[str, dict[str, Any]], scale: str, out: TextIO) -> None:
    header = ("operation", "seconds", "NetworkX s", "ratio", "agree", "peak MB")
    rows = [header]
    for name, r in results.items():
        rows.append(
            (
                name,
                _fmt(r["seconds"]),
                _fmt(r["reference_seconds"]),
                "-" if r["ratio"] is None else f"{r['ratio']:,.1f}x",
                "-" if r["agree"] is None else ("yes" if r["agree"] else "NO"),
                f"{r['peak_mb']:,.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells), file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)
    for op, at_scale, key, limit, words in TARGETS:
        if at_scale == scale and op in results:
            met = results[op][key] < limit
            print(f"Target: {words}: {'met' if met else 'NOT met'}", file=out)


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.3f} s"


def main(scale: str, *, seed: int, as_json: bool, out: TextIO, err: TextIO) -> int:
    """The ``locus bench peers`` command."""
    if not reference_available():
        print(
            "NetworkX is not installed, so the reference comparison cannot run "
            "(install the test extra: pip install -e '.[test]'). Timing locus.analysis alone; "
            "reference_seconds, ratio and agree will be null.",
            file=err,
        )
    sizes = SCALES[scale]
    if not as_json:
        print(
            f"Peer-network benchmark, scale {scale}: {sizes.people:,} people, "
            f"{sizes.associations:,} associations, {sizes.incidents:,} incidents (seed {seed}).",
            file=out,
        )
    results = run(scale, seed=seed, progress_stream=err)
    if as_json:
        print(json.dumps(results), file=out)
    else:
        table(results, scale, out)
    return 0 if all(r["agree"] is not False for r in results.values()) else 1
