"""The SSDA903 importer: what a return's tables become, matched and updated on re-import."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils.timezone import localtime

from locus.access.models import Agency, AgencyKind
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common.errors import NotPermitted
from locus.common.validators import upn_problem
from locus.incidents.models import Incident, IncidentKind, IncidentRevision, Involvement
from locus.interchange import registry
from locus.interchange.core import FileRejected
from locus.interchange.ssda903 import IMPORTERS
from locus.people.models import AddressPeriod, Allocation, LegalStatus, LegalStatusEpisode, Person
from locus.people.selectors import PeopleFilter, people_list
from locus.people.services import episode_start
from locus.places.models import Context, ContextKind
from tests.factories import World, make_person, nothing_written

DATA = Path(__file__).parent / "data" / "ssda903"
IMPORTER = IMPORTERS[0]
WRITTEN = (Person, LegalStatusEpisode, AddressPeriod, Context, Incident, Involvement, Allocation)


def counts(report: Any) -> dict[str, dict[str, int]]:
    return {kind: dict(+counter) for kind, counter in report.counts.items()}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


YEAR1 = {
    "person": {"created": 3},
    "legal_status": {"created": 6},
    "placement": {"created": 5},
    "missing_episode": {"created": 4},
}


def test_registered_under_its_kind() -> None:
    assert registry.importer("ssda903") is IMPORTER


def test_the_dry_run_counts_what_the_import_writes_and_writes_nothing(world: World) -> None:
    with nothing_written(*WRITTEN):
        report = IMPORTER.check(DATA / "year1")
    assert report.ok and report.dry_run
    assert counts(report) == YEAR1
    assert report.records_read == sum(len(read(p)) for p in (DATA / "year1").glob("*.csv"))
    applied = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert applied.ok and applied.details["written"] is True
    assert counts(applied) == YEAR1


def test_a_return_becomes_people_statuses_placements_and_missing_episodes(world: World) -> None:
    report = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert report.details["placement_postcodes_not_located"] == 1
    assert report.details["placement_postcodes_not_located_first"] == ["ZZ99 9ZZ"]
    assert report.details["placements_without_postcode"] == 1  # S1003's first episode
    child = Person.objects.get(la_child_id="S1001")
    assert (child.upn, child.sex, child.ethnicity, str(child.date_of_birth)) == (
        "P204000900001",
        "1",
        "WBRI",
        "2011-03-14",
    )
    # Recorded by nobody (a recorder and their agency would see the child); the trail
    # names the importing administrator.
    assert child.recorded_by is None
    created = ChangeEvent.objects.get(
        record_type="people.person", record_id=str(child.pk), action=ChangeAction.CREATE
    )
    assert created.actor == world.admin
    statuses = child.episodes.order_by("start").values_list(
        "status", "lac_legal_status", "start", "end"
    )
    assert [(s, ls, str(a), str(b)) for s, ls, a, b in statuses] == [
        (LegalStatus.LOOKED_AFTER, "C1", "2023-04-01", "2023-06-10"),
        (LegalStatus.LOOKED_AFTER, "C2", "2023-06-10", "None"),
    ]
    # Held by the children's social care agency (the administrator belongs to none).
    assert {e.agency for e in child.episodes.all()} == {world.csc}
    places = list(child.addresses.order_by("start"))
    assert [(a.home.postcode, str(a.start), str(a.end)) for a in places] == [
        ("E8 1DY", "2023-04-01", "2024-01-05"),
        ("N16 7UX", "2024-01-05", "None"),
    ]
    assert all(a.home.kind == ContextKind.HOME for a in places)
    assert child.home == places[1].home
    assert places[1].home.latitude is not None
    # A well-formed postcode the directory does not hold is kept, not located.
    unknown = Context.objects.get(postcode="ZZ99 9ZZ")
    assert unknown.latitude is None and unknown.longitude is None
    # Each missing episode at the placement its first day falls in, the child as the one missing.
    missing = Incident.objects.filter(kind=IncidentKind.MISSING, involvements__person=child)
    assert sorted((str(localtime(i.occurred_at).date()), i.context.postcode) for i in missing) == [
        ("2023-08-20", "E8 1DY"),
        ("2024-02-12", "N16 7UX"),
    ]
    assert {inv.role for i in missing for inv in i.involvements.all()} == {"missing"}
    assert {i.reporting_agency for i in missing} == {world.csc}
    # S1003 went missing from a placement with no postcode: the episode is recorded all the
    # same, with no place, and the report counts it.
    assert report.details["missing_episodes_without_place"] == 1
    [unplaced] = Incident.objects.filter(involvements__person__la_child_id="S1003")
    assert (unplaced.kind, unplaced.context, str(localtime(unplaced.occurred_at).date())) == (
        IncidentKind.MISSING,
        None,
        "2024-02-02",
    )
    assert "Away from placement without authorisation from 02/02/2024" in unplaced.summary
    # A return carries no names: the child's name says so until the case system's is recorded.
    assert child.full_name == "Child S1001"


def test_reimporting_the_same_return_changes_nothing(world: World) -> None:
    IMPORTER.apply(DATA / "year1", by=world.admin)
    with nothing_written(*WRITTEN):
        again = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert counts(again) == {kind: {"unchanged": sum(c.values())} for kind, c in YEAR1.items()}


def test_the_next_years_return_updates_and_adds(world: World) -> None:
    IMPORTER.apply(DATA / "year1", by=world.admin)
    before = Person.objects.count()
    report = IMPORTER.apply(DATA / "year2", by=world.admin)
    assert report.ok, report.problems
    assert report.details["schema_year"] == 2024
    assert counts(report) == {
        "person": {"updated": 1, "unchanged": 2, "created": 1},
        "legal_status": {"updated": 1, "unchanged": 2, "created": 1},
        "placement": {"updated": 1, "unchanged": 2, "created": 1},
        "missing_episode": {"updated": 1},
    }
    assert Person.objects.count() == before + 1
    child = Person.objects.get(la_child_id="S1001")
    c2 = child.episodes.get(lac_legal_status="C2")
    assert (str(c2.start), str(c2.end)) == ("2023-06-10", "2025-06-01")
    assert c2.end_reason.startswith("SSDA903 E4A")
    assert child.addresses.current().count() == 0 and child.home is None
    # S1004 goes to the foster home S1001 left: the same placement context.
    assert Context.objects.filter(postcode="E8 1DY").count() == 1
    amended = Incident.objects.get(involvements__person__la_child_id="S1002")
    assert "07/10/2024" in amended.summary
    assert IncidentRevision.objects.filter(incident=amended).count() == 1
    with nothing_written(*WRITTEN):
        again = IMPORTER.apply(DATA / "year2", by=world.admin)
    assert set().union(*(c.keys() for c in counts(again).values())) == {"unchanged"}


def test_a_child_already_known_is_matched_on_la_child_id_then_upn(world: World) -> None:
    known = make_person(world.system, given_name="Sam", family_name="Known", la_child_id="S1001")
    # Born on S1001's day (header.csv): a record found by its LA child ID is the child only then.
    assert known.date_of_birth == dt.date(2011, 3, 14)
    # Born on S1003's day (header.csv): a record found by its UPN alone is the child only then.
    by_upn = make_person(
        world.system,
        given_name="Tia",
        family_name="Upn",
        upn="T204000900003",
        date_of_birth=dt.date(2012, 11, 20),
    )
    report = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert counts(report)["person"] == {"created": 1, "updated": 2}
    known.refresh_from_db()
    by_upn.refresh_from_db()
    assert (known.full_name, known.upn) == ("Sam Known", "P204000900001")
    assert by_upn.la_child_id == "S1003" and by_upn.full_name == "Tia Upn"


def test_a_upn_alone_on_a_child_born_another_day_is_a_conflict(world: World) -> None:
    """A worker's record holds S1003's UPN (mistyped, or planted) for a child born on another
    day, with no LA child ID. Matched on the UPN alone, the looked-after child's return would
    land on that record, as the CIN import refuses: the Header row's UPN is a problem, and a
    valid-only import leaves the record as it was."""
    decoy = make_person(
        world.social_worker,
        given_name="Decoy",
        family_name="Record",
        date_of_birth=dt.date(2011, 3, 14),  # S1003 is born on 20/11/2012
        upn="T204000900003",
    )
    report = IMPORTER.check(DATA / "year1")
    mine = [p for p in report.problems if p.record == "S1003"]
    (problem,) = [p for p in mine if p.where.startswith("header")]
    assert (problem.field, problem.rule) == ("UPN", "identifier")
    assert {p.rule for p in mine if p is not problem} <= {"child"}  # its rows go with it
    assert "born on 14/03/2011, not 20/11/2012" in problem.message
    assert report.people == {decoy.pk}  # the run's page logs its read of the record
    IMPORTER.apply(DATA / "year1", by=world.admin, valid_only=True)
    decoy.refresh_from_db()
    assert decoy.date_of_birth == dt.date(2011, 3, 14)
    assert decoy.la_child_id is None
    assert not LegalStatusEpisode.objects.filter(person=decoy).exists()


def test_a_child_found_by_la_child_id_but_born_another_day_is_a_conflict(world: World) -> None:
    """Locus holds S1001 born on 01/04/2011; the return's Header row gives S1001 born on
    14/03/2011 (the LA child ID mistyped, or the date). As in the CIN import, the record
    found by its LA child ID keeps the date a worker recorded and every duplicate check
    reads: the row is refused at its DOB, naming the date held, its child's rows go with it,
    and nothing of theirs is written, valid-only or not."""
    known = make_person(world.system, la_child_id="S1001", date_of_birth=dt.date(2011, 4, 1))
    report = IMPORTER.check(DATA / "year1")
    mine = [p for p in report.problems if p.record == "S1001"]
    (problem,) = [p for p in mine if p.where.startswith("header")]
    assert (problem.where, problem.field, problem.rule) == ("header.csv line 2", "DOB", "conflict")
    assert "born on 01/04/2011, not 14/03/2011" in problem.message
    assert {p.rule for p in mine if p is not problem} == {"child"}  # its rows go with it
    assert {p.record for p in report.problems} == {"S1001"}
    assert report.people == {known.pk}  # the run's page logs its read of the record
    with nothing_written(*WRITTEN):
        refused = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert refused.details["written"] is False
    applied = IMPORTER.apply(DATA / "year1", by=world.admin, valid_only=True)
    assert counts(applied)["person"] == {"created": 2, "rejected": 1}
    held = (known.date_of_birth, known.upn, known.sex, known.ethnicity)
    known.refresh_from_db()
    assert (known.date_of_birth, known.upn, known.sex, known.ethnicity) == held
    assert known.date_of_birth == dt.date(2011, 4, 1)
    assert not LegalStatusEpisode.objects.filter(person=known).exists()
    assert not Involvement.objects.filter(person=known).exists()
    assert not ChangeEvent.objects.filter(
        record_type="people.person", record_id=str(known.pk), action=ChangeAction.UPDATE
    ).exists()


def _held_without_a_date_of_birth(world: World) -> Person:
    """S1002, recorded in Locus (by an earlier import, say) with no date of birth."""
    child = make_person(world.system, given_name="Ola", family_name="Held", la_child_id="S1002")
    Person.objects.filter(pk=child.pk).update(date_of_birth=None)
    return child


def test_a_child_held_without_a_date_of_birth_takes_the_returns(world: World) -> None:
    """Locus holds S1002 with no date of birth: nothing contradicts the return, so its DOB
    is written, as the CIN import writes a date for a record holding none."""
    held = _held_without_a_date_of_birth(world)
    report = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert report.ok, report.problems
    held.refresh_from_db()
    assert (held.date_of_birth, held.full_name) == (dt.date(2009, 7, 2), "Ola Held")


def test_a_date_of_birth_written_to_a_held_child_is_a_young_persons(
    world: World, tmp_path: Path
) -> None:
    """A date of birth Locus is to hold for a record holding none is held to the bounds the
    CIN import, the record page and the people file hold it to (a young person is under 25):
    S1002 born in 1999 (a mistyped year) is refused at the Header row's DOB, and the record
    keeps no date rather than a wrong one."""
    held = _held_without_a_date_of_birth(world)
    folder = _year1_with_s1002_born_in_1999(tmp_path)
    _refused_as_born_in_1999(IMPORTER.check(folder))
    IMPORTER.apply(folder, by=world.admin, valid_only=True)
    held.refresh_from_db()
    assert held.date_of_birth is None
    assert not LegalStatusEpisode.objects.filter(person=held).exists()


def _year1_with_s1002_born_in_1999(tmp_path: Path) -> Path:
    """A copy of year1 in which S1002 is born in 1999 (a mistyped year): 25 or over."""
    folder = Path(shutil.copytree(DATA / "year1", tmp_path / "year1"))
    for name in ("header.csv", "missing.csv"):  # the Missing table repeats the DOB
        table = folder / name
        text = table.read_text(encoding="utf-8")
        assert text.count("02/07/2009") == 1
        table.write_text(text.replace("02/07/2009", "02/07/1999"), encoding="utf-8")
    return folder


def _refused_as_born_in_1999(report: Any) -> None:
    """S1002's Header row (line 3) is refused at its DOB, naming the date."""
    (problem,) = [p for p in report.problems if p.where.startswith("header")]
    assert (problem.where, problem.field, problem.rule) == ("header.csv line 3", "DOB", "date")
    assert problem.record == "S1002"
    assert "A young person is under 25" in problem.message
    assert "02/07/1999" in problem.message


def test_a_new_child_is_a_young_person(world: World, tmp_path: Path) -> None:
    """A child new to Locus is a young person, under 25, as the CIN import, the record page
    and the people file hold it: S1002 born in 1999 is refused at the Header row's DOB, and
    nothing of the return is written (with "valid only", the other two children are)."""
    folder = _year1_with_s1002_born_in_1999(tmp_path)
    with nothing_written(*WRITTEN):
        report = IMPORTER.apply(folder, by=world.admin)
    assert report.details["written"] is False
    _refused_as_born_in_1999(report)
    assert counts(report)["person"] == {"created": 2, "rejected": 1}
    IMPORTER.apply(folder, by=world.admin, valid_only=True)
    assert not Person.objects.filter(la_child_id="S1002").exists()
    assert Person.objects.filter(la_child_id__in=["S1001", "S1003"]).count() == 2


def test_imported_children_are_allocated_to_nobody_so_no_practitioner_sees_them(
    world: World,
) -> None:
    # Own scope, and agency scope in other agencies (a school, a partner).
    practitioners = [
        world.social_worker,
        world.teammate,
        world.other_social_worker,
        world.yjs_worker,
        world.school_dsl,
        world.partner_worker,
    ]

    def lists() -> dict[str, list[int]]:
        return {
            w.username: [p.pk for p in people_list(viewer=w, filters=PeopleFilter())]
            for w in practitioners
        }

    before = lists()
    IMPORTER.apply(DATA / "year1", by=world.admin)
    assert lists() == before
    imported = Person.objects.filter(la_child_id__startswith="S100")
    assert imported.count() == 3
    assert not Allocation.objects.filter(person__in=imported).exists()


def test_every_write_is_audited_as_the_importing_administrator(world: World) -> None:
    first = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    IMPORTER.apply(DATA / "year1", by=world.admin)
    events = ChangeEvent.objects.filter(id__gt=first)
    assert {e.actor_id for e in events} == {world.admin.pk}
    created = {(e.record_type, e.record_id) for e in events if e.action == ChangeAction.CREATE}
    imported = Person.objects.filter(la_child_id__startswith="S100")
    rows = [
        *imported,
        *LegalStatusEpisode.objects.filter(person__in=imported),
        *AddressPeriod.objects.filter(person__in=imported),
        *Incident.objects.filter(involvements__person__in=imported),
        *Involvement.objects.filter(person__in=imported),
        *Context.objects.filter(kind=ContextKind.HOME, name__startswith="Placement"),
    ]
    assert len(rows) == 3 + 6 + 5 + 4 + 4 + 5
    assert {(r._meta.label_lower, str(r.pk)) for r in rows} <= created
    IMPORTER.apply(DATA / "year2", by=world.admin)
    updates = ChangeEvent.objects.filter(id__gt=first).exclude(action=ChangeAction.CREATE)
    assert updates.exists() and {e.actor_id for e in updates} == {world.admin.pk}


def test_only_an_administrator_imports(world: World) -> None:
    with nothing_written(*WRITTEN), pytest.raises(NotPermitted):
        IMPORTER.apply(DATA / "year1", by=world.team_manager)


def test_a_zip_of_the_tables_imports_as_the_folder_does(world: World, tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "return"), "zip", DATA / "year1")
    assert counts(IMPORTER.check(Path(archive))) == YEAR1


def test_the_validator_samples_reject_what_is_wrong_and_import_the_rest(world: World) -> None:
    """Counts worked out here from the files with the csv module, not by the importer. The
    copy with every date eight years later (data/ssda903/README.md): the published sample's
    one child with a right UPN check letter, born in 2003, is 25 in June 2028, and a new
    child 25 or over is refused."""
    folder = DATA / "validator-corrected"
    header, episodes, missing = (
        read(folder / f"{t}.csv") for t in ("header", "episodes", "missing")
    )
    bad_upn = {r["CHILD"] for r in header if upn_problem(r["UPN"])}
    bad_mother = {r["CHILD"] for r in header if r["MOTHER"] not in ("", "0", "1")}
    rejected_children = bad_upn | bad_mother
    good = [r for r in header if r["CHILD"] not in rejected_children]
    with nothing_written(*WRITTEN):
        report = IMPORTER.check(folder)
    assert report.records_read == len(header) + len(episodes) + len(missing)
    assert report.counts["person"]["created"] == len(good)
    assert report.counts["person"]["rejected"] == len(rejected_children)
    # Every missing episode is of a child not in this header.
    assert not {r["CHILD"] for r in missing} & {r["CHILD"] for r in header}
    assert report.counts["missing_episode"] == {"rejected": len(missing)}
    rules = {(p.field, p.rule) for p in report.problems}
    assert ("UPN", "upn") in rules and ("CHILD", "child") in rules
    # Without valid_only nothing is written; with it, the good children are.
    with nothing_written(*WRITTEN):
        refused = IMPORTER.apply(folder, by=world.admin)
    assert refused.details["written"] is False
    applied = IMPORTER.apply(folder, by=world.admin, valid_only=True)
    assert applied.details["written"] is True
    assert Person.objects.filter(la_child_id__in=[r["CHILD"] for r in good]).count() == len(good)
    assert not Person.objects.filter(la_child_id__in=rejected_children).exists()


def test_progress_runs_to_the_size_of_the_tables(world: World) -> None:
    seen: list[tuple[int, int]] = []
    IMPORTER.check(DATA / "year1", progress=lambda done, total: seen.append((done, total)))
    total = sum(p.stat().st_size for p in (DATA / "year1").glob("*.csv"))
    assert seen and {t for _, t in seen} == {total}
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == total


def test_an_open_placement_ends_the_address_recorded_before_it(world: World) -> None:
    child = make_person(world.system, given_name="Sam", family_name="Known", la_child_id="S1001")
    old_home = Context.objects.create(
        kind=ContextKind.HOME,
        name="Birth family home",
        postcode="E5 0LL",
        created_at=child.created_at,
    )
    AddressPeriod.objects.create(
        person=child,
        home=old_home,
        start=dt.date(2020, 1, 1),
        recorded_by=world.system,
        recorded_at=child.created_at,
    )
    report = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert report.ok
    periods = list(child.addresses.order_by("start").values_list("home__name", "start", "end"))
    assert periods[0] == ("Birth family home", dt.date(2020, 1, 1), dt.date(2024, 1, 5))
    assert periods[-1][1:] == (dt.date(2024, 1, 5), None)


def test_an_address_recorded_after_the_open_placement_began_is_a_conflict(world: World) -> None:
    child = make_person(world.system, given_name="Sam", family_name="Known", la_child_id="S1001")
    home = Context.objects.create(
        kind=ContextKind.HOME, name="A later home", postcode="E5 0LL", created_at=child.created_at
    )
    AddressPeriod.objects.create(
        person=child,
        home=home,
        start=dt.date(2024, 6, 1),
        recorded_by=world.system,
        recorded_at=child.created_at,
    )
    with nothing_written(*WRITTEN):
        report = IMPORTER.apply(DATA / "year1", by=world.admin)
    [problem] = report.problems
    assert (problem.where, problem.field, problem.rule) == (
        "episodes.csv line 4",
        "DECOM",
        "conflict",
    )
    assert "01/06/2024" in problem.message


def _looked_after(
    world: World, since: dt.date, until: dt.date | None = None, also: str = ""
) -> Person:
    """S1001, already known to Locus, looked after under V2 since ``since`` (still open,
    unless it ended ``until``), recorded on the episode form; ``also`` (a status) open
    from the same day, if said."""
    child = make_person(world.system, given_name="Sam", family_name="Known", la_child_id="S1001")
    episodes = [(LegalStatus.LOOKED_AFTER, {"lac_legal_status": "V2", "end": until})]
    for status, detail in episodes + ([(also, {})] if also else []):
        by = {"actor": world.system, "person": child, "agency": world.csc}
        episode_start(**by, status=status, start=since, **detail)
    return child


def _without_s1001s_first_episode(tmp_path: Path) -> Path:
    """year1 without S1001's C1 episode (1 April to 10 June 2023): their return starts with
    the open C2, from 10 June 2023."""
    folder = Path(shutil.copytree(DATA / "year1", tmp_path / "year1"))
    episodes = folder / "episodes.csv"
    lines = episodes.read_text(encoding="utf-8").splitlines(keepends=True)
    episodes.write_text("".join(line for line in lines if not line.startswith("S1001,01/04/2023")))
    return folder


def test_an_open_legal_status_ends_the_one_recorded_before_it(world: World, tmp_path: Path) -> None:
    # One open episode per person and status (a database constraint): the return's open C2
    # ends the V2 that Locus held open, the day C2 began. (Without S1001's earlier C1
    # episode, which the held V2 would overlap: the next test.)
    child = _looked_after(world, dt.date(2022, 1, 1))
    report = IMPORTER.apply(_without_s1001s_first_episode(tmp_path), by=world.admin)
    assert report.ok, report.problems
    held = child.episodes.get(lac_legal_status="V2")
    assert held.end == dt.date(2023, 6, 10)
    assert held.end_reason == "SSDA903: legal status C2 from 10/06/2023"
    [current] = child.episodes.current().filter(status=LegalStatus.LOOKED_AFTER)
    assert current.lac_legal_status == "C2"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2022, 1, 1), None),  # open: the return's open C2 would end it on 10/06/2023
        (dt.date(2023, 5, 1), dt.date(2023, 5, 20)),  # within the C1 episode
        (dt.date(2023, 3, 1), dt.date(2023, 4, 2)),  # running into it by a day
    ],
)
def test_a_legal_status_episode_overlapping_one_recorded_by_hand_is_refused(
    world: World, start: dt.date, end: dt.date | None
) -> None:
    """A worker recorded S1001 looked after under V2 on the episode form, which refuses two
    looked-after episodes at once whatever their legal status; the return's C1 episode (1
    April to 10 June 2023, episodes.csv line 2) shares days with it. The return is held to
    the same rule, before anything is written, naming the row; an episode of another status
    (child in need) at the same time is no overlap, as on the form."""
    child = _looked_after(world, start, end, also=LegalStatus.CHILD_IN_NEED)
    with nothing_written(*WRITTEN):
        report = IMPORTER.apply(DATA / "year1", by=world.admin)
    [problem] = report.problems
    assert (problem.where, problem.field, problem.rule, problem.record) == (
        "episodes.csv line 2",
        "DECOM" if start <= dt.date(2023, 4, 1) or end is None else "DEC",
        "overlap",
        "S1001",
    )
    assert f"legal status V2) from {start:%d/%m/%Y}" in problem.message
    IMPORTER.apply(DATA / "year1", by=world.admin, valid_only=True)
    looked_after = child.episodes.filter(status=LegalStatus.LOOKED_AFTER)
    assert not looked_after.filter(lac_legal_status="C1").exists()
    assert looked_after.filter(lac_legal_status="V2").get().end in (end, dt.date(2023, 6, 10))


def test_a_legal_status_recorded_after_the_open_one_began_is_a_conflict(world: World) -> None:
    _looked_after(world, dt.date(2024, 6, 1))
    with nothing_written(*WRITTEN):
        report = IMPORTER.apply(DATA / "year1", by=world.admin)
    [problem] = report.problems
    assert (problem.field, problem.rule) == ("LS", "conflict")
    assert "another legal status from 01/06/2024" in problem.message


@pytest.mark.parametrize(
    ("held", "rule"),
    [
        ("an address from 01/06/2024", "conflict"),
        ("looked after from 01/06/2024", "conflict"),
        ("looked after from 01/01/2022 to 02/04/2023", "overlap"),
    ],
)
def test_a_problem_saying_what_locus_holds_of_a_child_is_logged_as_about_them(
    world: World, held: str, rule: str
) -> None:
    """A problem saying what Locus holds of S1001 (an address, or a looked-after episode,
    the return's contradicts) shows that record: the run's page showing it is logged as a
    read of S1001 (the report names them, and the problem itself)."""
    if held.startswith("an address"):
        child = make_person(world.system, la_child_id="S1001")
        at = child.created_at
        home = Context.objects.create(kind=ContextKind.HOME, name="Home", created_at=at)
        when = {"start": dt.date(2024, 6, 1), "recorded_at": at, "recorded_by": world.system}
        AddressPeriod.objects.create(person=child, home=home, **when)
    elif held.endswith("2023"):
        child = _looked_after(world, dt.date(2022, 1, 1), dt.date(2023, 4, 2))
    else:
        child = _looked_after(world, dt.date(2024, 6, 1))
    report = IMPORTER.check(DATA / "year1")
    [problem] = report.problems
    assert (problem.record, problem.rule, problem.about) == ("S1001", rule, child.pk)
    assert report.people == {child.pk}


def test_a_upn_held_by_another_childs_record_is_refused(world: World) -> None:
    make_person(
        world.system, given_name="Tia", family_name="Other", la_child_id="X77", upn="T204000900003"
    )
    with nothing_written(*WRITTEN):
        report = IMPORTER.apply(DATA / "year1", by=world.admin)
    assert report.details["written"] is False
    first = report.problems[0]
    assert (first.where, first.field, first.rule, first.record) == (
        "header.csv line 4",
        "UPN",
        "identifier",
        "S1003",
    )
    assert "X77" in first.message


def test_with_valid_only_a_conflicting_placement_is_left_out(world: World) -> None:
    child = make_person(world.system, given_name="Sam", family_name="Known", la_child_id="S1001")
    home = Context.objects.create(
        kind=ContextKind.HOME, name="A later home", postcode="E5 0LL", created_at=child.created_at
    )
    AddressPeriod.objects.create(
        person=child,
        home=home,
        start=dt.date(2024, 6, 1),
        recorded_by=world.system,
        recorded_at=child.created_at,
    )
    report = IMPORTER.apply(DATA / "year1", by=world.admin, valid_only=True)
    assert report.counts["placement"] == {"created": 4, "rejected": 1}
    assert list(child.addresses.current().values_list("home__name", flat=True)) == ["A later home"]


def test_an_administrator_in_no_team_needs_one_childrens_social_care_agency(world: World) -> None:
    Agency.objects.create(name="Another council", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    with nothing_written(*WRITTEN), pytest.raises(FileRejected) as refused:
        IMPORTER.apply(DATA / "year1", by=world.admin)
    assert refused.value.problem.rule == "agency"
    # An administrator in a team imports for their own agency.
    world.admin.team = world.yjs_team
    world.admin.save()
    IMPORTER.apply(DATA / "year1", by=world.admin)
    held = LegalStatusEpisode.objects.filter(person__la_child_id__startswith="S100")
    assert {e.agency for e in held} == {world.yjs}
