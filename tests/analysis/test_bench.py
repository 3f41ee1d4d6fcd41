"""``locus bench peers`` at a tiny scale: one JSON object, every operation agreeing."""

from __future__ import annotations

import io
import json

from locus.cli import main

OPERATIONS = {
    "build_network",
    "build_evidence",
    "components",
    "peer_map_2step_p95",
    "peer_map_2step_p50",
    "linked_cases_caseload_30",
    "clusters",
    "communities",
}
FIELDS = {"seconds", "reference_seconds", "ratio", "agree", "peak_mb"}


def test_bench_peers_json_shape_and_agreement():
    out = io.StringIO()
    assert main(["bench", "peers", "--scale", "tiny", "--json", "--seed", "3"], out=out) == 0
    results = json.loads(out.getvalue())
    assert set(results) == OPERATIONS
    for name, result in results.items():
        assert set(result) == FIELDS, name
        assert result["agree"] is True, name
        assert result["seconds"] >= 0 and result["reference_seconds"] >= 0
        assert result["ratio"] is not None and result["peak_mb"] > 0


def test_bench_peers_prints_a_table():
    out = io.StringIO()
    assert main(["bench", "peers", "--scale", "tiny"], out=out) == 0
    text = out.getvalue()
    assert "300 people" in text
    for name in OPERATIONS:
        assert name in text
    assert " NO " not in text
