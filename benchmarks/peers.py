"""``locus bench peers``: time the peer-network analysis against plain NetworkX.

For each operation the benchmark times ``locus.analysis`` on synthetic data
(``benchmarks.synthetic``), runs a NetworkX reference (``benchmarks.reference``)
on the same data where NetworkX finishes in reasonable time (not at national
scale), checks that both agree, and reports::

    {op: {"seconds", "reference_seconds", "ratio", "agree", "peak_mb", "cpu_seconds"}}

``cpu_seconds`` is the process's CPU time (user + system) during the operation
(null for the peer-map percentiles): on a busy machine wall time also counts
waiting for a core. ``ratio`` is reference_seconds / seconds; ``reference_seconds``, ``ratio`` and
``agree`` are null where the reference did not run. ``peak_mb`` is the
process's peak resident memory during the operation (Linux: the high-water
mark is reset before each operation), so it includes the data already loaded.

Memory costs time too on a virtual machine that hands freed memory back to its
host (free page reporting): measured on the 2-core benchmark machine, a page
freed for more than about two seconds costs about 7 s of system CPU per GB to
touch again. So a step's peak memory shows in its CPU time, and cutting
temporaries is a speed-up there.

Timing: an operation that takes under 20 ms is timed as the median of seven
runs, on both sides alike (one cold run of a sub-millisecond call is mostly
noise); longer operations run once. The peer-map percentiles are over 1,000
single runs.

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
link_table
    every linked pair among held children with its counts of evidence
    (``link_table``), alone; ``pairs`` says how many (reference: the NetworkX
    walk's counts, which the clusters reference then reuses).
clusters
    borough-wide, as the borough clusters page works them out by default: every
    linked pair among held children (link_table), the pairs on strong evidence
    (``locus.analysis.triage.strong``: what the linked-cases list shows by
    default), and their connected components and the communities within them.
    Weak links (one associate in common, being at the same places) are left out
    because chains of them join most of a population into one cluster: at
    national scale 946,238 of the 12.6M linked pairs are strong.
communities
    communities of the whole current association network.
whole_network_pass
    the sum of build_network, build_evidence, clusters (which includes the link
    table) and communities: everything a whole-network refresh computes, each
    step timed as above, one after another on one core; ``peak_mb`` is the
    largest of theirs (each includes the data already loaded).
whole_network_both_cores
    the same steps run as one refresh that uses both cores
    (:func:`whole_network_both_cores`): the association network's communities,
    which need neither the built network nor the link table, run in a second
    thread from the start while the first builds the network and finds the
    evidence, the link table and its clusters. Timed once, as a whole (CPU
    seconds count both threads, the peak both threads' memory, from the
    synthetic data alone); it agrees when every step did and it gave exactly
    the steps' answers (the same table, the same labels). This is the
    whole-network pass as a refresh runs it on the 2-core machine, so the
    national targets are checked on it: under 10 s and under 2 GB. Two
    memory-bound steps at once slow each other, so on a machine with no core
    free it can take longer than the steps one after another.
triage_ordering
    the linked-cases ordering (:func:`ordering_under_test`, when there is one)
    on the link table's pairs: see :func:`bench_triage_ordering`.

A result may carry ``pairs`` (how many rows it worked on) and, at the scale a
target is set for, ``targets``: ``[{"what", "limit", "met"}]``.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TextIO, TypeVar

import numpy as np

from benchmarks.synthetic import SCALES, TODAY, Synthetic, generate
from locus.analysis import linked, network, triage
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
    ("whole_network_both_cores", "national", "seconds", 10.0, "whole-network pass under 10 s"),
    ("whole_network_both_cores", "national", "peak_mb", 2000.0, "whole-network pass under 2 GB"),
)
# The steps a whole-network refresh runs, in order (clusters includes the link table).
WHOLE_NETWORK_PASS = ("build_network", "build_evidence", "clusters", "communities")
# The link table's columns, in the order its fingerprint reads them.
TABLE_COLUMNS = ("a", "b", "n_direct", "n_shared_associates", "n_shared_incidents", "n_co_presence")


@dataclass
class Result:
    seconds: float
    peak_mb: float
    reference_seconds: float | None = None
    agree: bool | None = None
    pairs: int | None = None
    cpu_seconds: float | None = None

    def as_dict(self) -> dict[str, Any]:
        ratio = None
        if self.reference_seconds is not None and self.seconds > 0:
            ratio = round(self.reference_seconds / self.seconds, 1)
        out: dict[str, Any] = {
            "seconds": round(self.seconds, 6),
            "reference_seconds": (
                None if self.reference_seconds is None else round(self.reference_seconds, 6)
            ),
            "ratio": ratio,
            "agree": self.agree,
            "peak_mb": round(self.peak_mb, 1),
            "cpu_seconds": None if self.cpu_seconds is None else round(self.cpu_seconds, 6),
        }
        if self.pairs is not None:
            out["pairs"] = self.pairs
        return out


# ---------------------------------------------------------------------------
# Measuring


def _trim_heap() -> None:
    """Hand the C heap's free memory back to the system (glibc's ``malloc_trim``), so that the
    next step's peak counts what it holds, not what earlier steps freed but the allocator kept
    resident. A no-op where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


def _reset_peak() -> bool:
    _trim_heap()
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


# An operation faster than this is timed as the median of several runs, on both sides alike:
# one cold run of a sub-millisecond call is mostly noise (allocator, caches, the other core).
REPEAT_BELOW = 0.02
REPEATS = 7


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """``fn``'s result and its time: one run, or the median of ``REPEATS`` if it is quick."""
    result, seconds = timed_once(fn)
    if seconds >= REPEAT_BELOW:
        return result, seconds
    times = [seconds]
    for _ in range(REPEATS - 1):
        result, seconds = timed_once(fn)
        times.append(seconds)
    return result, float(np.median(times))


def timed_once(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def measure(fn: Callable[[], T]) -> tuple[T, float, float, float]:
    """``fn``'s result, its time (as :func:`timed`), the peak resident MB meanwhile, and the
    process's CPU seconds (user + system) per run.

    On a shared machine the wall time also counts the time spent waiting for a core; the CPU
    time does not, so the two together tell a slow operation from a busy machine. (System
    time here is mostly the kernel handing the process fresh memory.)
    """
    runs = 0

    def counted() -> T:
        nonlocal runs
        runs += 1
        return fn()

    _reset_peak()
    before = time.process_time()  # user + system, to the nanosecond (os.times ticks 10 ms)
    result, seconds = timed(counted)
    cpu = time.process_time() - before
    return result, seconds, _peak_mb(), cpu / max(runs, 1)


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
    order = ordering_under_test()
    bar = Progress(progress_stream, total=len(steps) + 10 + (order is not None))
    data = generate(SCALES[scale], seed=seed, progress=lambda s: bar.step(f"Generating {s}"))
    rng = np.random.default_rng(seed + 1)
    children = rng.choice(data.held, size=min(PEER_MAPS, data.held.size), replace=False)
    caseload = rng.choice(data.held, size=min(CASELOAD, data.held.size), replace=False)
    # Import NetworKit now: its import takes about 0.7 s, which no operation should be charged.
    import networkit  # noqa: F401

    ours = _Ours(data, keep_table=order is not None)
    ref = _Reference(data, seed) if use_reference else None
    results: dict[str, Result] = {}
    try:
        for name, fn in (
            ("build_network", lambda: ours.build_network(ref)),
            ("build_evidence", lambda: ours.build_evidence(ref)),
            ("components", lambda: ours.components(ref)),
            ("peer_map_2step", lambda: ours.peer_maps(children, ref)),
            ("linked_cases_caseload_30", lambda: ours.caseload(caseload, ref)),
            ("link_table", lambda: ours.link_table(ref)),
            ("clusters", lambda: ours.clusters(ref)),
            ("communities", lambda: ours.communities(seed, ref)),
        ):
            bar.step(f"Timing {name}" + (" (and NetworkX)" if ref else ""))
            outcome = fn()
            if isinstance(outcome, dict):
                results.update(outcome)
            else:
                results[name] = outcome
        bar.step("Timing whole_network_both_cores")
        summed = results["whole_network_pass"] = whole_network_pass(results)
        results["whole_network_both_cores"] = ours.whole_network_both_cores(seed, summed)
        if order is not None:
            bar.step("Timing triage_ordering")
            assert ours.table is not None
            results["triage_ordering"] = bench_triage_ordering(order, ours.table, data)
    finally:
        bar.step("Done")
        bar.close()
    return with_targets({name: r.as_dict() for name, r in results.items()}, scale)


def with_targets(out: dict[str, dict[str, Any]], scale: str) -> dict[str, dict[str, Any]]:
    """Add to each result the :data:`TARGETS` set for it at ``scale``, met or not."""
    for op, at_scale, key, limit, words in TARGETS:
        if at_scale == scale and op in out:
            met = out[op][key] < limit
            out[op].setdefault("targets", []).append({"what": words, "limit": limit, "met": met})
    return out


def whole_network_pass(results: dict[str, Result]) -> Result:
    """The steps of :data:`WHOLE_NETWORK_PASS` as one: times (ours and NetworkX's) add up,
    the peak is the largest, and it agrees when every step does."""
    steps = [results[name] for name in WHOLE_NETWORK_PASS]
    references = [r.reference_seconds for r in steps]
    agreements = [r.agree for r in steps]
    cpu = [r.cpu_seconds for r in steps]
    return Result(
        seconds=sum(r.seconds for r in steps),
        peak_mb=max(r.peak_mb for r in steps),
        cpu_seconds=None if any(c is None for c in cpu) else sum(c for c in cpu if c),
        reference_seconds=(
            None if any(t is None for t in references) else sum(t for t in references if t)
        ),
        agree=None if any(a is None for a in agreements) else all(agreements),
    )


def strong_pairs(table: linked.LinkTable) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``table`` on strong evidence (:func:`locus.analysis.triage.strong`): what
    borough clusters are built from."""
    keep = triage.strong(
        n_direct=table.n_direct,
        n_shared_incidents=table.n_shared_incidents,
        n_shared_associates=table.n_shared_associates,
    )
    return table.a[keep], table.b[keep]


@dataclass(frozen=True, eq=False)
class Refresh:
    """What a whole-network refresh computes (see :func:`whole_network_both_cores`)."""

    table: linked.LinkTable
    clusters: np.ndarray  # connected components of the strong links' graph
    link_communities: np.ndarray  # communities within them
    network_communities: np.ndarray  # communities of the current association network


def whole_network_both_cores(data: Synthetic, seed: int) -> Refresh:
    """Build the network and the evidence, and find the link table, the clusters and
    communities of its strong links and the association network's communities, on both cores.

    The association network's communities need only the open associations' endpoints (the
    same arrays, in the same order, as the built network's), so they run in a second thread
    from the start while this one builds the network and finds the evidence and the link
    table (NetworKit, numpy's sorts and scipy's products release the GIL). Leiden runs are
    serialised (``locus.analysis.community``) and each runs on one thread, so the answers
    are the same as the steps run one after another.
    """
    current = data.until == network.OPEN_END
    a, b = data.src[current], data.dst[current]
    del current
    with ThreadPoolExecutor(max_workers=1) as pool:
        network_communities = pool.submit(linked.communities, data.n, a, b, seed=seed)
        net = network.build_network(
            data.n, data.src, data.dst, nature=data.nature, since=data.since, until=data.until
        )
        evidence = linked.Evidence(
            net,
            data.involved_person,
            data.involved_incident,
            data.incident_place,
            data.incident_day,
        ).prepare()
        table = linked.link_table(evidence, data.held, window_days=WINDOW_DAYS)
        del evidence, net
        sa, sb = strong_pairs(table)
        found = linked.clusters(data.n, sa, sb)
        # The second Leiden waits for the first anyway (one at a time): waiting here, before
        # building its graph, keeps the two graphs out of memory at once.
        theirs = network_communities.result()
        groups = linked.communities(data.n, sa, sb)
        return Refresh(table, found, groups, theirs)


def table_digest(table: linked.LinkTable) -> str:
    """A fingerprint of every column of a link table: equal tables, equal digests."""
    digest = hashlib.sha256()
    for name in TABLE_COLUMNS:
        digest.update(np.ascontiguousarray(getattr(table, name), dtype=np.int64).tobytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Triage ordering

Ordering = Callable[..., Any]


def ordering_under_test() -> Ordering | None:
    """The linked-cases ordering to time (``None`` would leave it out): the pages' own,
    :func:`locus.analysis.triage.triage`, called by :func:`bench_triage_ordering` with the
    keyword columns of :func:`ordering_columns`."""
    return triage.triage


def ordering_columns(table: linked.LinkTable, data: Synthetic) -> dict[str, np.ndarray]:
    """One value per linked pair in the keywords the ordering takes, from the link table.

    The synthetic data record no association natures per pair nor incident kinds, so the
    risk and harm counts are a fixed share of the direct and incident counts (a third, rounded
    down) and the latest evidence day a seeded draw from the last three years: inputs of the
    right shape and spread, not a model of practice.
    """
    rng = np.random.default_rng(len(table))
    return {
        "n_direct": table.n_direct,
        "n_risk_direct": table.n_direct // 3,
        "n_shared_incidents": table.n_shared_incidents,
        "n_harm_incidents": table.n_shared_incidents // 3,
        "n_shared_associates": table.n_shared_associates,
        "n_co_presence": table.n_co_presence,
        "latest_day": TODAY - rng.integers(0, 3 * 365, len(table)),
    }


def bench_triage_ordering(order: Ordering, table: linked.LinkTable, data: Synthetic) -> Result:
    """Time ``order(**ordering_columns(table, data))`` on every pair of the link table.

    The columns are made untimed. ``agree`` says whether the answer (an array, or an object
    with an ``order`` array) is a permutation of the pairs: there is no reference ordering to
    compare with, but an ordering that drops or repeats a link is wrong at any speed.
    """
    columns = ordering_columns(table, data)
    found, seconds, peak, cpu = measure(lambda: order(**columns))
    permutation = np.asarray(getattr(found, "order", found))
    n = len(table)
    agree = permutation.shape == (n,) and bool(np.array_equal(np.sort(permutation), np.arange(n)))
    return Result(seconds, peak, agree=agree, pairs=n, cpu_seconds=cpu)


class _Ours:
    """The operations in ``locus.analysis``, each paired with its reference check."""

    def __init__(self, data: Synthetic, *, keep_table: bool = False) -> None:
        self.data = data
        # The both-cores refresh's link table, kept for the triage ordering only when one is
        # timed (it is timed last): held longer, it would count in the next step's peak memory.
        self.keep_table = keep_table
        self.net: network.Network | None = None
        self.evidence: linked.Evidence | None = None
        self.table: linked.LinkTable | None = None
        # The steps' answers, which the both-cores refresh must give again.
        self.answers: dict[str, Any] = {}

    def build_network(self, ref: _Reference | None) -> Result:
        d = self.data
        net, seconds, peak, cpu = measure(
            lambda: network.build_network(
                d.n, d.src, d.dst, nature=d.nature, since=d.since, until=d.until
            )
        )
        self.net = net
        result = Result(seconds, peak, cpu_seconds=cpu)
        if ref is not None:
            result.reference_seconds = ref.build()
            result.agree = ref.same_graph(net)
        return result

    def build_evidence(self, ref: _Reference | None) -> Result:
        d = self.data
        assert self.net is not None
        net = self.net
        evidence, seconds, peak, cpu = measure(
            lambda: linked.Evidence(
                net, d.involved_person, d.involved_incident, d.incident_place, d.incident_day
            ).prepare()
        )
        self.evidence = evidence
        result = Result(seconds, peak, cpu_seconds=cpu)
        if ref is not None:
            result.reference_seconds = ref.build_incidents()
            result.agree = ref.same_incidents(evidence)
        return result

    def components(self, ref: _Reference | None) -> Result:
        assert self.net is not None
        net = self.net
        labels, seconds, peak, cpu = measure(lambda: network.components(net))
        result = Result(seconds, peak, cpu_seconds=cpu)
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
            found, seconds = timed_once(partial(network.neighbourhood, net, child, steps=2))
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
        rows, seconds, peak, cpu = measure(
            lambda: linked.find_link_rows(evidence, focus, candidates=held, window_days=WINDOW_DAYS)
        )
        result = Result(seconds, peak, cpu_seconds=cpu)
        if ref is not None:
            # Untimed: one Link object per link, so every piece of evidence can be compared.
            result.reference_seconds, result.agree = ref.caseload(focus, rows.links())
        return result

    def link_table(self, ref: _Reference | None) -> Result:
        evidence = self.evidence
        assert evidence is not None
        held = self.data.held
        table, seconds, peak, cpu = measure(
            lambda: linked.link_table(evidence, held, window_days=WINDOW_DAYS)
        )
        result = Result(seconds, peak, pairs=len(table), cpu_seconds=cpu)
        if ref is not None:
            result.reference_seconds, result.agree = ref.link_table(table)
        return result

    def clusters(self, ref: _Reference | None) -> Result:
        evidence = self.evidence
        assert evidence is not None
        n = self.data.n

        def borough_wide() -> tuple[linked.LinkTable, np.ndarray, np.ndarray]:
            table = linked.link_table(evidence, self.data.held, window_days=WINDOW_DAYS)
            a, b = strong_pairs(table)
            return table, linked.clusters(n, a, b), linked.communities(n, a, b)

        (table, found, groups), seconds, peak, cpu = measure(borough_wide)
        self.answers.update(table=table_digest(table), clusters=found, link_communities=groups)
        result = Result(seconds, peak, cpu_seconds=cpu)
        if ref is not None:
            result.reference_seconds, result.agree = ref.clusters(table, found, groups)
        return result

    def communities(self, seed: int, ref: _Reference | None) -> Result:
        assert self.net is not None
        net = self.net
        current = net.until == network.OPEN_END
        a, b = net.src[current], net.dst[current]
        labels, seconds, peak, cpu = measure(lambda: linked.communities(net.n, a, b, seed=seed))
        self.answers["network_communities"] = labels
        result = Result(seconds, peak, cpu_seconds=cpu)
        if ref is not None:
            result.reference_seconds, result.agree = ref.communities(a, b, labels)
        return result

    def whole_network_both_cores(self, seed: int, steps: Result) -> Result:
        """Time :func:`whole_network_both_cores` from the synthetic data alone (the steps' network
        and evidence are let go first), and check it gives exactly the steps' answers."""
        self.net = self.evidence = None
        refresh, seconds, peak, cpu = measure(lambda: whole_network_both_cores(self.data, seed))
        mine = self.answers
        same = mine["table"] == table_digest(refresh.table) and all(
            np.array_equal(mine[name], getattr(refresh, name))
            for name in ("clusters", "link_communities", "network_communities")
        )
        if self.keep_table:
            self.table = refresh.table
        return Result(
            seconds,
            peak,
            reference_seconds=steps.reference_seconds,
            agree=same and steps.agree is not False,
            cpu_seconds=cpu,
        )


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
        # The NetworkX link counts and their time, made once (link_table) and reused (clusters).
        self.counts: dict[tuple[int, int], Any] | None = None
        self.counts_seconds = 0.0

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
            (nodes, edges), seconds = timed_once(
                partial(self.r.peer_map, self.current, found.centre)
            )
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

    def link_counts(self) -> dict[tuple[int, int], Any]:
        if self.counts is not None:
            return self.counts
        counts, self.counts_seconds = timed(
            lambda: self.r.link_counts(
                self.current, self.incidents, self.data.held.tolist(), WINDOW_DAYS
            )
        )
        self.counts = counts
        return counts

    def link_table(self, table: linked.LinkTable) -> tuple[float, bool]:
        counts = self.link_counts()
        return self.counts_seconds, table.by_pair() == counts

    def clusters(
        self, table: linked.LinkTable, found: np.ndarray, groups: np.ndarray
    ) -> tuple[float, bool]:
        n = self.data.n
        counts = self.link_counts()

        def borough_wide() -> tuple[list[set[int]], list[set[int]]]:
            graph = self.r.simple_graph(self.r.strong_links(counts))
            return self.r.components(graph), self.r.communities(graph, self.seed)

        (components, communities), seconds = timed(borough_wide)
        # The reference's link table is the same walk as link_table's, timed there once.
        seconds += self.counts_seconds
        agree = table.by_pair() == counts and same_partition(found, self.labels(components))
        matrix = symmetric_matrix(n, *strong_pairs(table))
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
    header = ("operation", "seconds", "CPU s", "NetworkX s", "ratio", "agree", "peak MB", "pairs")
    rows = [header]
    for name, r in results.items():
        rows.append(
            (
                name,
                _fmt(r["seconds"]),
                _fmt(r["cpu_seconds"]),
                _fmt(r["reference_seconds"]),
                "-" if r["ratio"] is None else f"{r['ratio']:,.1f}x",
                "-" if r["agree"] is None else ("yes" if r["agree"] else "NO"),
                f"{r['peak_mb']:,.0f}",
                f"{r['pairs']:,}" if "pairs" in r else "-",
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
    for r in results.values():
        for target in r.get("targets", []):
            print(f"Target: {target['what']}: {'met' if target['met'] else 'NOT met'}", file=out)


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
