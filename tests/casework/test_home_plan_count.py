"""A home's context plan does not count the children the viewer may not see.

At a home (or a peer group) "and one other child" would say a sibling is known
elsewhere: the home's own page names the residents the viewer may see and counts
nobody else (access/RULES.md, Counts). Its plan, on the page and through the API,
follows the same rule; a public place's plan still counts the others.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Role, Scope, Worker
from locus.casework import services
from locus.casework.models import ContextCase
from locus.casework.selectors import case_detail
from locus.people.models import Person
from locus.people.services import allocation_create
from locus.places import selectors as places
from locus.places.models import Context
from tests.api.conftest import api_as
from tests.casework.helpers import (
    active_case,
    assess,
    conference_of,
    hold,
    refer,
    refreshed,
    schedule,
    screen,
)
from tests.factories import START, World, client_for, make_incident, make_person, make_worker

pytestmark = pytest.mark.django_db


def police_worker(world: World) -> Worker:
    """A police practitioner who sees Ciara (police reported an incident she was in) but not
    her sibling, held only by children's social care."""
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(world.csc_child, "harmed")],
    )
    return make_worker(
        world.system, team=world.police_team, role=Role.PRACTITIONER, scope=Scope.AGENCY
    )


def sibling(world: World) -> Person:
    sib = make_person(world.system, given_name="Sam", family_name="Cscsibling", home=world.home)
    allocation_create(actor=world.system, person=sib, worker=world.social_worker, start=START)
    return sib


def case_with_plan(world: World, context: Context, children: list[Person]) -> ContextCase:
    referral = screen(world, refer(world, actor=world.social_worker, context=context))
    case = assess(world, referral.case)
    hold(world, schedule(world, conference_of(case)))
    case = refreshed(case)
    for child in children:
        services.plan_child_add(actor=world.social_worker, plan=case.plan, person=child)
    return case


def plan_section(worker: Worker, case: ContextCase) -> str:
    page = client_for(worker).get(reverse("context-plan", args=[case.pk]))
    assert page.status_code == 200
    return page.content.decode().partition("Children the plan affects")[2].partition("</ul>")[0]


def test_a_home_s_plan_counts_no_sibling_the_viewer_may_not_see(world: World) -> None:
    police = police_worker(world)
    case = case_with_plan(world, world.home, [world.csc_child, sibling(world)])
    # The home's own page counts nobody it does not name.
    assert places.context_detail(viewer=police, context=world.home).people_hidden == 0
    detail = case_detail(viewer=police, case=case)
    assert [c.label for c in detail.children] == ["Ciara Cscchild"]
    assert detail.hidden_children == 0
    section = plan_section(police, case)
    assert "Ciara Cscchild" in section and "not shared with you" not in section
    out = api_as(police).ok(f"/context-cases/{case.pk}")
    assert [c["label"] for c in out["children"]] == ["Ciara Cscchild"]
    assert out["children_not_shown"] == 0


def test_the_home_s_plan_still_lists_both_children_to_their_worker(world: World) -> None:
    case = case_with_plan(world, world.home, [world.csc_child, sibling(world)])
    section = plan_section(world.social_worker, case)
    assert "Ciara Cscchild" in section and "Sam Cscsibling" in section


def test_a_public_place_s_plan_still_counts_the_others(world: World) -> None:
    police = police_worker(world)
    case = active_case(world)  # at the shopping centre
    for child in (world.csc_child, sibling(world)):
        services.plan_child_add(actor=world.social_worker, plan=case.plan, person=child)
    assert case_detail(viewer=police, case=case).hidden_children == 1
    assert "1 child not shared with you" in plan_section(police, case)
    assert api_as(police).ok(f"/context-cases/{case.pk}")["children_not_shown"] == 1
