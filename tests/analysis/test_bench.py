"""``locus bench peers`` at a tiny scale: one JSON object, every operation agreeing."""

from __future__ import annotations

import io
import json

import numpy as np

from benchmarks import peers
from benchmarks.synthetic import SCALES, generate
from locus.analysis import linked, network, triage
from locus.cli import main

OPERATIONS = {
    "build_network",
    "build_evidence",
    "components",
    "peer_map_2step_p95",
    "peer_map_2step_p50",
    "linked_cases_caseload_30",
    "link_table",
    "clusters",
    "communities",
    "whole_network_pass",
    "whole_network_both_cores",
}
FIELDS = {"seconds", "reference_seconds", "ratio", "agree", "peak_mb", "cpu_seconds"}


def test_bench_peers_json_shape_and_agreement():
    out = io.StringIO()
    assert main(["bench", "peers", "--scale", "tiny", "--json", "--seed", "3"], out=out) == 0
    results = json.loads(out.getvalue())
    # The linked-cases ordering is timed on every pair of the link table; it has no
    # NetworkX counterpart, so no ratio.
    ordering = results.pop("triage_ordering")
    assert ordering["agree"] is True and ordering["reference_seconds"] is None
    assert set(results) == OPERATIONS
    for name, result in results.items():
        assert set(result) == FIELDS | ({"pairs"} if name == "link_table" else set()), name
        assert result["agree"] is True, name
        assert result["seconds"] >= 0 and result["reference_seconds"] >= 0
        assert result["ratio"] is not None and result["peak_mb"] > 0
    assert results["link_table"]["pairs"] > 0
    assert ordering["pairs"] == results["link_table"]["pairs"]
    # The pass is its steps added up, and as large as the largest of them.
    steps = [results[name] for name in peers.WHOLE_NETWORK_PASS]
    summed = results["whole_network_pass"]
    assert abs(summed["seconds"] - sum(r["seconds"] for r in steps)) < 1e-5
    assert abs(summed["reference_seconds"] - sum(r["reference_seconds"] for r in steps)) < 1e-5
    assert summed["peak_mb"] == max(r["peak_mb"] for r in steps)
    assert abs(summed["cpu_seconds"] - sum(r["cpu_seconds"] for r in steps)) < 1e-5
    # The pass on both cores is timed as one, against the same NetworkX steps.
    both = results["whole_network_both_cores"]
    assert both["reference_seconds"] == summed["reference_seconds"]


def test_the_whole_network_refresh_on_both_cores_gives_the_steps_answers():
    data = generate(SCALES["tiny"], seed=5)
    net = network.build_network(
        data.n, data.src, data.dst, nature=data.nature, since=data.since, until=data.until
    )
    evidence = linked.Evidence(
        net, data.involved_person, data.involved_incident, data.incident_place, data.incident_day
    )
    table = linked.link_table(evidence, data.held, window_days=peers.WINDOW_DAYS)
    current = net.until == network.OPEN_END
    refresh = peers.whole_network_both_cores(data, seed=5)
    assert peers.table_digest(refresh.table) == peers.table_digest(table)
    # Clusters and their communities on the strong links only.
    strong = triage.strong(
        n_direct=table.n_direct,
        n_shared_incidents=table.n_shared_incidents,
        n_shared_associates=table.n_shared_associates,
    )
    assert 0 < strong.sum() < len(table)
    a, b = table.a[strong], table.b[strong]
    assert np.array_equal(refresh.clusters, linked.clusters(data.n, a, b))
    assert np.array_equal(refresh.link_communities, linked.communities(data.n, a, b))
    assert np.array_equal(
        refresh.network_communities,
        linked.communities(data.n, net.src[current], net.dst[current], seed=5),
    )
    # A table that differs in one count has another fingerprint.
    changed = linked.LinkTable(
        **{name: getattr(table, name).copy() for name in peers.TABLE_COLUMNS}
    )
    changed.n_co_presence[0] += 1
    assert peers.table_digest(changed) != peers.table_digest(table)


def test_bench_peers_prints_a_table():
    out = io.StringIO()
    assert main(["bench", "peers", "--scale", "tiny"], out=out) == 0
    text = out.getvalue()
    assert "300 people" in text
    for name in OPERATIONS:
        assert name in text
    assert " NO " not in text


def test_the_whole_network_pass_is_checked_against_its_targets_at_national_scale():
    unmeasured = {"reference_seconds": None, "ratio": None, "agree": None, "cpu_seconds": None}
    results = {
        "whole_network_pass": {"seconds": 12.5, "peak_mb": 1500.0, **unmeasured},
        "whole_network_both_cores": {"seconds": 9.5, "peak_mb": 2100.0, **unmeasured},
        "clusters": {"seconds": 3.0, "peak_mb": 100.0, **unmeasured},
    }
    marked = peers.with_targets(results, "national")
    # The pass as a refresh runs it, on both cores, is what the targets are checked on.
    assert "targets" not in marked["whole_network_pass"]
    assert marked["whole_network_both_cores"]["targets"] == [
        {"what": "whole-network pass under 10 s", "limit": 10.0, "met": True},
        {"what": "whole-network pass under 2 GB", "limit": 2000.0, "met": False},
    ]
    # The borough target is for borough: not attached at national.
    assert "targets" not in marked["clusters"]
    out = io.StringIO()
    peers.table(marked, "national", out)
    assert "Target: whole-network pass under 2 GB: NOT met" in out.getvalue()


def _tiny_table():
    data = generate(SCALES["tiny"], seed=1)
    net = network.build_network(
        data.n, data.src, data.dst, nature=data.nature, since=data.since, until=data.until
    )
    evidence = linked.Evidence(
        net, data.involved_person, data.involved_incident, data.incident_place, data.incident_day
    )
    return linked.link_table(evidence, data.held), data


def test_a_triage_ordering_is_timed_on_the_link_table_and_must_be_a_permutation():
    table, data = _tiny_table()
    seen = {}

    def strongest_first(**columns):
        seen.update(columns)
        return np.lexsort((-columns["n_co_presence"], -columns["n_direct"]))

    result = peers.bench_triage_ordering(strongest_first, table, data)
    assert result.agree is True and result.pairs == len(table) > 0
    assert result.as_dict()["pairs"] == len(table)
    # Every column has one value per linked pair, and the counts are the table's.
    assert all(len(v) == len(table) for v in seen.values())
    assert np.array_equal(seen["n_direct"], table.n_direct)
    assert (seen["n_risk_direct"] <= seen["n_direct"]).all()

    def drops_one(**columns):
        return np.arange(len(columns["n_direct"]) - 1)

    assert peers.bench_triage_ordering(drops_one, table, data).agree is False
