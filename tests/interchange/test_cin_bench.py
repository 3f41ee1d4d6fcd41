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
    # Two sizes, each with the same rows in the raw path as Locus wrote.
    assert [r["children"] for r in results["sizes"]] == [20, 200]
    for size in results["sizes"]:
        created = sum(n.get("created", 0) for n in size["counts"].values())
        assert size["raw_rows"] == created + size["children"]  # a person and a census row each
        # The import alone is part of the dry run and import together.
        assert 0 < size["import_ratio"] <= size["ratio"]


def test_the_raw_path_writes_the_same_rows_as_locus(tmp_path: Path) -> None:
    path = tmp_path / "bench.xml"
    imports.write_return(path, 400, seed=5)
    counts = CinImporter().check(path).as_dict()["counts"]
    written = imports.raw_import(path)
    assert written == {
        table: counts.get(kind, {}).get("created", 0) for table, kind in imports.SAME_AS.items()
    }
    assert written["bench_s47"] > 0 and written["bench_cp"] > 0
