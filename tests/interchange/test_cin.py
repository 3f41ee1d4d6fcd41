"""The CIN census import: the samples, matching on re-import, the broken files, sight."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from locus.access import scopes
from locus.access.models import Worker
from locus.audit.models import ChangeEvent
from locus.common.errors import NotPermitted
from locus.interchange import cin
from locus.interchange.cin import CinImporter
from locus.interchange.core import FileRejected, Report
from locus.people.models import Person, PersonKind
from locus.people.services import person_create
from locus.statutory.models import (
    CensusChild,
    ChildProtectionPlan,
    CINAssessment,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)
from tests.interchange.cin_files import census, child, episode, write
from tests.interchange.conftest import DATA

IMPORTER = CinImporter()
RECORDS = (Person, CensusChild, CINEpisode, CINAssessment, CINPlan, Section47Enquiry)


def counts(report: Report) -> dict[str, dict[str, int]]:
    return report.as_dict()["counts"]


def rows() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in (*RECORDS, ChildProtectionPlan)}


def test_the_2022_sample_is_refused_for_its_upn_check_letter(admin: Worker) -> None:
    """The published sample's UPN, A123456789123, fails the DfE check letter: a mistyped UPN
    could match another child's record, so the child is refused, naming the UPN's line."""
    report = IMPORTER.check(DATA / "cin-2022.xml")
    assert counts(report) == {"child": {"rejected": 1}}
    (problem,) = report.problems
    assert (problem.field, problem.rule, problem.record) == ("UPN", "upn", "DFEX0000001")
    assert problem.where == "/Message/Children/Child[1]/ChildIdentifiers/UPN (line 21)"
    assert problem.message == ("The UPN's check letter is wrong: 123456789123 needs P, not A")
    before = rows()
    assert IMPORTER.apply(DATA / "cin-2022.xml", by=admin).ok is False
    assert rows() == before


def test_the_2022_sample_with_its_upn_corrected_is_refused_for_its_childs_age(
    admin: Worker,
) -> None:
    """The same return with its UPN's check letter corrected (nothing else changed): its
    child is born in 1966, no young person Locus records (under 25, as on the record page),
    so the child is refused at PersonBirthDate's line and nothing is written."""
    (problem,) = IMPORTER.check(DATA / "cin-2022-upn-corrected.xml").problems
    assert (problem.field, problem.rule, problem.record) == (
        "PersonBirthDate",
        "date",
        "DFEX0000001",
    )
    assert problem.where == "/Message/Children/Child[1]/ChildIdentifiers/PersonBirthDate (line 24)"
    before = rows()
    assert IMPORTER.apply(DATA / "cin-2022-upn-corrected.xml", by=admin).ok is False
    assert rows() == before


def test_the_2022_sample_imports(admin: Worker) -> None:
    """The same return with its UPN's check letter corrected and every date 50 years later
    (its child a child: born in 2016, not 1966), without its date of death."""
    before = rows()
    dry = IMPORTER.check(DATA / "cin-2022-corrected.xml")
    assert rows() == before  # the dry run writes nothing
    expected = {
        kind: {"created": 1}
        for kind in ("assessment", "child", "cin_episode", "cin_plan", "cp_plan", "section47")
    }
    assert dry.ok and counts(dry) == expected
    assert dry.details["schema_year"] == 2022

    done = IMPORTER.apply(DATA / "cin-2022-corrected.xml", by=admin)
    assert done.details["written"] is True and counts(done) == expected
    person = Person.objects.get(la_child_id="DFEX0000001")
    assert (person.upn, person.sex, person.ethnicity) == ("P123456789123", "1", "WBRI")
    assert str(person.date_of_birth) == "2016-03-24"
    assert person.recorded_by is None  # an import grants nobody sight
    assert person.census_child.disabilities == ["HAND", "HEAR"]
    episode_ = person.cin_episodes.get()
    assert (episode_.referral_source, episode_.primary_need, episode_.closure_reason) == (
        "1A",
        "N4",
        "RC1",
    )
    assert episode_.assessments.get().factors == ["2A", "2B"]
    plan = episode_.cp_plans.get()
    assert (plan.initial_category, plan.latest_category, plan.previous_plans) == ("PHY", "PHY", 10)
    # Audited as the worker who imported, with the child named for the trail's search.
    made = ChangeEvent.objects.get(record_type="people.person", record_id=str(person.pk))
    assert made.actor == admin and made.people == f",{person.pk},"


def test_importing_again_updates_and_never_duplicates(admin: Worker, tmp_path: Path) -> None:
    first = census(
        child("LA1", upn="A123456789012", episodes=(episode(),)), year=2023, reference="2023-12-31"
    )
    IMPORTER.apply(write(tmp_path, first), by=admin)
    after_first = rows()

    again = IMPORTER.apply(write(tmp_path, first), by=admin)
    assert rows() == after_first
    assert set(counts(again)["child"]) == {"unchanged"}
    assert set(counts(again)["cin_episode"]) == {"unchanged"}

    # Next year's return: the episode closed, a second one opened, the ethnicity corrected.
    closed = episode(closure="2024-01-10")
    second = episode("2024-02-01", factors=("24A",), plan=False)
    following = census(
        child("LA1", upn="A123456789012", ethnicity="WIRI", episodes=(closed, second)),
        year=2024,
    )
    report = IMPORTER.apply(write(tmp_path, following), by=admin)
    assert counts(report)["child"] == {"updated": 1}
    assert counts(report)["cin_episode"] == {"updated": 1, "created": 1}
    assert Person.objects.filter(la_child_id="LA1").count() == 1
    person = Person.objects.get(la_child_id="LA1")
    assert person.ethnicity == "WIRI"
    assert list(
        person.cin_episodes.values_list("closure_date", flat=True).order_by("referral_date")
    ) == [
        __import__("datetime").date(2024, 1, 10),
        None,
    ]
    change = ChangeEvent.objects.filter(record_type="people.person", action="update").get()
    assert change.before == {"ethnicity": "WBRI"} and change.after == {"ethnicity": "WIRI"}


def test_a_return_without_a_birth_date_does_not_erase_the_one_locus_holds(
    admin: Worker, tmp_path: Path
) -> None:
    """PersonBirthDate is optional in the schema (an unborn child has an expected one).
    Imported again without it, a child Locus holds keeps their date of birth, which every
    form and the other imports require of a young person: an absent item never erases."""
    IMPORTER.apply(write(tmp_path, census(child("LA88", dob="2010-04-01"))), by=admin)
    person = Person.objects.get(la_child_id="LA88")
    assert person.date_of_birth == dt.date(2010, 4, 1)
    text = census(child("LA88", dob="2010-04-01")).replace(
        "<PersonBirthDate>2010-04-01</PersonBirthDate>", ""
    )
    assert "PersonBirthDate" not in text
    report = IMPORTER.apply(write(tmp_path, text, "again.xml"), by=admin)
    assert report.ok and counts(report)["child"] == {"unchanged": 1}
    person.refresh_from_db()
    assert person.date_of_birth == dt.date(2010, 4, 1)
    assert not ChangeEvent.objects.filter(record_type="people.person", action="update").exists()


def test_a_child_is_matched_on_upn_when_the_la_child_id_is_new(
    admin: Worker, tmp_path: Path, world: Any
) -> None:
    pupil = world.pupil
    pupil.upn = "A123456789012"
    pupil.save()
    born = pupil.date_of_birth.isoformat()
    IMPORTER.apply(write(tmp_path, census(child("newid", upn="a123456789012", dob=born))), by=admin)
    pupil.refresh_from_db()
    assert pupil.la_child_id == "NEWID"  # identifiers read as Locus keeps them: upper case
    assert pupil.cin_episodes.count() == 1


@pytest.mark.parametrize("planted", ["adult", "another birthday"])
def test_a_upn_alone_gives_no_childs_census_to_a_record_that_is_not_them(
    admin: Worker, social_worker: Worker, tmp_path: Path, planted: str
) -> None:
    """A worker records someone holding a real child's UPN (an adult of concern, or a young
    person born on another day); the next return has the child under a new LA child ID.
    Matched on the UPN alone, the child's census would land on that record: a conflict."""
    decoy = person_create(
        actor=social_worker,
        given_name="Decoy",
        family_name="Record",
        date_of_birth=dt.date(1980, 1, 1) if planted == "adult" else dt.date(2011, 5, 5),
        kind=PersonKind.ADULT_OF_CONCERN if planted == "adult" else PersonKind.YOUNG_PERSON,
        upn="A123456789012",
    )
    path = write(tmp_path, census(child("NEWID", upn="A123456789012", dob="2010-04-01")))
    dry = IMPORTER.check(path)
    assert [p.rule for p in dry.problems] == ["conflict"]
    assert "adult" in dry.problems[0].message or "born on" in dry.problems[0].message
    IMPORTER.apply(path, by=admin)
    decoy.refresh_from_db()
    assert decoy.cin_episodes.count() == 0 and decoy.la_child_id is None
    assert decoy.date_of_birth != dt.date(2010, 4, 1)


def test_an_la_child_id_locus_would_refuse_is_refused(admin: Worker, tmp_path: Path) -> None:
    report = IMPORTER.check(write(tmp_path, census(child("la 0001/x" + "9" * 15))))
    assert not report.ok
    assert {p.rule for p in report.problems} == {"identifier"}


def test_the_2024_sample_reports_its_deliberate_errors(admin: Worker) -> None:
    report = IMPORTER.check(DATA / "CIN_Census_2024.xml")
    assert counts(report) == {"child": {"rejected": 2}}
    found = {(p.field, p.rule, p.where) for p in report.problems}
    first = "/Message/Children/Child[1]"
    second = "/Message/Children/Child[2]"
    assert ("ChildIdentifiers", "schema", f"{first}/ChildIdentifiers (line 19)") in found
    assert (
        "AssessmentFactors",
        "code",
        f"{first}/CINdetails/Assessments/FactorsIdentifiedAtAssessment"
        "/AssessmentFactors[2] (line 46)",
    ) in found
    assert ("Sex", "code", f"{second}/ChildIdentifiers/Sex (line 78)") in found
    assert (
        "FactorsIdentifiedAtAssessment",
        "required",
        f"{second}/CINdetails/Assessments/FactorsIdentifiedAtAssessment (line 95)",
    ) in found
    by_field = {p.field: p for p in report.problems}
    assert by_field["Sex"].message == "'M' is not a DfE code for Sex in the 2024 return."
    assert by_field["Sex"].record == "child_fails_assessments"
    # Nothing of it is imported, even asked for the valid records only.
    before = rows()
    assert IMPORTER.apply(DATA / "CIN_Census_2024.xml", by=admin, valid_only=True).ok is False
    assert rows() == before


def test_sex_is_read_as_gender_current(admin: Worker, tmp_path: Path) -> None:
    path = write(tmp_path, census(child("LA2", sex="2", sex_tag="Sex")))
    report = IMPORTER.apply(path, by=admin)
    assert report.ok, report.problems
    assert Person.objects.get(la_child_id="LA2").sex == "2"


@pytest.mark.parametrize("year", [2018, 2020, 2021, 2022, 2023, 2024])
def test_a_minimal_return_of_every_schema_year_is_valid(year: int, tmp_path: Path, db: Any) -> None:
    # 18B replaced 18A in 2021; CIN plan dates came in 2022.
    factor = "18A" if year < 2021 else "18B"
    text = census(
        child(episodes=(episode(factors=(factor,), plan=year >= 2022, cp="NEG"),)),
        year=year,
        reference="-",
    )
    report = IMPORTER.check(write(tmp_path, text))
    assert report.ok, [p.message for p in report.problems]
    assert report.details["schema_year"] == cin.schema_year(year)


def test_a_return_checked_against_its_own_year(tmp_path: Path, db: Any) -> None:
    # CIN plan dates are not in the 2021 schema: a 2021 return holding them is wrong.
    text = census(child(episodes=(episode(plan=True),)), year=2021, reference="-")
    report = IMPORTER.check(write(tmp_path, text))
    (problem,) = report.problems
    assert (problem.field, problem.rule) == ("CINPlanDates", "schema")
    assert "2021 return" in problem.message and "line 3" in problem.where


def assert_nothing_written(path: Path, admin: Worker) -> Report:
    before = rows()
    report = IMPORTER.apply(path, by=admin)
    assert report.details["written"] is False
    assert rows() == before
    return report


def test_a_duplicate_la_child_id(admin: Worker, tmp_path: Path) -> None:
    path = write(tmp_path, census(child("LA9"), child("LA8"), child("LA9")))
    report = assert_nothing_written(path, admin)
    (problem,) = report.problems
    assert (problem.field, problem.rule, problem.record) == ("LAchildID", "duplicate", "LA9")
    assert problem.where == "/Message/Children/Child[3]/ChildIdentifiers/LAchildID (line 5)"
    assert "first at line 3" in problem.message


def test_a_date_that_does_not_exist(admin: Worker, tmp_path: Path) -> None:
    path = write(tmp_path, census(child(episodes=(episode("2025-02-31"),)), year=2025))
    (problem,) = assert_nothing_written(path, admin).problems
    assert (problem.field, problem.rule) == ("CINreferralDate", "date")
    assert "'2025-02-31' is not a date" in problem.message and "(line 3)" in problem.where


def test_an_unknown_code(admin: Worker, tmp_path: Path) -> None:
    path = write(tmp_path, census(child(episodes=(episode(source="ZZ"),))))
    (problem,) = assert_nothing_written(path, admin).problems
    assert (problem.field, problem.rule) == ("ReferralSource", "code")


def test_dates_after_the_reference_date_and_out_of_order(admin: Worker, tmp_path: Path) -> None:
    text = census(child(episodes=(episode("2023-06-01", closure="2023-05-01"),)))
    (problem,) = assert_nothing_written(write(tmp_path, text), admin).problems
    assert (problem.field, problem.rule) == ("CINclosureDate", "date order")
    late = census(child(episodes=(episode("2024-06-01"),)))
    problems = assert_nothing_written(write(tmp_path, late), admin).problems
    assert {(p.field, p.rule) for p in problems} == {("CINreferralDate", "date")}


@pytest.mark.parametrize(
    ("text", "where", "rule"),
    [
        (census(child(), child("LA2"))[:-60], "line 4", "xml"),
        (census(child(), root='Message xmlns="urn:not-cin"'), "line 1", "namespace"),
        ("<Return><Children/></Return>", "line 1", "schema"),
        ('<!DOCTYPE m [<!ENTITY a "aaaa">]><Message/>', "line 1", "xml"),
        ("", "line 1", "xml"),
        (
            census(child()).replace("<Header>", "<Nope>").replace("</Header>", "</Nope>"),
            "line 3",
            "required",
        ),
    ],
    ids=["truncated", "namespace", "root", "doctype", "empty", "no-year"],
)
def test_a_file_that_cannot_be_read(
    admin: Worker, tmp_path: Path, text: str, where: str, rule: str
) -> None:
    path = write(tmp_path, text)
    for attempt in (lambda: IMPORTER.check(path), lambda: IMPORTER.apply(path, by=admin)):
        before = rows()
        with pytest.raises(FileRejected) as refused:
            attempt()
        assert (refused.value.problem.where, refused.value.problem.rule) == (where, rule)
        assert rows() == before


def test_a_file_past_the_size_limit(admin: Worker, tmp_path: Path, settings: Any) -> None:
    settings.LOCUS_IMPORT_MAX_BYTES = 100_000
    path = write(tmp_path, census(*(child(f"LA{n}") for n in range(200))))
    assert path.stat().st_size > 100_000
    with pytest.raises(FileRejected) as refused:
        IMPORTER.apply(path, by=admin)
    assert refused.value.problem.rule == "size" and "at most" in refused.value.problem.message
    assert not Person.objects.filter(la_child_id="LA1").exists()


def test_valid_only_imports_the_valid_children(admin: Worker, tmp_path: Path) -> None:
    text = census(child("LA1"), child("LA2", episodes=(episode(source="ZZ"),)), child("LA3"))
    report = IMPORTER.apply(write(tmp_path, text), by=admin, valid_only=True)
    assert counts(report)["child"] == {"created": 2, "rejected": 1}
    assert set(
        Person.objects.filter(la_child_id__startswith="LA").values_list("la_child_id", flat=True)
    ) == {"LA1", "LA3"}


def test_a_killed_import_leaves_nothing_and_can_be_rerun(
    admin: Worker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, census(*(child(f"LA{n}") for n in range(5))))
    monkeypatch.setattr(cin, "BATCH", 2)
    real = cin.Batch.run
    calls = []

    def dies_on_the_third_batch(self: cin.Batch, children: list[cin.Child]) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("killed")
        real(self, children)

    monkeypatch.setattr(cin.Batch, "run", dies_on_the_third_batch)
    before = rows()
    events = ChangeEvent.objects.count()
    with pytest.raises(MemoryError):
        IMPORTER.apply(path, by=admin)
    assert rows() == before and ChangeEvent.objects.count() == events
    monkeypatch.setattr(cin.Batch, "run", real)
    report = IMPORTER.apply(path, by=admin)
    assert counts(report)["child"] == {"created": 5}


def test_an_import_widens_nobodys_sight(admin: Worker, world: Any, tmp_path: Path) -> None:
    IMPORTER.apply(write(tmp_path, census(child("SEEN1"), child("SEEN2"))), by=admin)
    imported = set(
        Person.objects.filter(la_child_id__startswith="SEEN").values_list("pk", flat=True)
    )
    assert len(imported) == 2
    for name in (
        "social_worker",
        "team_manager",
        "other_social_worker",
        "yjs_worker",
        "police_analyst",
        "school_dsl",
        "partner_worker",
        "auditor",
    ):
        seen = set(scopes.people_visible_to(world.persona(name)).values_list("pk", flat=True))
        assert not seen & imported, name
    assert imported <= set(scopes.people_visible_to(admin).values_list("pk", flat=True))


def test_a_date_the_schema_allows_but_no_calendar_holds(admin: Worker, tmp_path: Path) -> None:
    text = census(child(episodes=(episode("12023-06-01"),)), year=2024, reference="-")
    (problem,) = assert_nothing_written(write(tmp_path, text), admin).problems
    assert (problem.field, problem.rule) == ("CINreferralDate", "date")


@pytest.mark.parametrize("dob", ["1850-01-01", "0001-01-01"])
def test_a_child_born_before_1900_is_refused_as_every_other_path_refuses(
    admin: Worker, tmp_path: Path, dob: str
) -> None:
    """The record form, the flat import and SSDA903 refuse a date of birth before 1900 (a
    mistyped year): so does the census, naming PersonBirthDate and its line, and a valid-only
    import leaves the child out."""
    path = write(tmp_path, census(child("LA77", dob=dob)))
    report = IMPORTER.check(path)
    (problem,) = report.problems
    assert (problem.field, problem.rule, problem.record) == ("PersonBirthDate", "date", "LA77")
    assert problem.message == "The date of birth must be after 1900"
    assert problem.where.endswith("/ChildIdentifiers/PersonBirthDate (line 3)")
    IMPORTER.apply(path, by=admin, valid_only=True)
    assert not Person.objects.filter(la_child_id="LA77").exists()


@pytest.mark.parametrize("how", ["after a long comment", "in UTF-16"])
def test_a_dtd_the_first_bytes_do_not_show_is_refused_too(tmp_path: Path, how: str) -> None:
    body = census(child("LA1"))
    dtd = '<!DOCTYPE Message [<!ENTITY x "LA1">]>'
    path = tmp_path / "r.xml"
    if how == "after a long comment":
        path.write_text('<?xml version="1.0"?><!--' + "x" * 70_000 + "-->" + dtd + body)
    else:
        path.write_bytes(('<?xml version="1.0" encoding="UTF-16"?>' + dtd + body).encode("utf-16"))
    with pytest.raises(FileRejected, match="declares a DTD"):
        IMPORTER.check(path)


def test_a_child_found_by_la_child_id_but_born_another_day_is_a_conflict(
    admin: Worker, tmp_path: Path
) -> None:
    """Locus holds LA88 born on 01/04/2010; a return gives LA88 another date of birth (the
    LA child ID mistyped, or the date). As a record found by its UPN alone, the record found
    by its LA child ID keeps the date a worker recorded: the child is refused, naming
    PersonBirthDate and its line, and nothing of theirs is written, valid-only or not."""
    IMPORTER.apply(write(tmp_path, census(child("LA88", dob="2010-04-01"))), by=admin)
    person = Person.objects.get(la_child_id="LA88")
    episodes = person.cin_episodes.count()
    path = write(
        tmp_path,
        census(child("LA88", dob="2011-05-05", episodes=(episode("2024-01-05"),))),
        "again.xml",
    )
    (problem,) = IMPORTER.check(path).problems
    assert (problem.field, problem.rule, problem.record) == ("PersonBirthDate", "conflict", "LA88")
    assert problem.where.endswith("/ChildIdentifiers/PersonBirthDate (line 3)")
    assert "born on 01/04/2010, not 05/05/2011" in problem.message
    for valid_only in (False, True):
        report = IMPORTER.apply(path, by=admin, valid_only=valid_only)
        assert counts(report)["child"] == {"rejected": 1}
        person.refresh_from_db()
        assert person.date_of_birth == dt.date(2010, 4, 1)
        assert person.cin_episodes.count() == episodes
    assert not ChangeEvent.objects.filter(record_type="people.person", action="update").exists()


def test_a_child_new_to_locus_without_a_date_of_birth_is_refused(
    admin: Worker, tmp_path: Path
) -> None:
    """The record page and the people file record no young person without a date of birth,
    and every duplicate check reads it: a return giving a new child none (the schema makes
    PersonBirthDate optional) is refused at the child's identifiers, and a valid-only import
    leaves the child out. A child Locus holds already keeps theirs (the test above)."""
    text = census(child("LA66"), child("LA67")).replace(
        "<PersonBirthDate>2010-04-01</PersonBirthDate>", "", 1
    )
    path = write(tmp_path, text)
    (problem,) = IMPORTER.check(path).problems
    assert (problem.field, problem.rule, problem.record) == ("PersonBirthDate", "required", "LA66")
    assert problem.where == "/Message/Children/Child[1]/ChildIdentifiers (line 3)"
    assert problem.message.startswith("PersonBirthDate is missing")
    before = rows()
    assert IMPORTER.apply(path, by=admin).details["written"] is False
    assert rows() == before
    report = IMPORTER.apply(path, by=admin, valid_only=True)
    assert counts(report)["child"] == {"created": 1, "rejected": 1}
    assert not Person.objects.filter(la_child_id="LA66").exists()
    assert Person.objects.filter(la_child_id="LA67").exists()


def test_a_new_childs_date_of_birth_is_held_to_the_ages_the_record_page_accepts(
    admin: Worker, tmp_path: Path
) -> None:
    """A young person in Locus is under 25 (the record page and the people file refuse an
    older one): a return making one of 25 or more (a year mistyped, 1990 for 2009) is
    refused at PersonBirthDate's line, and a valid-only import leaves them out."""
    path = write(tmp_path, census(child("LA55", dob="1990-01-01"), child("LA56")))
    (problem,) = IMPORTER.check(path).problems
    assert (problem.field, problem.rule, problem.record) == ("PersonBirthDate", "date", "LA55")
    assert problem.where.endswith("Child[1]/ChildIdentifiers/PersonBirthDate (line 3)")
    assert problem.message == ("A young person is under 25: check the date of birth (01/01/1990).")
    IMPORTER.apply(path, by=admin, valid_only=True)
    assert not Person.objects.filter(la_child_id="LA55").exists()
    assert Person.objects.filter(la_child_id="LA56").exists()


@pytest.mark.parametrize("who", ["team_manager", "admin_since_deactivated"])
def test_only_an_active_administrator_imports(world: Any, tmp_path: Path, who: str) -> None:
    """The pass checks who writes, as every other importer's does: an import confirmed by an
    administrator who left (deactivated before the task ran), or handed anyone else, is
    written by nobody."""
    if who == "admin_since_deactivated":
        by = world.admin
        Worker.objects.filter(pk=by.pk).update(is_active=False)
        by.refresh_from_db()
    else:
        by = world.persona(who)
    path = write(tmp_path, census(child("NOTBY1")))
    before, events = rows(), ChangeEvent.objects.count()
    with pytest.raises(NotPermitted):
        IMPORTER.apply(path, by=by)
    assert rows() == before and ChangeEvent.objects.count() == events
