"""Reads: the child's and the context's includes, my work, the children named in minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from locus.casework import selectors, services
from locus.common.services import today
from locus.panels.services import panel_action_update
from locus.people.models import LegalStatus
from locus.people.services import allocation_create, episode_start
from tests.casework.helpers import (
    active_case,
    assessed_case,
    open_case,
    refer,
    screen,
    submitted_case,
)
from tests.factories import START, World
from tests.mapping.helpers import hold as hold_meeting
from tests.mapping.helpers import propose as propose_meeting
from tests.mapping.helpers import schedule as schedule_meeting
from tests.panels.helpers import act, add, held, hold, with_agenda

pytestmark = pytest.mark.django_db


def test_a_child_s_page_lists_the_context_plans_that_concern_them(world: World) -> None:
    case = active_case(world)
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    lines = selectors.context_plans_for_person(world.social_worker, world.csc_child)
    assert [(line.case, line.plan.status) for line in lines] == [(case, "active")]
    assert lines[0].next_review == case.plan.reviews.get().due_on
    assert selectors.context_plans_for_person(world.social_worker, world.team_child) == []
    # A worker who may not see the case is not shown the plan.
    assert selectors.context_plans_for_person(world.auditor, world.csc_child) == []
    html = render_to_string(
        "casework/_person_context_plans.html",
        {"context_plans": lines, "person": world.csc_child},
    )
    assert "Mare Street Centre" in html and "Approved" in html


def test_the_child_s_context_plans_take_two_queries_however_many(world: World) -> None:
    case = active_case(world)
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    with CaptureQueriesContext(connection) as one:
        selectors.context_plans_for_person(world.social_worker, world.csc_child)
    second = screen(world, refer(world, actor=world.social_worker, context=world.park)).case
    plan = services.plan_draft(actor=world.social_worker, case=second)
    services.plan_child_add(actor=world.social_worker, plan=plan, person=world.csc_child)
    with CaptureQueriesContext(connection) as two:
        lines = selectors.context_plans_for_person(world.social_worker, world.csc_child)
    assert len(lines) == 2
    assert len(two.captured_queries) == len(one.captured_queries) <= 3


def test_a_context_s_page_lists_its_cases(world: World) -> None:
    case = open_case(world)
    assert selectors.context_cases_for(world.social_worker, world.shopping_centre) == [case]
    assert selectors.context_cases_for(world.auditor, world.shopping_centre) == []
    html = render_to_string(
        "casework/_context_cases.html",
        {"context_cases": [case], "context": world.shopping_centre},
    )
    assert "Assessment" in html and f"?context={world.shopping_centre.pk}" in html


def test_children_are_linked_to_a_context_by_incidents_referrals_plans_and_membership(
    world: World,
) -> None:
    park = screen(world, refer(world, actor=world.social_worker, context=world.park)).case
    assert selectors.linked_child_ids(park) >= {world.police_child.pk, world.other_child.pk}
    group = screen(world, refer(world, actor=world.social_worker, context=world.group)).case
    assert selectors.linked_child_ids(group) == {world.csc_child.pk, world.yjs_child.pk}
    home = screen(world, refer(world, actor=world.social_worker, context=world.home)).case
    assert selectors.linked_child_ids(home) == {world.csc_child.pk}


def test_names_are_found_whole_and_in_any_case(world: World) -> None:
    case = screen(world, refer(world, actor=world.social_worker, context=world.group)).case
    named = selectors.children_named(
        world.social_worker, case, ["we spoke about CIARA CSCCHILD", "Yusuf Yjschild's brother"]
    )
    # Yusuf is linked (a member of the group) but not the social worker's to see: not matched.
    assert [c.label for c in named] == ["Ciara Cscchild"]
    assert selectors.children_named(world.social_worker, case, ["the Cscchildren"]) == []
    assert selectors.children_named(world.social_worker, case, [""]) == []


def test_a_child_is_found_by_one_name_alone_however_it_is_written(world: World) -> None:
    """Minutes name a child as people speak: "Ciara said", "CSCCHILD was seen", "CeeCee's
    phone" (known as), "Ciara's friends" with a curly apostrophe. Partner organisations
    read the minutes, so each is found; words that are not her names are not."""
    type(world.csc_child).objects.filter(pk=world.csc_child.pk).update(known_as="CeeCee")
    case = screen(world, refer(world, actor=world.social_worker, context=world.group)).case
    for text in (
        "Ciara said the older boys wait by the shops.",
        "CSCCHILD was seen there.",
        "Police found CeeCee's phone.",
        "Ciara\u2019s friends were there.",
    ):
        named = selectors.children_named(world.social_worker, case, [text])
        assert [c.label for c in named] == ["Ciara Cscchild"], text
    quiet = "The older boys wait by the shops; Ciaran was not there."
    assert selectors.children_named(world.social_worker, case, [quiet]) == []


def test_my_work_is_due_and_overdue_for_me_and_my_team(world: World) -> None:
    old = refer(world, received_on=today() - dt.timedelta(days=10))
    case = assessed_case(world)  # screened today: the conference is due in 15 working days
    mine = selectors.my_work(viewer=world.social_worker)
    by_what = {i.what: i for i in mine}
    assert by_what["Decide on a referral"].overdue  # the old referral, still undecided
    assert by_what["Decide on a referral"].url.endswith(f"/referrals/{old.pk}/")
    assert by_what["Schedule the conference"].due_on == case.conferences.get().due_on
    assert not by_what["Schedule the conference"].overdue
    # The teammate leads nothing: their own work is only the front door's referrals.
    assert {i.what for i in selectors.my_work(viewer=world.teammate)} == {"Decide on a referral"}
    team = selectors.my_work(viewer=world.team_manager, team=True)
    assert "Schedule the conference" in {i.what for i in team}
    # Dates first, soonest first; items with no deadline last.
    dates = [i.due_on for i in team if i.due_on]
    assert dates == sorted(dates)


def test_a_manager_s_my_work_holds_the_sign_offs_asked_of_them(world: World) -> None:
    submitted_case(world)
    items = selectors.my_work(viewer=world.team_manager)
    assert "Sign off the assessment" in {i.what for i in items}
    for other in (world.social_worker, world.admin):
        assert "Sign off the assessment" not in {i.what for i in selectors.my_work(viewer=other)}


def test_my_work_holds_my_panel_actions_and_panels_due_for_review(world: World) -> None:
    meeting = held(world)  # review in twelve weeks: not yet on anyone's list
    harmed = meeting.items.get(kind="harmed")
    action = act(world, harmed, description="Safety plan with Ciara's youth worker")
    done = act(world, harmed, description="Call the school")
    panel_action_update(actor=world.social_worker, action=done, status="done", note="Called")
    past = today() - dt.timedelta(days=2)
    overdue = hold(
        world, with_agenda(world, meets_on=today() - dt.timedelta(days=30), review_on=past)
    )
    mine = selectors.my_work(viewer=world.social_worker)
    panel_items = [i for i in mine if i.url.startswith("/panels/")]
    assert [(i.what, i.subject, i.due_on, i.who) for i in panel_items] == [
        (
            "Review the panel's actions",
            overdue.title,
            past,
            "Test team_manager",
        ),
        (
            "Panel action: Safety plan with Ciara's youth worker",
            meeting.title,
            action.due_on,
            "Test social_worker",
        ),
    ]
    assert panel_items[0].overdue and panel_items[1].url == f"/panels/{meeting.pk}/"
    # The list names the meeting, not the child on its agenda.
    assert all("Cscchild" not in i.subject for i in panel_items)
    # A manager sees the team's; another agency's analyst on the list has none of it.
    team = {i.what for i in selectors.my_work(viewer=world.team_manager, team=True)}
    assert {"Review the panel's actions", f"Panel action: {action.description}"} <= team
    assert not [
        i for i in selectors.my_work(viewer=world.police_analyst) if i.url.startswith("/panels/")
    ]


def test_a_panel_action_on_a_context_plan_is_listed_once_as_the_plan_s(world: World) -> None:
    active_case(world)
    meeting = held(world)
    centre = add(world, meeting, "location", context=world.shopping_centre)
    landed = act(world, centre, description="Lighting survey of the car park")
    whats = [i.what for i in selectors.my_work(viewer=world.social_worker)]
    assert whats.count(f"Action: {landed.description}") == 1
    assert f"Panel action: {landed.description}" not in whats


def test_a_plan_s_children_show_a_status_only_where_the_field_table_does(world: World) -> None:
    # police_child is held by social_worker's team with a plan of her own; the police analyst
    # sees her in their own right (a police incident) but their row has no SC/YJ status.
    allocation_create(
        actor=world.system, person=world.police_child, worker=world.teammate, start=START
    )
    episode = episode_start(
        actor=world.system,
        person=world.police_child,
        status=LegalStatus.CHILD_IN_NEED,
        start=START,
        agency=world.csc,
    )
    case = active_case(world)
    services.plan_child_add(
        actor=world.social_worker, plan=case.plan, person=world.police_child, episode=episode
    )
    (mine,), _ = selectors.plan_children(world.social_worker, case.plan, restricted=False)
    assert mine.episode
    (theirs,), hidden = selectors.plan_children(world.police_analyst, case.plan, restricted=False)
    assert (theirs.label, theirs.episode, hidden) == ("Paddy Policechild", "", 0)


def test_a_plan_does_not_name_a_child_seen_only_through_a_share(world: World) -> None:
    case = active_case(world)
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    meeting = propose_meeting(world, invitees=[world.police_analyst])
    hold_meeting(world, schedule_meeting(world, meeting))
    assert selectors.plan_children(world.police_analyst, case.plan, restricted=False) == ([], 1)
