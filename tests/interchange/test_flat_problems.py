"""Flat imports refuse what is wrong, naming the line and the column, and write nothing: a
missing column, a code not in the list, a day that does not exist, a record twice in one
file, a person Locus does not know, the wrong encoding, an association without provenance,
and an apply killed half-way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locus.audit.models import ChangeEvent
from locus.interchange import flat_people, registry
from locus.interchange.core import FileRejected, Problem, Report
from locus.interchange.flat import IMPORTERS, FlatImporter
from locus.interchange.flat_read import Row, parse_date
from locus.peers.models import Association, GroupMembership
from locus.people.models import Person
from locus.places.models import Context
from tests.factories import World, nothing_written
from tests.interchange.flat_files import example_rows, with_column, write_csv, write_xlsx

WRITTEN_BY_IMPORTS = (Person, Context, Association, GroupMembership)


def only_problem(report: Report) -> Problem:
    assert report.problems_total == 1, report.problems
    return report.problems[0]


def check_and_apply(kind: str, path: Path, world: World) -> Report:
    """The dry run's report, after checking that the apply writes nothing and agrees."""
    importer = registry.importer(kind)
    report = importer.check(path)
    with nothing_written(*WRITTEN_BY_IMPORTS):
        applied = importer.apply(path, by=world.admin)
    assert applied.details["written"] is False
    assert applied.problems == report.problems
    return report


def written_as(tmp_path: Path, rows: list[list[str]], *, xlsx: bool) -> Path:
    if xlsx:
        return write_xlsx(tmp_path / "people.xlsx", rows)
    return write_csv(tmp_path / "people.csv", rows)


def import_people_and_contexts(world: World, tmp_path: Path) -> None:
    for kind in ("people", "contexts"):
        path = write_csv(tmp_path / f"{kind}-first.csv", example_rows(kind))
        assert registry.importer(kind).apply(path, by=world.admin).ok


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_a_missing_required_column_refuses_the_file_naming_it(
    world: World, tmp_path: Path, xlsx: bool
) -> None:
    rows = [[c for i, c in enumerate(r) if i != 3] for r in example_rows("people")]
    assert "FamilyName" not in rows[0]
    path = (write_xlsx if xlsx else write_csv)(
        tmp_path / f"people.{'xlsx' if xlsx else 'csv'}", rows
    )
    with nothing_written(*WRITTEN_BY_IMPORTS), pytest.raises(FileRejected) as refused:
        registry.importer("people").apply(path, by=world.admin)
    assert (refused.value.problem.where, refused.value.problem.field) == ("line 1", "FamilyName")
    assert refused.value.problem.rule == "required"
    assert "FamilyName" in refused.value.problem.message


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_an_unknown_code_is_a_problem_on_its_line_and_column(
    world: World, tmp_path: Path, xlsx: bool
) -> None:
    rows = with_column(example_rows("people"), "Ethnicity", 4, "XXXX")
    path = (write_xlsx if xlsx else write_csv)(
        tmp_path / f"people.{'xlsx' if xlsx else 'csv'}", rows
    )
    report = check_and_apply("people", path, world)
    problem = only_problem(report)
    assert (problem.where, problem.field, problem.rule) == ("line 4", "Ethnicity", "code")
    assert "'XXXX'" in problem.message and "WBRI" in problem.message
    assert problem.record == "IMP-0003"
    assert dict(report.counts["person"]) == {"created": 4, "rejected": 1}


def test_a_day_that_does_not_exist_is_a_problem(world: World, tmp_path: Path) -> None:
    rows = with_column(example_rows("people"), "PersonBirthDate", 2, "31/02/2025")
    problem = only_problem(check_and_apply("people", write_csv(tmp_path / "p.csv", rows), world))
    assert (problem.where, problem.field, problem.rule) == ("line 2", "PersonBirthDate", "date")
    assert "31/02/2025" in problem.message and "dd/mm/yyyy" in problem.message


def test_a_record_twice_in_one_file_is_a_problem_naming_the_first_line(
    world: World, tmp_path: Path
) -> None:
    rows = example_rows("people")
    copy = with_column(with_column(rows, "GivenName", 3, "Kaiden"), "UPN", 3, "")
    rows.append(copy[2])  # IMP-0002 again, on line 7
    problem = only_problem(check_and_apply("people", write_csv(tmp_path / "p.csv", rows), world))
    assert (problem.where, problem.field, problem.rule) == ("line 7", "LAchildID", "duplicate")
    assert "line 3" in problem.message


def second_robbery(rows: list[list[str]], place: str, postcode: str) -> list[list[str]]:
    """Line 3 made a robbery on 14 July 2025 at 18:30 (as line 2) at ``place``."""
    for column, value in {
        "IncidentKind": "robbery",
        "OccurredDate": "14/07/2025",
        "OccurredTime": "18:30",
        "ContextName": place,
        "ContextPostcode": postcode,
        "Harmed": "IMP-0004",
        "WentMissing": "",
    }.items():
        rows = with_column(rows, column, 3, value)
    return rows


def test_two_incidents_of_a_kind_at_one_time_in_two_places_are_both_imported(
    world: World, tmp_path: Path
) -> None:
    """The match key is the kind, when and where (docs/imports-flat.md): two robberies the
    same evening across town are two incidents, not a duplicate."""
    import_people_and_contexts(world, tmp_path)
    rows = second_robbery(example_rows("incidents"), "Mare Street Chicken (example)", "E8 1EJ")
    report = registry.importer("incidents").apply(
        write_csv(tmp_path / "i.csv", rows), by=world.admin
    )
    assert report.problems == []
    assert dict(report.counts["incident"]) == {"created": 2}


def test_an_incident_twice_in_one_file_is_named_as_the_file_writes_it(
    world: World, tmp_path: Path
) -> None:
    """The same incident on two lines (its date written two ways) is refused on the second,
    the message giving the kind, time and place as the file has them, not a UTC timestamp."""
    import_people_and_contexts(world, tmp_path)
    rows = example_rows("incidents")
    rows = second_robbery(rows, "hackney central station (EXAMPLE)", "e8 1dy")
    problem = only_problem(check_and_apply("incidents", write_csv(tmp_path / "i.csv", rows), world))
    assert (problem.where, problem.field, problem.rule) == ("line 3", "OccurredDate", "duplicate")
    assert problem.message.startswith(
        "A robbery incident on 14/07/2025 18:30 at hackney central station (EXAMPLE) (e8 1dy) "
        "is on line 2 too"
    )


# What the file says, in which column of which kind, and what it is told.
FAR_OUT = {
    "incident-year-1": ("incidents", "OccurredDate", "01/01/0001", "must be after 1900"),
    "incident-year-1-iso": ("incidents", "OccurredDate", "0001-01-01", "must be after 1900"),
    "incident-9999": ("incidents", "OccurredDate", "31/12/9999", "cannot be in the future"),
    "association-year-1": ("associations", "ValidFrom", "01/01/0001", "must be after 1900"),
    "association-1025": ("associations", "ValidFrom", "14/07/1025", "must be after 1900"),
    "association-9999": ("associations", "ValidFrom", "31/12/9999", "must not be in the future"),
}


@pytest.mark.parametrize("case", FAR_OUT)
def test_a_date_no_record_can_have_is_a_problem_on_its_line(
    world: World, tmp_path: Path, case: str
) -> None:
    """A mistyped year is a real date to the reader, but no incident or association is from
    before 1900 or after today: the data team gets the line and column, not a record in
    year 1 (the pages refuse the same dates, through the same services)."""
    kind, column, day, message = FAR_OUT[case]
    import_people_and_contexts(world, tmp_path)
    rows = with_column(example_rows(kind), column, 2, day)
    problem = only_problem(check_and_apply(kind, write_csv(tmp_path / "f.csv", rows), world))
    assert (problem.where, problem.field) == ("line 2", column)
    assert problem.message.endswith(message)


def test_a_person_locus_does_not_know_is_a_problem(world: World, tmp_path: Path) -> None:
    import_people_and_contexts(world, tmp_path)
    rows = with_column(example_rows("associations"), "PeerLAchildID", 3, "NOBODY-1")
    report = check_and_apply("associations", write_csv(tmp_path / "a.csv", rows), world)
    problem = only_problem(report)
    assert (problem.where, problem.field, problem.rule) == ("line 3", "PeerLAchildID", "reference")
    assert "NOBODY-1" in problem.message and "people file" in problem.message


def test_a_person_with_another_upn_is_a_problem_about_them(world: World, tmp_path: Path) -> None:
    """The message says something of the record Locus holds (it has another UPN): the
    report keeps who, so the run's page and rejects file log the read as about them."""
    import_people_and_contexts(world, tmp_path)
    rows = with_column(example_rows("associations"), "UPN", 2, "Z204900000002")
    report = check_and_apply("associations", write_csv(tmp_path / "a.csv", rows), world)
    problem = only_problem(report)
    assert (problem.where, problem.field, problem.rule) == ("line 2", "UPN", "reference")
    assert report.people == {Person.objects.get(la_child_id="IMP-0001").pk}


def test_an_unknown_person_in_an_incident_role_is_a_problem(world: World, tmp_path: Path) -> None:
    import_people_and_contexts(world, tmp_path)
    rows = with_column(example_rows("incidents"), "Present", 2, "IMP-0003; IMP-9999")
    problem = only_problem(check_and_apply("incidents", write_csv(tmp_path / "i.csv", rows), world))
    assert (problem.where, problem.field, problem.rule) == ("line 2", "Present", "reference")


def test_the_wrong_encoding_refuses_the_file_naming_the_line(world: World, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    text = "\n".join(",".join(r) for r in example_rows("people")).replace("Zara", "Zoë")
    path.write_bytes(text.encode("latin-1"))
    with nothing_written(*WRITTEN_BY_IMPORTS), pytest.raises(FileRejected) as refused:
        registry.importer("people").apply(path, by=world.admin)
    problem = refused.value.problem
    assert (problem.where, problem.rule) == ("line 5", "encoding")
    assert "UTF-8" in problem.message


def test_an_association_without_provenance_cannot_be_imported(world: World, tmp_path: Path) -> None:
    import_people_and_contexts(world, tmp_path)
    rows = example_rows("associations")
    source = rows[0].index("Source")
    without = [[c for i, c in enumerate(r) if i != source] for r in rows]
    with nothing_written(*WRITTEN_BY_IMPORTS), pytest.raises(FileRejected) as refused:
        registry.importer("associations").apply(
            write_csv(tmp_path / "a.csv", without), by=world.admin
        )
    assert refused.value.problem.field == "Source"
    # A row with its source or confidence left empty is refused too, even with valid_only.
    rows = with_column(with_column(rows, "Source", 2, ""), "Confidence", 3, "")
    report = check_and_apply("associations", write_csv(tmp_path / "b.csv", rows), world)
    assert {(p.where, p.field, p.rule) for p in report.problems} == {
        ("line 2", "Source", "required"),
        ("line 3", "Confidence", "required"),
    }
    applied = registry.importer("associations").apply(
        write_csv(tmp_path / "b.csv", rows), by=world.admin, valid_only=True
    )
    assert applied.details["written"] is True
    assert dict(applied.counts["association"]) == {"created": 1, "rejected": 2}
    assert Association.objects.filter(note__contains="b.csv").count() == 1


def test_every_file_with_provenance_asks_for_it_in_the_same_two_columns() -> None:
    # Associations, memberships and incidents each say where they came from and how sure the
    # source is: the same two required columns, described alike, in each file.
    asked = {
        importer.kind: [c for c in importer.spec.columns if c.name in ("Source", "Confidence")]
        for importer in IMPORTERS
        if importer.kind in ("associations", "memberships", "incidents")
    }
    assert len(asked) == 3
    first, *others = asked.values()
    assert [c.name for c in first] == ["Source", "Confidence"]
    assert all(c.required for c in first)
    assert all(columns == first for columns in others), asked


def test_valid_only_writes_the_valid_rows_and_lists_the_rest(world: World, tmp_path: Path) -> None:
    rows = with_column(example_rows("people"), "Sex", 5, "7")
    report = registry.importer("people").apply(
        write_csv(tmp_path / "p.csv", rows), by=world.admin, valid_only=True
    )
    assert dict(report.counts["person"]) == {"created": 4, "rejected": 1}
    assert only_problem(report).record == "IMP-0004"
    assert not Person.objects.filter(la_child_id="IMP-0004").exists()
    assert Person.objects.filter(la_child_id__startswith="IMP-").count() == 4


def test_a_home_is_not_imported_as_a_context(world: World, tmp_path: Path) -> None:
    rows = with_column(example_rows("contexts"), "ContextKind", 3, "home")
    problem = only_problem(check_and_apply("contexts", write_csv(tmp_path / "c.csv", rows), world))
    assert (problem.where, problem.field) == ("line 3", "ContextKind")


def test_a_postcode_that_does_not_exist_is_a_problem(world: World, tmp_path: Path) -> None:
    rows = with_column(example_rows("contexts"), "Postcode", 2, "ZZ9 9ZZ")
    problem = only_problem(check_and_apply("contexts", write_csv(tmp_path / "c.csv", rows), world))
    assert (problem.where, problem.field) == ("line 2", "Postcode")


def test_an_apply_killed_half_way_leaves_the_database_as_it_was(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    create = flat_people._create

    def dies_on_the_third(by: object, fields: dict) -> Person:
        if len(written) == 2:
            raise RuntimeError("the worker was killed")
        written.append(fields["la_child_id"])
        return create(by, fields)

    monkeypatch.setattr(flat_people, "_create", dies_on_the_third)
    path = write_csv(tmp_path / "people.csv", example_rows("people"))
    trail = ChangeEvent.objects.count()
    with nothing_written(*WRITTEN_BY_IMPORTS), pytest.raises(RuntimeError):
        registry.importer("people").apply(path, by=world.admin)
    assert written == ["IMP-0001", "IMP-0002"]  # two were written before it died...
    assert ChangeEvent.objects.count() == trail  # ...and rolled back with their audit


def test_an_error_late_in_the_file_rolls_back_the_rows_before_it(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    lines = [",".join(r).encode() for r in example_rows("people")]
    lines.append(b"IMP-0006,,Bad\xff,Bytes,,2011-01-01,1,WBRI,")
    path.write_bytes(b"\n".join(lines))
    with nothing_written(*WRITTEN_BY_IMPORTS), pytest.raises(FileRejected) as refused:
        registry.importer("people").apply(path, by=world.admin, valid_only=True)
    assert refused.value.problem.where == "line 7"


def test_an_empty_file_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRejected) as refused:
        registry.importer("people").check(path)
    assert refused.value.problem.rule == "empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-02-28", "2025-02-28"),
        ("28/02/2025", "2025-02-28"),
        ("1/2/2025", "2025-02-01"),
        ("31/02/2025", None),
        ("2025-13-01", None),
        ("02/28/2025", None),
        ("28.02.2025", None),
        ("", None),
    ],
)
def test_dates_are_iso_or_day_first(text: str, expected: str | None) -> None:
    found = parse_date(text)
    assert (found.isoformat() if found else None) == expected


cells = st.text(max_size=30) | st.sampled_from(
    ["", "2025-02-28", "31/02/2025", "IMP-0001", "K204900000001", "risk", "1", "WBRI", "E8 1EJ"]
)


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda i: i.kind)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), line=st.integers(min_value=2, max_value=10**6))
def test_the_row_parser_never_raises_only_reports_problems(
    importer: FlatImporter, data: st.DataObject, line: int
) -> None:
    spec = importer.spec
    names = [c.name for c in spec.columns]
    row = Row(line, {name: data.draw(cells, label=name) for name in names})
    spec.parse(row)  # returns, whatever the cells hold
    for problem in row.problems:
        assert isinstance(problem, Problem)
        assert problem.where == f"line {line}"
        assert problem.field in names
        assert problem.message


def test_a_file_that_is_not_a_workbook_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRejected) as refused:
        registry.importer("people").check(path)
    assert refused.value.problem.rule == "xlsx"


@pytest.mark.parametrize("kind", ["people", "associations", "incidents"])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_whole_file_of_anything_gives_a_report_or_a_refusal(
    world: World, tmp_path: Path, kind: str, data: st.DataObject
) -> None:
    header = example_rows(kind)[0]
    body = data.draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 2), max_size=4))
    path = write_csv(tmp_path / f"{kind}.csv", [header, *body])
    try:
        report = registry.importer(kind).check(path)
    except FileRejected as refused:
        assert refused.problem.where.startswith("line ")
        return
    assert report.records_read <= len(body)
    for problem in report.problems:
        assert problem.where.startswith("line ") and problem.field and problem.message


def test_a_row_whose_lachildid_is_held_by_a_person_born_on_another_day_is_refused(
    world: World, tmp_path: Path
) -> None:
    """A mistyped LAchildID would give another child's record this row's name and date of
    birth: as the CIN census and SSDA903 imports do, the row is refused (a conflict, at the
    date of birth's line), the record Locus holds is left alone and the problem names it for
    the trail. The wrong one is corrected where it is wrong, and the file imported again."""
    child = world.csc_child
    Person.objects.filter(pk=child.pk).update(la_child_id="IMP-0002")
    child.refresh_from_db()
    assert child.date_of_birth is not None and str(child.date_of_birth) != "2011-09-23"
    path = write_csv(tmp_path / "people.csv", example_rows("people"))
    problem = only_problem(check_and_apply("people", path, world))
    assert (problem.where, problem.field, problem.rule) == ("line 3", "PersonBirthDate", "conflict")
    assert problem.record == "IMP-0002" and problem.about == child.pk
    assert f"{child.date_of_birth:%d/%m/%Y}" in problem.message and "23/09/2011" in problem.message
    report = registry.importer("people").apply(path, by=world.admin, valid_only=True)
    assert dict(report.counts["person"]) == {"created": 4, "rejected": 1}
    kept = Person.objects.get(pk=child.pk)
    assert (kept.given_name, kept.family_name, kept.date_of_birth) == (
        child.given_name,
        child.family_name,
        child.date_of_birth,
    )


def test_a_row_born_on_the_day_locus_holds_still_updates_the_record(
    world: World, tmp_path: Path
) -> None:
    """A name that changed is an update, as on the person's page: the date of birth agrees."""
    child = world.csc_child
    Person.objects.filter(pk=child.pk).update(la_child_id="IMP-0002")
    rows = with_column(example_rows("people"), "PersonBirthDate", 3, f"{child.date_of_birth}")
    report = registry.importer("people").apply(write_csv(tmp_path / "p.csv", rows), by=world.admin)
    assert report.problems == [] and dict(report.counts["person"]) == {"created": 4, "updated": 1}
    assert Person.objects.get(pk=child.pk).family_name == "Exampleton"


def test_a_row_does_not_make_a_childs_record_an_adults(world: World, tmp_path: Path) -> None:
    """No page changes what kind of person a record is, and a child's record made an adult
    of concern's would lose the rules a child's keeps (kept until 25 after a plan; an adult
    is 18 or over): a row giving another kind than Locus holds is refused, a conflict at
    PersonKind, and the record is left as it is."""
    importer = registry.importer("people")
    importer.apply(write_csv(tmp_path / "first.csv", example_rows("people")), by=world.admin)
    rows = with_column(example_rows("people"), "PersonKind", 2, "adult_of_concern")
    problem = only_problem(check_and_apply("people", write_csv(tmp_path / "b.csv", rows), world))
    amara = Person.objects.get(la_child_id="IMP-0001")
    assert (problem.where, problem.field, problem.rule) == ("line 2", "PersonKind", "conflict")
    assert problem.about == amara.pk and "young person" in problem.message
    importer.apply(write_csv(tmp_path / "c.csv", rows), by=world.admin, valid_only=True)
    assert Person.objects.get(pk=amara.pk).kind == "young_person"
