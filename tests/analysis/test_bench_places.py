"""``locus bench places`` at a tiny scale: one JSON object, the analysis agreeing with the
plain reference and finding every planted hotspot with its class."""

from __future__ import annotations

import io
import json

from benchmarks import places
from locus.cli import main

FIELDS = {"seconds", "reference_seconds", "ratio", "agree", "peak_mb", "cpu_seconds"}


def test_bench_places_json_agrees_with_the_reference_and_finds_the_planted():
    out = io.StringIO()
    assert main(["bench", "places", "--scale", "tiny", "--json", "--seed", "3"], out=out) == 0
    result = json.loads(out.getvalue())["hotspots"]
    assert FIELDS | {"incidents", "hotspots", "planted"} == set(result)
    assert result["agree"] is True and result["planted"] is True
    assert result["incidents"] == places.SCALES["tiny"]
    assert result["hotspots"] >= len(places.PLANTED)
    assert result["ratio"] > 0


def test_the_reference_disagrees_when_the_analysis_is_wrong(monkeypatch):
    # The check can fail: a classifier that calls everything persistent is caught.
    real = places.analysis.hotspots

    def all_persistent(**kwargs):
        found = real(**kwargs)
        found.klass[:] = places.analysis.PERSISTENT
        return found

    monkeypatch.setattr(places.analysis, "hotspots", all_persistent)
    result = places.run("tiny", seed=3)["hotspots"]
    assert result["agree"] is False and result["planted"] is False


def test_bench_places_prints_a_table_with_the_target_at_full_scale():
    out = io.StringIO()
    assert main(["bench", "places", "--scale", "tiny"], out=out) == 0
    assert "5,000 incidents" in out.getvalue() and " NO " not in out.getvalue()
    assert "Target" not in out.getvalue()
    # At full scale the target line is printed, met or not (the time here is made up).
    results = {"hotspots": {**places.run("tiny", seed=1)["hotspots"], "seconds": 6.0}}
    results["hotspots"]["targets"] = [{"what": "hotspots under 5 s", "limit": 5.0, "met": False}]
    out = io.StringIO()
    places.table(results, out)
    assert "Target: hotspots under 5 s: NOT met" in out.getvalue()
