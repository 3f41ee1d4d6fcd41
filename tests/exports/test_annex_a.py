"""Ofsted's Annex A workbook: the lists Locus fills, in Annex A's words, for managers and
administrators, with only the children they see."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.access import scopes
from locus.access.fields import PersonField, fields_visible_to
from locus.access.models import AgencyKind, Role, Worker
from locus.common.models import JobState
from locus.exports import annex_a
from locus.exports.models import ExportRun
from locus.people.models import CPCategory, LACLegalStatus, LegalStatus
from locus.people.services import allocation_create, episode_start
from tests.exports.conftest import read_xlsx
from tests.factories import (
    START,
    World,
    client_for,
    make_agency,
    make_person,
    make_team,
    make_worker,
)


def _workbook(world: World, who: str) -> dict[str, list[list[object]]]:
    return _book_of(world.persona(who))


def _book_of(worker: Worker) -> dict[str, list[list[object]]]:
    client = client_for(worker)
    assert client.post("/exports/annex-a/").status_code == 302
    run = ExportRun.objects.filter(asked_by=worker).latest("id")
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


def _youth_service_manager(world: World) -> Worker:
    """A youth service manager whose team holds a child on a child protection plan: they see
    the child, but their role's row withholds the child's legal status."""
    ys = make_agency(world.system, kind=AgencyKind.YOUTH_SERVICE, name="Youth Service")
    team = make_team(world.system, agency=ys, name="Detached youth work")
    worker = make_worker(world.system, team=team, role=Role.PRACTITIONER)
    manager = make_worker(world.system, team=team, role=Role.MANAGER, username="ys_manager")
    child = make_person(world.system, given_name="Cara", family_name="Plan", la_child_id="LA0099")
    allocation_create(actor=world.system, person=child, worker=worker, start=START)
    episode_start(
        actor=world.system,
        person=child,
        status=LegalStatus.CHILD_PROTECTION,
        start=START,
        agency=world.csc,
        cp_category=CPCategory.NEGLECT,
    )
    assert scopes.people_visible_to(manager).filter(pk=child.pk).exists()
    assert PersonField.LEGAL_STATUS not in fields_visible_to(manager, child)
    world.extra["ys_child"] = child
    return manager


def test_a_child_is_listed_only_for_a_role_that_sees_their_legal_status(world: World) -> None:
    # Each list is of a status: a child on List 7 is a child on a child protection plan,
    # which a youth service manager's row of fields withholds.
    manager = _youth_service_manager(world)
    book = _book_of(manager)
    assert all(rows[1:] == [] for name, rows in book.items() if name.startswith("List"))
    run = ExportRun.objects.get(asked_by=manager)
    assert run.row_count == 0
    # Children's social care, whose row has the status, lists the same child.
    allocation_create(
        actor=world.system, person=world.extra["ys_child"], worker=world.teammate, start=START
    )
    cp = _workbook(world, "team_manager")["List 7 Child protection"]
    assert [r[0] for r in cp[1:]] == ["LA0099"]


def test_the_page_tells_a_role_without_legal_status_that_its_lists_will_be_empty(
    world: World,
) -> None:
    empty = "so every list will be empty for you"
    html = client_for(_youth_service_manager(world)).get("/exports/annex-a/").content.decode()
    assert empty in html
    assert empty not in client_for(world.team_manager).get("/exports/annex-a/").content.decode()
