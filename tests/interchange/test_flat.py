"""Flat imports: the shipped examples import (CSV and XLSX), re-import changes nothing, a change
updates, and an import widens nobody's sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from locus.access import scopes
from locus.access.models import Worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common.errors import NotPermitted
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.interchange import registry
from locus.interchange.core import Report
from locus.interchange.flat import IMPORTERS
from locus.peers.models import Association, GroupMembership, Nature
from locus.people.models import Allocation, Person
from locus.places.models import Context, ContextKind
from tests.factories import World, nothing_written
from tests.interchange.flat_files import (
    KINDS,
    example_rows,
    with_column,
    write_csv,
    write_xlsx,
)

EXPECTED = {
    "people": ("person", 5),
    "contexts": ("context", 5),
    "associations": ("association", 3),
    "incidents": ("incident", 2),
    "memberships": ("membership", 3),
}


def counts(report: Report) -> dict[str, dict[str, int]]:
    return {kind: dict(c) for kind, c in report.counts.items()}


def import_all(tmp_path: Path, admin: Worker, *, xlsx: bool = False) -> dict[str, Report]:
    reports = {}
    for kind in KINDS:
        name = f"{kind}.{'xlsx' if xlsx else 'csv'}"
        write = write_xlsx if xlsx else write_csv
        path = write(tmp_path / name, example_rows(kind))
        reports[kind] = registry.importer(kind).apply(path, by=admin)
    return reports


def test_the_flat_importers_are_registered() -> None:
    for kind in KINDS:
        importer = registry.importer(kind)
        assert importer.kind == kind
        assert importer.accepts == "CSV or XLSX"


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_each_example_file_imports_with_the_expected_counts(
    world: World, tmp_path: Path, xlsx: bool
) -> None:
    people_before = Person.objects.count()
    reports = import_all(tmp_path, world.admin, xlsx=xlsx)
    for kind, (record_kind, n) in EXPECTED.items():
        report = reports[kind]
        assert report.problems == [], kind
        assert counts(report) == {record_kind: {"created": n}}, kind
        assert report.details["written"] is True
        assert report.records_read == n
    assert Person.objects.count() == people_before + 5
    kai = Person.objects.get(la_child_id="IMP-0002")
    # Both date formats, the CIN census codes and, from a spreadsheet, dates held as dates.
    assert (str(kai.date_of_birth), kai.sex, kai.ethnicity, kai.known_as) == (
        "2011-09-23",
        "1",
        "WBRI",
        "K",
    )
    assert Person.objects.get(la_child_id="IMP-0005").kind == "adult_of_concern"
    station = Context.objects.get(name="Hackney Central Station (example)")
    assert station.postcode == "E8 1DY" and station.latitude is not None
    robbery = Incident.objects.get(context=station)
    assert robbery.reporting_agency == world.yjs
    involved = Involvement.objects.filter(incident=robbery)
    assert {(i.person.la_child_id, i.role) for i in involved} == {
        ("IMP-0002", InvolvementRole.HARMED),
        ("IMP-0005", InvolvementRole.HARMING),
        ("IMP-0003", InvolvementRole.PRESENT),
    }
    zara = Person.objects.get(la_child_id="IMP-0004")
    described = Association.objects.get(person=zara)
    assert described.other is None and described.other_label == "older male known as T"
    assert described.nature == Nature.RISK
    group = Context.objects.get(kind=ContextKind.PEER_GROUP, name="Fields crew (example)")
    assert GroupMembership.objects.filter(group=group).count() == 3


def test_a_dry_run_counts_what_the_apply_does_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "people.csv", example_rows("people"))
    importer = registry.importer("people")
    with nothing_written(Person, Allocation):
        dry = importer.check(path)
    assert dry.dry_run and counts(dry) == {"person": {"created": 5}}
    applied = importer.apply(path, by=world.admin)
    assert counts(applied) == counts(dry)


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_importing_the_same_files_again_changes_nothing(
    world: World, tmp_path: Path, xlsx: bool
) -> None:
    import_all(tmp_path, world.admin, xlsx=xlsx)
    trail = ChangeEvent.objects.count()
    again = import_all(tmp_path, world.admin, xlsx=xlsx)
    for kind, (record_kind, n) in EXPECTED.items():
        assert counts(again[kind]) == {record_kind: {"unchanged": n}}, kind
    assert ChangeEvent.objects.count() == trail


def test_a_changed_row_updates_that_record_only_audited_as_the_administrator(
    world: World, tmp_path: Path
) -> None:
    import_all(tmp_path, world.admin)
    rows = with_column(example_rows("people"), "KnownAs", 2, "Mara")
    # An empty cell never erases what Locus holds (Kai keeps "K").
    rows = with_column(rows, "KnownAs", 3, "")
    report = registry.importer("people").apply(
        write_csv(tmp_path / "people-2.csv", rows), by=world.admin
    )
    assert counts(report) == {"person": {"updated": 1, "unchanged": 4}}
    amara = Person.objects.get(la_child_id="IMP-0001")
    assert amara.known_as == "Mara"
    assert Person.objects.get(la_child_id="IMP-0002").known_as == "K"
    trail = ChangeEvent.objects.filter(record_type="people.person", record_id=str(amara.pk))
    change = trail.order_by("id").last()
    assert change is not None
    assert (change.actor, change.action, change.after) == (
        world.admin,
        ChangeAction.UPDATE,
        {"known_as": "Mara"},
    )


def test_a_changed_association_is_revised_keeping_the_one_before(
    world: World, tmp_path: Path
) -> None:
    import_all(tmp_path, world.admin)
    rows = with_column(example_rows("associations"), "Nature", 2, "risk")
    path = write_csv(tmp_path / "associations-2.csv", rows)
    report = registry.importer("associations").apply(path, by=world.admin)
    assert counts(report) == {"association": {"updated": 1, "unchanged": 2}}
    amara = Person.objects.get(la_child_id="IMP-0001")
    history = Association.objects.filter(person=amara).order_by("id")
    assert [a.nature for a in history] == [Nature.PROTECTIVE, Nature.RISK]
    assert history[0].valid_until is not None and history[0].end_reason
    assert "associations-2.csv" in history[0].end_reason
    # The revised row, imported once more, matches the latest record: nothing to do.
    assert counts(registry.importer("associations").apply(path, by=world.admin)) == {
        "association": {"unchanged": 3}
    }


def test_an_empty_peer_role_leaves_the_role_held(world: World, tmp_path: Path) -> None:
    """The data team's next export may leave PeerRole blank: "an empty optional cell leaves
    the value there (an import never erases)", so the worker's recorded role in the group
    stays, and a revision for another change carries it over."""
    import_all(tmp_path, world.admin)

    def current_roles() -> list[str]:
        pair = Association.objects.current().filter(
            person__la_child_id="IMP-0001", other__la_child_id="IMP-0002"
        )
        return [a.peer_role for a in pair]

    assert current_roles() == ["core"]
    rows = with_column(example_rows("associations"), "PeerRole", 2, "")
    path = write_csv(tmp_path / "associations-2.csv", rows)
    report = registry.importer("associations").apply(path, by=world.admin)
    assert counts(report) == {"association": {"unchanged": 3}}
    assert current_roles() == ["core"]
    path = write_csv(tmp_path / "associations-3.csv", with_column(rows, "Nature", 2, "risk"))
    report = registry.importer("associations").apply(path, by=world.admin)
    assert counts(report) == {"association": {"updated": 1, "unchanged": 2}}
    assert current_roles() == ["core"]


def test_an_ending_date_ends_a_membership(world: World, tmp_path: Path) -> None:
    import_all(tmp_path, world.admin)
    rows = with_column(example_rows("memberships"), "Until", 4, "2025-09-30")
    report = registry.importer("memberships").apply(
        write_csv(tmp_path / "memberships-2.csv", rows), by=world.admin
    )
    assert counts(report) == {"membership": {"updated": 1, "unchanged": 2}}
    ended = GroupMembership.objects.get(person__upn="N204900000003")
    assert str(ended.until) == "2025-09-30" and ended.ended_by == world.admin


def test_an_imported_association_carries_its_provenance_and_its_file(
    world: World, tmp_path: Path
) -> None:
    import_all(tmp_path, world.admin)
    kai = Person.objects.get(la_child_id="IMP-0002")
    association = Association.objects.get(person=kai)
    assert (association.source, association.confidence) == ("police", "high")
    assert association.recorded_by == world.admin and association.recorded_at is not None
    assert str(association.valid_from) == "2025-05-01"
    assert "Imported from the file associations.csv" in association.note


OTHERS = (
    "social_worker",
    "teammate",
    "team_manager",
    "other_social_worker",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "partner_worker",
)


def test_an_import_widens_nobodys_sight(world: World, tmp_path: Path) -> None:
    for kind in ("people", "contexts", "associations", "memberships"):
        path = write_csv(tmp_path / f"{kind}.csv", example_rows(kind))
        registry.importer(kind).apply(path, by=world.admin)
    imported = Person.objects.filter(la_child_id__startswith="IMP-")
    group = Context.objects.get(name="Fields crew (example)")
    assert imported.count() == 5
    assert not Allocation.objects.filter(person__in=imported).exists()
    assert all(p.recorded_by is None for p in imported) and group.recorded_by is None
    for name in OTHERS:
        worker = world.persona(name)
        assert not scopes.people_visible_to(worker).filter(pk__in=imported).exists(), name
        assert not scopes.contexts_visible_to(worker).filter(pk=group.pk).exists(), name
    # The writes are the administrator's, in the trail.
    created = ChangeEvent.objects.filter(
        record_type="people.person", record_id__in=[str(p.pk) for p in imported]
    )
    assert {(e.actor, e.action) for e in created} == {(world.admin, ChangeAction.CREATE)}


def test_only_an_administrator_imports(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", example_rows("people"))
    with nothing_written(Person), pytest.raises(NotPermitted):
        registry.importer("people").apply(path, by=world.team_manager)


def test_a_spreadsheet_bom_and_an_unknown_column_are_accepted(world: World, tmp_path: Path) -> None:
    extras = ["Shoe size", *"12345"]
    rows = [[*row, extra] for row, extra in zip(example_rows("people"), extras, strict=True)]
    report = registry.importer("people").apply(
        write_csv(tmp_path / "people.csv", rows, bom=True), by=world.admin
    )
    assert report.ok and counts(report) == {"person": {"created": 5}}
    # Said once, for the whole file.
    assert report.details["unknown_columns"] == ["Shoe size"]


DOC = Path(__file__).resolve().parents[2] / "docs" / "imports-flat.md"


def test_the_documentation_lists_every_column_of_every_kind() -> None:
    text = DOC.read_text(encoding="utf-8")
    for importer in IMPORTERS:
        section = text.split(f"\n## {importer.kind}\n", 1)[1].split("\n## ", 1)[0]
        for column in importer.spec.columns:
            assert f"\n| {column.name} | " in section, (importer.kind, column.name)


def test_a_later_file_adds_a_person_to_an_incident_and_amends_it_with_the_file_as_reason(
    world: World, tmp_path: Path
) -> None:
    import_all(tmp_path, world.admin)
    rows = with_column(example_rows("incidents"), "Present", 2, "IMP-0003;IMP-0001")
    rows = with_column(rows, "Confidence", 2, "high")
    path = write_csv(tmp_path / "incidents-2.csv", rows)
    report = registry.importer("incidents").apply(path, by=world.admin)
    assert counts(report) == {"incident": {"updated": 1, "unchanged": 1}}
    robbery = Incident.objects.get(kind="robbery", context__name__startswith="Hackney Central")
    assert robbery.confidence == "high"
    assert robbery.revisions.get().reason == "Imported from the file incidents-2.csv"
    added = Involvement.objects.get(incident=robbery, person__la_child_id="IMP-0001")
    assert (added.role, added.reason) == (
        InvolvementRole.PRESENT,
        "Imported from the file incidents-2.csv",
    )
    # Leaving someone out of a later file never takes them out of the incident.
    rows = with_column(example_rows("incidents"), "Present", 2, "")
    rows = with_column(rows, "Confidence", 2, "high")
    again = registry.importer("incidents").apply(
        write_csv(tmp_path / "i3.csv", rows), by=world.admin
    )
    assert counts(again) == {"incident": {"unchanged": 2}}
    assert Involvement.objects.filter(incident=robbery).count() == 4


def test_progress_runs_from_nothing_to_the_whole_file(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", example_rows("people"))
    seen: list[tuple[int, int]] = []
    registry.importer("people").check(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert seen[0] == (0, size) and seen[-1] == (size, size)


def test_a_later_file_changes_a_contexts_description_but_never_its_kind(
    world: World, tmp_path: Path
) -> None:
    import_all(tmp_path, world.admin)
    rows = with_column(example_rows("contexts"), "Description", 6, "Meets after school")
    report = registry.importer("contexts").apply(
        write_csv(tmp_path / "contexts-2.csv", rows), by=world.admin
    )
    assert counts(report) == {"context": {"updated": 1, "unchanged": 4}}
    group = Context.objects.get(name="Fields crew (example)")
    assert group.description == "Meets after school" and group.recorded_by is None
    rows = with_column(example_rows("contexts"), "ContextKind", 4, "retail")
    refused = registry.importer("contexts").check(write_csv(tmp_path / "contexts-3.csv", rows))
    assert [(p.where, p.field, p.rule) for p in refused.problems] == [
        ("line 4", "ContextKind", "conflict")
    ]


def test_a_stray_cell_far_out_does_not_widen_every_row_read(world: World, tmp_path: Path) -> None:
    """One cell far to the right (a stray keystroke, or a file made to stall the worker)
    made openpyxl give every row of the sheet as many cells as reach it, thousands each,
    though no column past the header's is read: rows are read as wide as line 1's names."""
    from openpyxl import load_workbook

    from locus.interchange.flat_read import rows_of

    path = write_xlsx(tmp_path / "people.xlsx", example_rows("people"))
    book = load_workbook(path)
    book.active.cell(row=3, column=16000, value="stray")
    book.save(path)
    widths = {len(values) for _, values in rows_of(path, lambda done, total: None)}
    assert widths == {len(example_rows("people")[0])}
    report = registry.importer("people").apply(path, by=world.admin)
    assert report.problems == [] and counts(report) == {"person": {"created": 5}}
