"""``locus bench pages`` at a tiny scale: the shape of its report, and its bare page."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from locus.cli import main
from locus.linked import borough_evidence, clusters

pytestmark = pytest.mark.django_db

PAGES = {"bare_page", "linked_cases", "linked_cases_stale", "borough_warm", "borough_cold_page"}


@pytest.fixture
def bench_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "bench"))
    return tmp_path / "bench"


def test_bench_pages_json_at_a_tiny_scale(bench_folder) -> None:
    out = io.StringIO()
    argv = ["bench", "pages", "--people", "60", "--runs", "3", "--caseload", "5", "--json"]
    assert main(argv, out=out) == 0
    results = json.loads(out.getvalue())
    assert results["people"] >= 60 and results["runs"] == 3
    assert results["caseload"] > 0
    assert set(results["pages"]) == PAGES
    for name, page in results["pages"].items():
        assert 0 < page["median_ms"] <= page["p95_ms"], name
        assert page["ratio"] > 0, name
    assert results["pages"]["bare_page"]["ratio"] == 1.0
    assert results["borough_work_out_s"] >= 0 and results["evidence_ahead_s"] >= 0
    parts = results["linked_cases_breakdown"]
    assert set(parts) == {"load_around_ms", "selector_ms", "links", "links_only_places"}
    assert parts["load_around_ms"] > 0 and parts["selector_ms"] > 0
    assert 0 <= parts["links_only_places"] <= parts["links"]
    assert results["linked_cases_under_target"] == (
        results["pages"]["linked_cases"]["median_ms"] < results["target_ms"]
    )
    # It leaves the borough's clusters worked out, and nothing queued.
    assert clusters.borough_page(
        window_days=30, across_agencies=False, with_weaker=False
    ).worked_out
    assert borough_evidence.fresh_evidence(ask=False) is not None


def test_bench_pages_prints_a_table(bench_folder) -> None:
    out = io.StringIO()
    assert main(["bench", "pages", "--people", "60", "--runs", "2"], out=out) == 0
    text = out.getvalue()
    for name in PAGES:
        assert name in text
    assert "a caseload of" in text and "borough clusters worked out" in text
    assert "evidence loaded in" in text and "borough evidence loaded ahead" in text


def test_the_bare_page_is_behind_the_sign_in_and_only_in_the_bench() -> None:
    with override_settings(ROOT_URLCONF="benchmarks.pages_urls"):
        response = Client().get("/bench/bare/")
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare")
