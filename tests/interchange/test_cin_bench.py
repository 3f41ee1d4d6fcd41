"""``locus bench import`` at a small size: a correctness check of the benchmark (no timing)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from benchmarks import imports
from locus.cli import main
from locus.interchange.cin import CinImporter

pytestmark = pytest.mark.django_db


def test_the_synthetic_return_is_a_valid_census(tmp_path: Path) -> None:
    path = tmp_path / "bench.xml"
    imports.write_return(path, 300, seed=3)
    report = CinImporter().check(path)
    assert report.ok, report.problems[:3]
    assert report.as_dict()["counts"]["child"] == {"created": 300}


def test_bench_import_json_at_a_small_size(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "bench"))
    out = io.StringIO()
    assert main(["bench", "import", "--children", "200", "--json"], out=out) == 0
    results = json.loads(out.getvalue())
    assert results["children"] == 200
    assert results["counts"]["child"] == {"created": 200}
    assert results["counts"]["cin_episode"] == {"created": 200}
    assert results["locus_s"] == pytest.approx(results["check_s"] + results["apply_s"], abs=0.02)
    assert results["raw_s"] > 0 and results["ratio"] > 0
    assert set(results["peak_rss_mb"]) == {"20", "200"}
    assert set(results["targets"]) == {"ratio_within_4x", "under_2_minutes"}
