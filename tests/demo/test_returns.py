"""Last year's returns for the demo borough: written, valid, deterministic, and their dry runs
give what the data team's walk-through promises against the borough they were made from."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from locus.access.models import Role, Worker
from locus.access.services import system_worker, worker_create
from locus.common import clock
from locus.demo.generator import Summary
from locus.demo.returns import DemoReturns, reference_date, write_demo_returns
from locus.interchange.cin import CinImporter
from locus.interchange.ssda903 import IMPORTERS as SSDA903_IMPORTERS
from locus.people.models import Person
from locus.people.selectors import caseload_for
from locus.statutory.codes import EXTRA_FAMILIAL
from locus.statutory.models import CINAssessment, CINEpisode
from tests.demo.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def made(
    borough: Summary, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DemoReturns, float]]:
    folder = tmp_path_factory.mktemp("data") / "returns"
    with django_db_blocker.unblock():
        started = time.perf_counter()
        returns = write_demo_returns(folder, seed=SEED, today=clock.today())
        yield returns, time.perf_counter() - started


def counts(report: Any) -> dict[str, dict[str, int]]:
    return {kind: dict(+counter) for kind, counter in report.counts.items()}


def test_the_census_year_ends_on_the_31_march_before_today() -> None:
    assert reference_date(dt.date(2026, 12, 4)) == dt.date(2026, 3, 31)
    assert reference_date(dt.date(2026, 4, 1)) == dt.date(2026, 3, 31)
    assert reference_date(dt.date(2026, 3, 31)) == dt.date(2025, 3, 31)
    assert reference_date(dt.date(2026, 1, 1)) == dt.date(2025, 3, 31)
    with pytest.raises(ValueError, match="today"):
        reference_date("2026-12-04")  # type: ignore[arg-type]


def test_both_files_are_written_quickly_under_the_years_names(
    made: tuple[DemoReturns, float],
) -> None:
    returns, seconds = made
    year = reference_date(clock.today()).year
    assert returns.cin.name == f"cin-census-{year}.xml" and returns.cin.stat().st_size > 0
    assert returns.ssda903.name == f"ssda903-{year}.zip"
    with zipfile.ZipFile(returns.ssda903) as archive:
        assert sorted(archive.namelist()) == ["episodes.csv", "header.csv", "missing.csv"]
    assert seconds < 1.0


def test_one_seed_gives_the_same_bytes_and_another_seed_other_ones(
    made: tuple[DemoReturns, float], tmp_path: Path
) -> None:
    returns, _ = made
    again = write_demo_returns(tmp_path / "again", seed=SEED, today=clock.today())
    assert again.cin.read_bytes() == returns.cin.read_bytes()
    assert again.ssda903.read_bytes() == returns.ssda903.read_bytes()
    other = write_demo_returns(tmp_path / "other", seed=SEED + 1, today=clock.today())
    assert other.cin.read_bytes() != returns.cin.read_bytes()


def test_the_census_return_is_the_boroughs_children_and_a_few_new_ones(
    made: tuple[DemoReturns, float],
) -> None:
    returns, _ = made
    held = set(Person.objects.values_list("la_child_id", flat=True))
    assert len(returns.matched) >= 12 and set(returns.matched) <= held
    assert len(returns.new) == 4 and not set(returns.new) & held
    assert len(returns.invalid) == 2
    assert returns.corrected and set(returns.corrected) <= set(returns.matched)
    # The child the walk-through opens is the first on social.worker's home page.
    first = caseload_for(viewer=Worker.objects.get(username="social.worker")).first()
    assert first is not None and returns.matched[0] == first.la_child_id
    assert returns.featured == f"{first.full_name} (LA child ID {first.la_child_id})"
    root = etree.parse(str(returns.cin)).getroot()
    factors = {f.text for f in root.iter("AssessmentFactors")}
    assert {"11A", "24A"} <= factors


def test_the_census_dry_run_matches_the_boroughs_children_and_finds_the_two_bad_records(
    made: tuple[DemoReturns, float],
) -> None:
    returns, _ = made
    report = CinImporter().check(returns.cin)
    assert report.details["year"] == returns.reference_date.year
    children = counts(report)["child"]
    assert children == {
        "created": len(returns.new),
        "updated": len(returns.corrected),
        "unchanged": len(returns.matched) - len(returns.corrected),
        "rejected": 2,
    }
    episodes = counts(report)["cin_episode"]
    assert episodes == {"created": len(returns.matched) + len(returns.new)}
    assert counts(report)["assessment"] == episodes
    # Every other record is valid against the year's schema: the only problems are the two
    # planted ones, an unknown factor on a demo child and a new child born on 31 February.
    assert {p.record for p in report.problems} == set(returns.invalid)
    assert {p.rule for p in report.problems} == {"code", "date"}
    assert any("11Z" in p.message for p in report.problems)


def test_importing_the_valid_records_adds_the_census_to_the_demo_children(
    made: tuple[DemoReturns, float],
) -> None:
    returns, _ = made
    admin = worker_create(
        actor=system_worker(),
        username="returns.admin",
        first_name="Data",
        last_name="Team",
        team=None,
        role=Role.ADMINISTRATOR,
        email="returns.admin@workers.example",
    )
    report = CinImporter().apply(returns.cin, by=admin, valid_only=True)
    assert report.details["written"] is True
    first = Person.objects.get(la_child_id=returns.featured.rsplit(" ", 1)[-1].rstrip(")"))
    assert returns.featured.startswith(first.full_name)
    assert CINEpisode.objects.filter(person=first).count() == 1
    factors = set(CINAssessment.objects.get(person=first).factors)
    assert factors & EXTRA_FAMILIAL
    # The new children are created; the one born on 31 February is not.
    assert Person.objects.filter(la_child_id__in=returns.new).count() == len(returns.new)
    # The rejected demo child (the unknown factor) is left as it was.
    rejected = Person.objects.filter(la_child_id__in=returns.invalid)
    assert rejected.count() == 1
    assert not CINEpisode.objects.filter(person__in=rejected).exists()
    # The children whose ethnicity Locus had not obtained have the one the return gives.
    corrected = Person.objects.filter(la_child_id__in=returns.corrected)
    assert corrected.count() == len(returns.corrected)
    assert not corrected.filter(ethnicity="NOBT").exists()


def test_the_ssda903_dry_run_updates_the_looked_after_children_and_finds_the_bad_date(
    made: tuple[DemoReturns, float],
) -> None:
    returns, _ = made
    looked_after = len(returns.looked_after)
    assert looked_after >= 1 and len(returns.looked_after_new) == 1
    report = SSDA903_IMPORTERS[0].check(returns.ssda903)
    found = counts(report)
    # The demo children's placements make each one's home their placement: updated.
    assert found["person"] == {"created": 1, "updated": looked_after}
    # Their looked-after episodes are the ones Locus holds (matched, unchanged).
    assert found["legal_status"] == {"created": 1, "unchanged": looked_after}
    assert found["placement"] == {"created": 2 * looked_after + 1}
    assert returns.missing_invalid == 1
    assert found["missing_episode"] == {"created": 3, "rejected": 1}
    assert [(p.field, p.rule) for p in report.problems] == [("MIS_START", "date")]
    assert report.details["placement_postcodes_not_located"] == 0
