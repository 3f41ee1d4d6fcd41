"""Ofsted's Annex A workbook: the lists Locus fills, in Annex A's words, for managers and
administrators, with only the children they see."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.common.models import JobState
from locus.exports import annex_a
from locus.exports.models import ExportRun
from locus.people.models import CPCategory, LACLegalStatus, LegalStatus
from locus.people.services import allocation_create, episode_start
from tests.exports.conftest import read_xlsx
from tests.factories import START, World, client_for, make_person


def _workbook(world: World, who: str) -> dict[str, list[list[object]]]:
    client = client_for(world.persona(who))
    assert client.post("/exports/annex-a/").status_code == 302
    run = ExportRun.objects.get(asked_by=world.persona(who))
    assert run.state == JobState.DONE, run.problem
    response = client.get(f"/exports/runs/{run.pk}/download/")
    return read_xlsx(b"".join(response.streaming_content))


@pytest.fixture
def plans(world: World) -> World:
    """A child on a CP plan (held by the social worker's teammate, with an earlier plan) and a
    child in care held in another team."""
    cp = make_person(world.system, given_name="Cara", family_name="Planchild", la_child_id="LA0007")
    allocation_create(actor=world.system, person=cp, worker=world.teammate, start=START)
    for start, end in ((dt.date(2024, 1, 1), dt.date(2024, 6, 1)), (START, None)):
        episode_start(
            actor=world.system,
            person=cp,
            status=LegalStatus.CHILD_PROTECTION,
            start=start,
            end=end,
            agency=world.csc,
            cp_category=CPCategory.NEGLECT,
        )
    episode_start(
        actor=world.system,
        person=world.other_child,
        status=LegalStatus.LOOKED_AFTER,
        start=START,
        agency=world.csc,
        lac_legal_status=LACLegalStatus.C2,
    )
    return world


def test_a_manager_gets_the_lists_of_the_children_their_team_holds(plans: World) -> None:
    book = _workbook(plans, "team_manager")
    assert list(book) == [
        "List 3 Referrals",
        "List 4 Assessments",
        "List 5 Section 47 and ICPCs",
        "List 6 Children in need",
        "List 7 Child protection",
        "List 8 Children in care",
        "Not filled",
    ]
    cin = book["List 6 Children in need"]
    assert cin[0][:6] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
    ]
    assert cin[0][-2:] == ["Allocated Team", "Allocated Worker"]
    assert len(cin) == 2 and cin[1][-2] == "Contextual Safeguarding Team A"  # Ciara, CIN
    cp = book["List 7 Child protection"]
    head = cp[0]
    (row,) = cp[1:]  # the open plan: the earlier one ended before the six months
    cell = dict(zip(head, row, strict=True))
    assert cell["Child Unique ID"] == "LA0007"
    assert cell["Initial Category of Abuse"] == cell["Latest Category of Abuse"] == "Neglect"
    assert cell["Number of Previous Child Protection Plans"] == 1
    assert cell["Allocated Worker"] == str(plans.teammate)
    assert cell["Child Protection Plan End Date"] == ""
    assert book["List 8 Children in care"][1:] == []  # the child in care is another team's


def test_a_child_in_care_is_listed_with_annex_a_columns_blank_where_locus_has_no_data(
    plans: World,
) -> None:
    care = _workbook(plans, "admin")["List 8 Children in care"]
    (row,) = [dict(zip(care[0], r, strict=True)) for r in care[1:]]
    assert row["Date Started to be Looked After"].date() == START
    assert row["Start date of current legal status"].date() == START
    assert row["Placement Type"] == "" and row["Date of Last Health Assessment"] == ""
    assert (
        row[
            "Is this a second or subsequent period of being a Looked After Child within "
            "the last 12 months (Y/N)"
        ]
        == "No"
    )


def test_no_child_is_named_in_annex_a(plans: World) -> None:
    book = _workbook(plans, "admin")
    cells = {str(c) for rows in book.values() for row in rows for c in row}
    assert not any(name in cell for cell in cells for name in ("Cara", "Planchild", "Olu", "Ciara"))
    care = book["List 8 Children in care"]
    assert len(care) == 2  # the administrator sees every child


@pytest.mark.parametrize("persona", ["social_worker", "police_analyst", "auditor", "school_dsl"])
def test_only_managers_and_administrators_may_produce_it(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    assert client.get("/exports/annex-a/").status_code == 404
    assert client.post("/exports/annex-a/").status_code == 404
    assert not ExportRun.objects.exists()


def test_the_page_says_which_lists_are_filled_and_which_are_not(world: World) -> None:
    html = client_for(world.team_manager).get("/exports/annex-a/").content.decode()
    for spec in annex_a.LISTS:
        assert f"List {spec.number}: {spec.title}" in html
    assert "List 1 Contacts" in html and "List 11 Adopters" in html
    assert "Placement postcode" in html  # a column left blank, named
    assert 'name="end"' in html
