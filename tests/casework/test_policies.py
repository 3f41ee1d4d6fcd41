"""Who may see and do what on a context case: the permission matrix, persona by persona.

The case is on the Mare Street Shopping Centre (a public place), referred by the
centre's security (a partner organisation), led by social_worker in CSC team A.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access.models import AgencyKind, Role, Scope
from locus.casework import services
from locus.casework.models import ContextCase
from tests.casework.helpers import (
    active_case,
    add_action,
    assess,
    conference_of,
    hold,
    refer,
    schedule,
    screen,
)
from tests.factories import World, client_for, make_agency, make_team, make_worker

pytestmark = pytest.mark.django_db

PERSONAS = (
    "social_worker",
    "teammate",
    "team_manager",
    "other_social_worker",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "partner_worker",
    "other_partner",
    "auditor",
    "admin",
)

# persona: (sees the case, refers, screens, works the case, may be asked to sign off, sees
# the assessment). An administrator's IT role is never asked (it signed everything off once).
MATRIX: dict[str, tuple[bool, bool, bool, bool, bool, bool]] = {
    "social_worker": (True, True, True, True, False, True),
    "teammate": (True, True, True, True, False, True),
    "team_manager": (True, True, True, True, True, True),
    "other_social_worker": (True, True, True, False, False, True),
    "yjs_worker": (True, True, False, False, False, True),
    "police_analyst": (True, True, False, False, False, True),
    "school_dsl": (True, True, False, False, False, True),
    "partner_worker": (True, True, False, False, False, False),
    "other_partner": (False, True, False, False, False, False),
    "auditor": (False, False, False, False, False, False),
    "admin": (True, False, False, False, False, True),
}


def persona(world: World, name: str) -> Any:
    if name == "other_partner":
        if "other_partner" not in world.extra:
            agency = make_agency(world.system, kind=AgencyKind.PARTNER, name="Housing provider")
            world.extra["other_partner"] = make_worker(
                world.system,
                team=make_team(world.system, agency=agency),
                role=Role.PRACTITIONER,
                scope=Scope.AGENCY,
                username="other_partner",
            )
        return world.extra["other_partner"]
    return world.persona(name)


@pytest.fixture
def case(world: World) -> ContextCase:
    return active_case(world)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_matrix_of_predicates(world: World, case: ContextCase, name: str) -> None:
    worker = persona(world, name)
    sees, refers, screens, works, signs, assessment = MATRIX[name]
    assert policies.cases_visible_to(worker).filter(pk=case.pk).exists() is sees
    assert policies.can_refer(worker) is refers
    assert policies.can_screen(worker) is screens
    assert policies.can_work_case(worker, case) is works
    assert policies.can_approve(worker, case) is signs
    assert (sees and policies.can_view_assessment(worker, case)) is assessment


@pytest.mark.parametrize("name", PERSONAS)
def test_the_matrix_in_pages(world: World, case: ContextCase, name: str) -> None:
    sees, _, _, works, _, assessment = MATRIX[name]
    client = client_for(persona(world, name))

    def status(route: str) -> int:
        return int(client.get(reverse(route, args=[case.pk])).status_code)

    assert status("context-case") == (200 if sees else 404)
    assert status("context-plan") == (200 if sees else 404)
    assert status("context-conference") == (200 if sees else 404)
    assert status("context-assessment") == (200 if assessment else 404)
    assert status("context-action-add") == (200 if works else 404)
    # The plan is approved: no sign-off is waiting, so no sign-off page answers for anyone.
    assert status("context-plan-approve") == 404


def test_a_partner_sees_only_its_own_actions_and_referrals(world: World, case: ContextCase) -> None:
    add_action(
        world,
        case.plan,
        description="Police patrols on Friday nights",
        agency=world.police,
        owner=world.police_analyst,
    )
    school_referral = refer(world, actor=world.school_dsl)
    html = client_for(world.partner_worker).get(reverse("context-plan", args=[case.pk])).content
    assert b"Security patrol of the car park" in html
    assert b"Police patrols on Friday nights" not in html
    assert b"Children the plan affects" not in html
    staff_html = client_for(world.social_worker).get(reverse("context-plan", args=[case.pk]))
    assert b"Police patrols on Friday nights" in staff_html.content
    referral_page = reverse("context-referral", args=[school_referral.pk])
    assert client_for(world.partner_worker).get(referral_page).status_code == 404
    assert client_for(world.social_worker).get(referral_page).status_code == 200


def test_a_partner_joins_a_case_by_delivering_an_action(world: World) -> None:
    # The police refer the park; the centre's security is not part of that case...
    referral = screen(world, refer(world, actor=world.police_analyst, context=world.park))
    case = referral.case
    partner_cases = policies.cases_visible_to(world.partner_worker)
    assert not partner_cases.filter(pk=case.pk).exists()
    # ...until the plan gives it an action to deliver.
    plan = services.plan_draft(actor=world.social_worker, case=case)
    add_action(world, plan, description="Share CCTV of the park gate with the police")
    assert partner_cases.filter(pk=case.pk).exists()


def test_a_partner_joins_a_case_by_attending_its_conference(world: World) -> None:
    referral = screen(world, refer(world, actor=world.police_analyst, context=world.park))
    case = assess(world, referral.case)
    assert not policies.cases_visible_to(world.partner_worker).filter(pk=case.pk).exists()
    hold(world, schedule(world, conference_of(case)), plan_agreed=False)
    assert policies.cases_visible_to(world.partner_worker).filter(pk=case.pk).exists()


def test_a_restricted_context_s_case_follows_the_context_s_sight(world: World) -> None:
    # A home is seen only through a child the worker sees: so is its case.
    referral = screen(world, refer(world, actor=world.social_worker, context=world.home))
    case = referral.case
    assert policies.cases_visible_to(world.social_worker).filter(pk=case.pk).exists()
    for name in ("yjs_worker", "police_analyst", "partner_worker"):
        assert not policies.cases_visible_to(world.persona(name)).filter(pk=case.pk).exists()
        page = reverse("context-case", args=[case.pk])
        assert client_for(world.persona(name)).get(page).status_code == 404


def test_who_updates_an_action(world: World, case: ContextCase) -> None:
    action = case.plan.actions.get()
    action.plan.case = case
    assert policies.can_update_action(world.partner_worker, action)  # its owner
    assert policies.can_update_action(world.social_worker, action)  # the case's team
    # Not the IT administrator: recording an action done is casework (it lets a case close).
    for name in (
        "yjs_worker",
        "police_analyst",
        "school_dsl",
        "other_social_worker",
        "auditor",
        "admin",
    ):
        assert not policies.can_update_action(world.persona(name), action)
