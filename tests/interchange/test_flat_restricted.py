"""A police restriction survives re-importing the incidents file: an empty Restricted cell
(or no such column) leaves it in place, and a row saying N is refused, naming the line and
the column, since only the police restrict and lifting a restriction widens who sees it."""

from __future__ import annotations

from pathlib import Path

from locus.access import scopes
from locus.incidents.models import Incident
from locus.interchange import registry
from locus.interchange.core import Report
from tests.factories import World
from tests.interchange.flat_files import example_rows, with_column, write_csv


def police_rows(world: World, tmp_path: Path) -> list[list[str]]:
    """The example incidents, the first reported by the police; people and places loaded."""
    for kind in ("people", "contexts"):
        path = write_csv(tmp_path / f"{kind}.csv", example_rows(kind))
        assert registry.importer(kind).apply(path, by=world.admin).ok
    return with_column(example_rows("incidents"), "ReportingAgency", 2, world.police.name)


def restricted_then(world: World, tmp_path: Path, again: list[list[str]]) -> Report:
    """Import the police incident restricted, then ``again`` (built from its rows)."""
    rows = police_rows(world, tmp_path)
    first = registry.importer("incidents").apply(
        write_csv(tmp_path / "first.csv", with_column(rows, "Restricted", 2, "Y")), by=world.admin
    )
    assert first.ok, first.problems
    incident = Incident.objects.get(summary__startswith="Phone taken")
    assert incident.restricted
    # The YJS worker sees the children named (say, by an allocation) but not the intelligence.
    assert not scopes.incidents_visible_to(world.yjs_worker).filter(pk=incident.pk).exists()
    return registry.importer("incidents").apply(
        write_csv(tmp_path / "again.csv", again), by=world.admin
    )


def test_an_empty_restricted_cell_leaves_a_police_restriction_in_place(
    world: World, tmp_path: Path
) -> None:
    """The next month's export of the same list, the Restricted column left blank: the data
    team relies on "an empty optional cell leaves the held value" (docs/imports-flat.md), and
    the police on their intelligence staying theirs."""
    report = restricted_then(world, tmp_path, police_rows(world, tmp_path))
    assert report.ok, report.problems
    incident = Incident.objects.get(summary__startswith="Phone taken")
    assert incident.restricted
    assert report.counts["incident"]["updated"] == 0
    assert not scopes.incidents_visible_to(world.yjs_worker).filter(pk=incident.pk).exists()


def test_without_the_restricted_column_a_restriction_stays(world: World, tmp_path: Path) -> None:
    """A list exported without the optional column says nothing about restriction."""
    rows = police_rows(world, tmp_path)
    at = rows[0].index("Restricted")
    report = restricted_then(world, tmp_path, [row[:at] + row[at + 1 :] for row in rows])
    assert report.ok, report.problems
    assert Incident.objects.get(summary__startswith="Phone taken").restricted


def test_an_import_cannot_lift_a_restriction(world: World, tmp_path: Path) -> None:
    """Restricted N on a restricted incident is refused for that row, the line and column
    named and the incident's page given as the place to do it; the restriction stays."""
    again = with_column(police_rows(world, tmp_path), "Restricted", 2, "N")
    report = restricted_then(world, tmp_path, again)
    assert [(p.where, p.field, p.rule) for p in report.problems] == [
        ("line 2", "Restricted", "conflict")
    ]
    assert "cannot lift a restriction" in report.problems[0].message
    assert "incident's page" in report.problems[0].message
    assert Incident.objects.get(summary__startswith="Phone taken").restricted
