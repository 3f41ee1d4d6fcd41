"""Workers whose place gives them no child: a housing provider's tenancy officer (a partner
organisation's staff below agency scope) and an independent reviewing service's conference
chair. They see context cases, places, meetings and panels, and no child's record. Their menu
offers only what they can use, their home page is built from the work they are given and
says why no child is listed, and no page offers them a form that can only be refused (a
download of an empty list, an incident or a meeting that must name a child they cannot see).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access import meetings, naming, panel_meetings, policies, scopes
from locus.access.menu import menu_for
from locus.access.models import Scope, Worker
from locus.access.services import team_create
from locus.audit.models import AccessEvent
from locus.casework import services
from locus.common import clock
from tests.casework.helpers import add_action, assess, assessed_case, conference_of, planned_case
from tests.casework.test_team_opens_home_case import (  # noqa: F401 (a fixture)
    HOME_NAME,
    home_case,
    no_home_address,
)
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db

# The menu's lists of children (by their words: Linked cases goes to the borough's clusters
# for those who read them), and the pages every worker who sees case records may use.
CHILDREN_PAGES = (">People</a>", ">Incidents</a>", ">Linked cases</a>")
WORK_PAGES = ("contexts", "context-cases", "meetings", "panels", "visit-plans", "my-work")


def housing_officer(world: World) -> Worker:
    """A partner organisation's practitioner at team scope, as the demo's housing.officer."""
    return make_worker(world.system, team=world.partner_team, scope=Scope.TEAM)


def conference_chair(world: World) -> Worker:
    """A practitioner of an independent reviewing service, as the demo's conference.chair."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    return make_worker(world.system, team=unit, scope=Scope.TEAM)


GIVEN_NO_CHILD = {"housing": housing_officer, "chair": conference_chair}


def hrefs(html: str, names: tuple[str, ...]) -> dict[str, bool]:
    return {name: f'href="{reverse(name)}"' in html for name in names}


def children_items(html: str) -> dict[str, bool]:
    return {item: item in html for item in CHILDREN_PAGES}


@pytest.mark.parametrize("who", GIVEN_NO_CHILD)
def test_the_menu_offers_no_list_of_children_to_a_worker_given_none(world: World, who: str) -> None:
    worker = GIVEN_NO_CHILD[who](world)
    menu = menu_for(worker)
    assert (menu.case_records, menu.children, menu.linked) == (True, False, False)
    html = client_for(worker).get("/").content.decode()
    assert children_items(html) == dict.fromkeys(CHILDREN_PAGES, False)
    assert hrefs(html, WORK_PAGES) == dict.fromkeys(WORK_PAGES, True)


@pytest.mark.parametrize(
    ("persona", "children"),
    [
        ("social_worker", True),
        ("team_manager", True),
        ("police_analyst", True),
        ("school_dsl", True),
        # A partner at agency scope sees what its agency's grants reach (its incidents).
        ("partner_worker", True),
        ("admin", True),
        ("auditor", False),
    ],
)
def test_workers_who_see_children_keep_their_lists(
    world: World, persona: str, children: bool
) -> None:
    worker = world.persona(persona)
    assert scopes.sees_children(worker) is children
    assert menu_for(worker).children is children
    html = client_for(worker).get("/").content.decode()
    assert children_items(html) == dict.fromkeys(CHILDREN_PAGES, children)


def test_a_chairs_home_page_lists_the_conference_they_chair_and_says_why_no_child(
    world: World,
) -> None:
    chair = conference_chair(world)
    case = assessed_case(world)
    where = {"when": clock.now(), "location": "Hackney Service Centre, room 2"}
    conference = conference_of(case)
    services.conference_schedule(
        actor=world.social_worker, conference=conference, chair=chair, **where
    )
    html = client_for(chair).get("/").content.decode()
    assert "No young people are allocated to you" not in html
    assert "Recent incidents you can see" not in html
    assert "an independent reviewing service" in html and "hold no cases" in html
    assert "Hold and record the conference" in html
    assert f'href="{reverse("context-case", args=[case.pk])}"' in html
    assert case.context.name in html
    # What the page showed is in the trail.
    event = AccessEvent.objects.filter(actor=chair).latest("id")
    assert event.detail["page"] == "home"
    assert event.detail["cases_shown"] == [case.pk]
    # The conference's case (its place), and the conference itself: the record the item is.
    assert event.detail["work_shown"] == {
        "cases_shown": [case.pk],
        "conferences_shown": [conference.pk],
    }


@pytest.mark.usefixtures("no_home_address")
def test_a_chair_s_home_page_does_not_name_the_home_whose_case_they_chair(world: World) -> None:
    """A chair whose role has no home address chairs a home's conference: like the case's own
    pages, their home page (the conference to hold, "Context cases you are part of") tells
    them it is a home, never which."""
    chair = conference_chair(world)
    case = assess(world, home_case(world))
    where = {"when": clock.now() + dt.timedelta(days=3), "location": "Room 4"}
    services.conference_schedule(
        actor=world.social_worker, conference=conference_of(case), chair=chair, **where
    )
    client = client_for(chair)
    page = client.get(reverse("context-case", args=[case.pk])).text
    assert HOME_NAME not in page and naming.PLACE_WITHHELD in page  # the case's own page
    home = client.get("/").text
    assert f'href="{reverse("context-case", args=[case.pk])}"' in home
    assert "Hold and record the conference" in home
    assert HOME_NAME not in home and naming.PLACE_WITHHELD in home


def test_a_housing_officers_home_page_lists_their_action_and_their_cases(world: World) -> None:
    officer = housing_officer(world)
    case = planned_case(world)
    add_action(world, case.plan, owner=officer, description="Fix the stairwell door")
    html = client_for(officer).get("/").content.decode()
    assert "a partner organisation" in html and "never a child's record" in html
    assert "Action: Fix the stairwell door" in html
    assert f'href="{reverse("context-case", args=[case.pk])}"' in html
    assert "No young people are allocated to you" not in html


@pytest.mark.parametrize("who", GIVEN_NO_CHILD)
def test_no_offer_is_made_that_can_only_be_refused(world: World, who: str) -> None:
    worker = GIVEN_NO_CHILD[who](world)
    client = client_for(worker)
    people = client.get(reverse("people")).content.decode()
    assert "0 people you can see" in people
    assert "Download this list" not in people
    incidents = client.get(reverse("incidents")).content.decode()
    assert "Record an incident" not in incidents
    assert "Download this list" not in incidents
    assert not policies.can_record_incident(worker)
    assert client.get(reverse("incident-new")).status_code == 404
    assert "Propose a meeting" not in client.get(reverse("meetings")).content.decode()
    assert not meetings.can_propose_meeting(worker)
    assert client.get(reverse("meeting-propose")).status_code == 404
    # A panel may be about a place: a partner may still set one up; a chair calls no forum.
    assert panel_meetings.can_set_up_panel(worker) is (who == "housing")


def test_a_worker_who_sees_children_is_still_offered_them(world: World) -> None:
    client = client_for(world.social_worker)
    assert "Download this list" in client.get(reverse("people")).content.decode()
    incidents = client.get(reverse("incidents")).content.decode()
    assert "Record an incident" in incidents
    assert "Propose a meeting" in client.get(reverse("meetings")).content.decode()
