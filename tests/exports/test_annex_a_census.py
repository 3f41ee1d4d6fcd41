"""Annex A lists 3 to 7 filled from the CIN census records, brought in by a small synthetic
census import: the period's window, re-referrals, factors, section 47s and conferences,
the census taking precedence over hand-recorded episodes, sight, audit and query counts."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access.models import Worker
from locus.audit.models import AccessAction, AccessEvent
from locus.common.models import JobState
from locus.exports import annex_a
from locus.exports.annex_a_read import Period, months_before
from locus.exports.models import ExportRun
from locus.exports.services import Tally
from locus.interchange.cin import CinImporter
from locus.people.models import CPCategory, LegalStatus, Person
from locus.people.services import allocation_create, episode_start
from tests.exports.conftest import read_xlsx
from tests.factories import START, World, client_for
from tests.frozen_clock import FrozenClock

TODAY = dt.date(2026, 4, 15)  # the period: 16 Oct 2025 to 15 Apr 2026


def _episode(
    referral: str,
    source: str,
    *,
    closure: str = "",
    assessment: tuple[str, str, tuple[str, ...]] | None = None,
    s47: tuple[str, str] | None = None,
    cp: tuple[str, str, str, str] | None = None,
) -> str:
    """One CINdetails, in the 2024 schema's order. ``s47``: (start, conference held or "");
    ``cp``: (start, initial category, latest category, a review date)."""
    xml = f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
    xml += f"<ReferralSource>{source}</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
    if closure:
        xml += f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
    if assessment:
        start, authorised, factors = assessment
        listed = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
        xml += (
            f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
            f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>"
            f"<FactorsIdentifiedAtAssessment>{listed}</FactorsIdentifiedAtAssessment>"
            "</Assessments>"
        )
    if s47:
        start, held = s47
        conference = f"<DateOfInitialCPC>{held}</DateOfInitialCPC>" if held else ""
        xml += (
            f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{conference}"
            f"<ICPCnotRequired>{'false' if held else 'true'}</ICPCnotRequired></Section47>"
        )
    xml += "<ReferralNFA>false</ReferralNFA>"
    if cp:
        start, initial, latest, review = cp
        xml += (
            f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
            f"<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse>"
            f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>"
            "<NumberOfPreviousCPP>1</NumberOfPreviousCPP>"
            f"<Reviews><CPPreviewDate>{review}</CPPreviewDate></Reviews></ChildProtectionPlans>"
        )
    return xml + "</CINdetails>"


def _child(la_id: str, *episodes: str, disability: str = "NONE") -> str:
    return (
        f"<Child><ChildIdentifiers><LAchildID>{la_id}</LAchildID><UPNunknown>UN1</UPNunknown>"
        "<PersonBirthDate>2011-05-01</PersonBirthDate><GenderCurrent>2</GenderCurrent>"
        "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        f"<Disabilities><Disability>{disability}</Disability></Disabilities>"
        f"</ChildCharacteristics>{''.join(episodes)}</Child>"
    )


def _import(admin: Worker, folder: Path, *children: str) -> None:
    text = (
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
        "<ReferenceDate>2026-04-15</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>"
        f"<Children>{''.join(children)}</Children></Message>"
    )
    path = folder / "return.xml"
    path.write_text(text, encoding="utf-8")
    report = CinImporter().apply(path, by=admin)
    assert report.ok, report.problems


ALICE = _child(
    "ANX001",
    # An earlier referral, closed before the period: the next one is a re-referral.
    _episode("2025-06-01", "1A", closure="2025-08-01"),
    _episode(
        "2026-01-10",
        "2A",
        assessment=("2026-01-11", "2026-02-01", ("11A", "3A")),
        s47=("2026-01-12", "2026-01-30"),
        cp=("2026-01-30", "NEG", "EMO", "2026-04-01"),
    ),
    disability="MOB",
)
# Nobody's case: only an administrator sees her.
BEA = _child("ANX002", _episode("2026-02-01", "6", s47=("2026-02-02", "")))


@pytest.fixture
def census(frozen_clock: FrozenClock, world: World, tmp_path: Path) -> World:
    """Alice, held by the team manager's team (with a hand-recorded CP episode for the
    plan the census also holds), and Bea, held by nobody."""
    frozen_clock.at(TODAY)
    _import(world.admin, tmp_path, ALICE, BEA)
    alice = Person.objects.get(la_child_id="ANX001")
    allocation_create(actor=world.system, person=alice, worker=world.teammate, start=START)
    episode_start(
        actor=world.system,
        person=alice,
        status=LegalStatus.CHILD_PROTECTION,
        start=dt.date(2026, 1, 30),
        agency=world.csc,
        cp_category=CPCategory.NEGLECT,
    )
    world.extra["alice"] = alice
    return world


def _book(world: World, who: str, end: str = "") -> dict[str, list[dict[str, Any]]]:
    """The workbook ``who`` prepares, each list as rows keyed by Annex A's column names."""
    client = client_for(world.persona(who))
    response = client.post("/exports/annex-a/", {"end": end})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = ExportRun.objects.filter(asked_by=world.persona(who)).first()
    assert run is not None and run.state == JobState.DONE, run and run.problem
    download = client.get(f"/exports/runs/{run.pk}/download/")
    book = read_xlsx(b"".join(download.streaming_content))
    return {
        name: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        for name, rows in book.items()
    }


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["Child Unique ID"] for r in rows]


def test_a_referral_in_the_period_is_listed_with_its_source_and_flagged_as_a_re_referral(
    census: World,
) -> None:
    (row,) = _book(census, "team_manager")["List 3 Referrals"]
    assert row["Child Unique ID"] == "ANX001"
    assert row["Date of referral"].date() == dt.date(2026, 1, 10)
    assert row["Referral Source"] == "2A: Schools"
    assert row["Referral NFA?"] == "No"
    assert row["Number of Referrals in Last 12 Months"] == 2
    assert row["Re-referral Within 12 Months of a Previous Referral (added by Locus)"] == "Yes"
    assert row["Allocated Team"] == "Contextual Safeguarding Team A"
    assert row["Allocated Worker"] == str(census.teammate)
    assert row["Age of Child (Years)"] == 14  # on the period's last day


def test_an_assessment_lists_its_dates_and_factors_in_words(census: World) -> None:
    (row,) = _book(census, "team_manager")["List 4 Assessments"]
    assert row["Continuous Assessment Start Date"].date() == dt.date(2026, 1, 11)
    assert row["Continuous Assessment Date of Authorisation"].date() == dt.date(2026, 2, 1)
    assert row["Factors Identified at Assessment (added by Locus)"] == (
        "11A: Child sexual exploitation; 3A: Domestic violence"
    )
    assert row["Does the Child have a Disability"] == "Yes"
    # Annex A's columns Locus holds nothing for are there, and blank.
    assert row["Child Seen During Continuous Assessment"] == ""


def test_a_section_47_with_its_initial_conference_and_the_plan_it_made(census: World) -> None:
    (row,) = _book(census, "team_manager")["List 5 Section 47 and ICPCs"]
    assert row["Strategy discussion initiating Section 47 Enquiry Start Date"].date() == (
        dt.date(2026, 1, 12)
    )
    assert row["Was an Initial Child Protection Conference deemed unnecessary?"] == "No"
    assert row["Date of Initial Child Protection Conference"].date() == dt.date(2026, 1, 30)
    assert row["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == (
        "Yes"
    )
    assert row["Number of Section 47 Enquiries in the last 12 months"] == 1
    assert row["Number of ICPCs in the last 12 months"] == 1


def test_children_in_need_and_on_plans_come_from_the_census_first_never_twice(
    census: World,
) -> None:
    book = _book(census, "team_manager")
    rows = book["List 6 Children in need"]
    # Alice's open episode (her closed one ended before the period), and Ciara's
    # hand-recorded child in need episode (she has no census record).
    assert len(rows) == 2 and _ids(rows).count("ANX001") == 1
    (ciara,) = [r for r in rows if r["Child Unique ID"] != "ANX001"]
    assert ciara["CIN Start Date"].date() == START and ciara["Primary Need Code"] == ""
    (alice,) = [r for r in rows if r["Child Unique ID"] == "ANX001"]
    assert alice["Case Status"] == "Child Protection plan"
    assert alice["Primary Need Code"] == "N1: Abuse or neglect"
    assert alice["CIN Closure Date"] == ""
    (plan,) = book["List 7 Child protection"]  # the census plan, not the hand-recorded one
    assert plan["Initial Category of Abuse"] == "Neglect"
    assert plan["Latest Category of Abuse"] == "Emotional abuse"
    assert plan["Date of latest review conference"].date() == dt.date(2026, 4, 1)
    assert plan["Number of Previous Child Protection Plans"] == 1  # as the census says


def test_a_child_outside_the_viewers_sight_is_in_no_list(census: World) -> None:
    manager = _book(census, "team_manager")
    assert all("ANX002" not in _ids(rows) for name, rows in manager.items() if "List" in name)
    admin = _book(census, "admin")
    assert "ANX002" in _ids(admin["List 3 Referrals"])
    (bea,) = [r for r in admin["List 5 Section 47 and ICPCs"] if r["Child Unique ID"] == "ANX002"]
    assert bea["Was an Initial Child Protection Conference deemed unnecessary?"] == "Yes"
    assert (
        bea["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == ""
    )
    # An administrator's role sees no care detail: the census's codes are withheld.
    assert admin["List 3 Referrals"][1]["Referral Source"] == "Not shared with your role"
    assert admin["List 3 Referrals"][1]["Date of referral"].date() == dt.date(2026, 2, 1)


def test_the_end_date_moves_the_window(census: World) -> None:
    book = _book(census, "team_manager", end="30/09/2025")  # 1 Apr to 30 Sep 2025
    (referral,) = book["List 3 Referrals"]
    assert referral["Date of referral"].date() == dt.date(2025, 6, 1)
    assert referral["Referral Source"] == "1A: Individual: family member, relative or carer"
    assert referral["Re-referral Within 12 Months of a Previous Referral (added by Locus)"] == "No"
    assert book["List 4 Assessments"] == [] and book["List 7 Child protection"] == []
    (closed,) = [r for r in book["List 6 Children in need"] if r["Child Unique ID"] == "ANX001"]
    assert closed["Case Status"] == "Closed episode"
    assert closed["CIN Closure Date"].date() == dt.date(2025, 8, 1)
    assert closed["Reason for Closure"] == "RC8: Case closed after assessment, no further action"


def test_records_after_the_end_date_are_not_shown(census: World) -> None:
    """As it stood on the last day: an authorisation after it is not yet there."""
    book = _book(census, "team_manager", end="20/01/2026")
    (assessment,) = book["List 4 Assessments"]
    assert assessment["Continuous Assessment Date of Authorisation"] == ""
    (enquiry,) = book["List 5 Section 47 and ICPCs"]
    assert enquiry["Date of Initial Child Protection Conference"] == ""
    alice = [r for r in book["List 6 Children in need"] if r["Child Unique ID"] == "ANX001"]
    assert [r["Case Status"] for r in alice] == ["Closed episode", "Open assessment"]


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("16/04/2026", "today or in the past"),
        ("31/02/2026", "as a date"),
    ],
)
def test_an_end_date_in_the_future_or_not_a_date_is_refused(
    census: World, end: str, message: str
) -> None:
    response = client_for(census.team_manager).post("/exports/annex-a/", {"end": end})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExportRun.objects.exists()


def test_the_run_keeps_its_end_date_and_is_audited_with_the_records_listed(census: World) -> None:
    _book(census, "team_manager", end="15/03/2026")
    run = ExportRun.objects.get()
    assert run.params == {"end": "2026-03-15"}
    event = AccessEvent.objects.get(action=AccessAction.EXPORT, record_type="people.person")
    assert event.detail["filters"] == {"end": "2026-03-15"}
    alice = census.extra["alice"]
    assert alice.pk in event.detail["people_shown"]
    shown = event.detail["shown"]
    assert any(k.startswith("3:cin-episode:") for k in shown)
    assert any(k.startswith("5:section47:") for k in shown)
    assert any(k.startswith("7:cp-plan:") for k in shown)
    assert not any(k.startswith("7:episode:") for k in shown)  # not listed: no double count


def test_the_workbook_says_what_it_does_not_fill(census: World) -> None:
    client = client_for(census.team_manager)
    client.post("/exports/annex-a/", {"end": ""})
    run = ExportRun.objects.get()
    assert run.params == {"end": TODAY.isoformat()}  # today, when left empty
    book = read_xlsx(b"".join(client.get(f"/exports/runs/{run.pk}/download/").streaming_content))
    about = {row[0]: row[1] for row in book["Not filled"][1:] if row[0]}
    assert about["Period"] == "2025-10-16 to 2026-04-15 (six months)"
    assert about["List 1 Contacts"].startswith("Not filled.")
    assert "List 11 Adopters" in about


def test_queries_do_not_grow_with_the_rows(
    frozen_clock: FrozenClock, world: World, tmp_path: Path
) -> None:
    frozen_clock.at(TODAY)
    full = _episode(
        "2026-01-10",
        "2A",
        assessment=("2026-01-11", "2026-02-01", ("11A",)),
        s47=("2026-01-12", "2026-01-30"),
        cp=("2026-01-30", "NEG", "NEG", "2026-04-01"),
    )
    _import(world.admin, tmp_path, *(_child(f"Q{n:03}", full) for n in range(2)))

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            annex_a.write_annex_a(world.admin, {}, "xlsx", io.BytesIO(), Tally())
        return len(ctx.captured_queries)

    few = queries()
    _import(world.admin, tmp_path, *(_child(f"Q{n:03}", full) for n in range(2, 12)))
    assert queries() == few


def test_the_period_is_the_six_months_to_its_last_day() -> None:
    period = Period(dt.date(2026, 8, 31))
    assert period.start == dt.date(2026, 3, 1)
    assert period.year_start == dt.date(2025, 9, 1)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="months"):
        months_before(dt.date(2024, 3, 31), -1)
    with pytest.raises(ValueError, match="end must"):
        annex_a.parse_end("2026-13-01")
