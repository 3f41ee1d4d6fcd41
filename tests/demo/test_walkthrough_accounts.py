"""The accounts a walk-through needs: a second team manager, a housing provider (a partner
organisation) and an independent conference chair, each placed where the README's
walk-through sends them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access.menu import menu_for
from locus.access.models import AgencyKind, Role, Worker
from locus.casework.models import Approval, ContextCase, PlanAction, SignOffRequest
from locus.common import clock
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import DEMO_USERNAMES, Summary
from tests.demo.conftest import PASSWORD
from tests.factories import client_for

pytestmark = pytest.mark.django_db

NEW_ACCOUNTS = ("practice.manager", "housing.officer", "conference.chair")


def _case(place: str) -> ContextCase:
    return ContextCase.objects.get(context__name=place)


def test_the_three_accounts_exist_with_their_roles(borough: Summary) -> None:
    assert set(NEW_ACCOUNTS) <= DEMO_USERNAMES
    by_name = {w.username: w for w in Worker.objects.filter(username__in=NEW_ACCOUNTS)}
    second, housing, chair = (by_name[name] for name in NEW_ACCOUNTS)
    team_manager = Worker.objects.get(username="team.manager")
    # A second manager of the social worker's team: sign-offs need no administrator.
    assert second.role == Role.MANAGER and second.team == team_manager.team
    # The housing provider is a partner organisation, in an agency of its own.
    assert housing.team is not None
    assert housing.team.agency.kind == AgencyKind.PARTNER
    assert housing.team.agency.name == "Rowan Housing Association"
    # The chair sits outside every casework team, in the safeguarding unit.
    assert chair.team is not None and chair.team.name == "Safeguarding and Quality Assurance Unit"
    assert chair.role == Role.PRACTITIONER


def test_a_sign_off_is_routed_to_the_second_manager(borough: Summary) -> None:
    add_demo_context_cases()
    second = Worker.objects.get(username="practice.manager")
    lockmead = _case("Lockmead Estate")
    asked = SignOffRequest.objects.get(case=lockmead, subject="assessment")
    assert asked.manager == second and asked.decided_at is not None
    assert Approval.objects.get(case=lockmead, subject="assessment").by == second
    # The lead wrote it, so she could not have signed it; the second manager could.
    assert lockmead.lead.username == "social.worker"
    assert policies.can_approve(second, lockmead)


def test_the_housing_provider_sees_its_cases_goals_and_own_action_and_nothing_else(
    borough: Summary,
) -> None:
    add_demo_context_cases()
    housing = Worker.objects.get(username="housing.officer")
    stairwell = _case("Stairwell, Block C, Rowan Estate")
    door = PlanAction.objects.get(plan__case=stairwell)
    assert door.owner == housing
    client = client_for(housing)
    plan = client.get(reverse("context-plan", args=[stairwell.pk]))
    assert plan.status_code == 200
    html = plan.content.decode()
    assert "The stairwell is no longer used to hold or harm young people" in html
    assert door.description in html
    # Its own referral opens the case it made (Rowan Estate).
    assert client.get(reverse("context-case", args=[_case("Rowan Estate").pk])).status_code == 200
    # Not the assessment (a partner's part of a case is never the casework about it), and not
    # a case the association is no part of.
    assert client.get(reverse("context-assessment", args=[stairwell.pk])).status_code == 404
    for place in ("Kingsgate Shopping Centre", "Lockmead Estate", "Marsh Lane Fields"):
        assert client.get(reverse("context-case", args=[_case(place).pk])).status_code == 404
    # Nor any child, even one on a plan it could name from the case.
    child = _case("Kingsgate Shopping Centre").plan.children.first()
    assert child is not None
    assert client.get(reverse("person", args=[child.person_id])).status_code == 404
    assert set(policies.cases_visible_to(housing).values_list("context__name", flat=True)) == {
        "Stairwell, Block C, Rowan Estate",
        "Rowan Estate",
    }


def test_the_chair_chairs_a_conference_held_today_to_record(borough: Summary) -> None:
    add_demo_context_cases()
    chair = Worker.objects.get(username="conference.chair")
    conference = _case("Lockmead Estate").conferences.get()
    assert conference.chair == chair and conference.status == "scheduled"
    assert conference.scheduled_for is not None
    assert conference.scheduled_for <= clock.now()
    assert policies.can_record_conference(chair, conference)
    client = client_for(chair)
    route = reverse("context-conference-record", args=[conference.case_id])
    assert client.get(route).status_code == 200
    # The chair is independent of every demo case's lead and assessor.
    for case in ContextCase.objects.filter(conferences__chair=chair):
        assert policies.can_chair(chair, case)


def test_a_borough_made_before_the_new_accounts_still_starts(borough: Summary) -> None:
    """A data folder generated by an older Locus has no place for the new accounts: the demo
    still starts, lists the accounts it has and says how to get the others."""
    import io
    from pathlib import Path

    from locus.cli import DemoSetup, print_accounts
    from locus.demo.generator import ensure_demo_accounts

    # As if generated before the three accounts existed (renaming keeps what they made).
    for name in NEW_ACCOUNTS:
        Worker.objects.filter(username=name).update(username=f"older.{name}")
    accounts = ensure_demo_accounts("demo-borough-test-1")
    assert {u for u, _ in accounts} == DEMO_USERNAMES - set(NEW_ACCOUNTS)
    out = io.StringIO()
    setup = DemoSetup(Path("."), "demo-borough-test-1", accounts, False, {}, {})
    print_accounts(setup, out)
    text = out.getvalue()
    assert "social.worker" in text and "practice.manager" not in text
    assert "delete the data folder" in text


def test_the_printed_accounts_name_the_partner_home_and_the_export_waiting() -> None:
    """The account list `locus demo` prints, as the README's persona table: the housing
    officer's home and its consent, and the export waiting for the data officer to approve."""
    import io
    from pathlib import Path

    from locus.cli import DemoSetup, print_accounts
    from locus.demo.steps.partner_home import PARTNER_HOME

    accounts = [(name, PASSWORD) for name in sorted(DEMO_USERNAMES)]
    out = io.StringIO()
    print_accounts(DemoSetup(Path("."), PASSWORD, accounts, False, {}, {}), out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.strip()}
    assert PARTNER_HOME in lines["housing.officer"]
    assert "consent" in lines["housing.officer"]
    assert "subject access export" in lines["data.officer"]
    assert "waits in My work" in lines["data.officer"]


def test_the_housing_officer_and_the_chair_are_offered_their_work_not_children(
    borough: Summary,
) -> None:
    """Neither sees a child: their menu lists none, and their home page is their work."""
    add_demo_context_cases()
    for name, work in (
        ("housing.officer", ">Rowan Estate</a>"),  # the open case it referred
        ("conference.chair", "Hold and record the conference"),
    ):
        worker = Worker.objects.get(username=name)
        assert menu_for(worker).children is False
        html = client_for(worker).get("/").content.decode()
        assert work in html, name
        assert ">People</a>" not in html and "No young people are allocated to you" not in html
