"""A place's timeline (places.timeline) and its page: order across sources, what a viewer is
never shown, the weekly chart against a plain count, before and after the plan started, the
filter, the paging and the audit of what a page showed; the page's queries stay flat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from locus.access import naming, scopes
from locus.access.models import Role, Scope
from locus.audit.models import AccessEvent
from locus.casework import services
from locus.casework.reference import ensure_reference_data
from locus.casework.selectors import context_cases_for
from locus.common import clock
from locus.incidents.models import Incident, IncidentKind, InvolvementRole
from locus.people.services import allocation_create
from locus.places import timeline, views
from locus.places.timeline import Event, incident_counts, timeline_for
from tests.casework import helpers
from tests.factories import (
    START,
    World,
    client_for,
    make_incident,
    make_person,
    make_worker,
)
from tests.frozen_clock import FrozenClock
from tests.safety import helpers as safety

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db: Any) -> None:
    ensure_reference_data()


def _incident(world: World, days_ago: float, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "context": world.shopping_centre,
        "reporting_agency": world.police,
        "involvements": [(world.csc_child, InvolvementRole.HARMED)],
        "occurred_at": clock.now() - dt.timedelta(days=days_ago),
    }
    values.update(fields)
    return make_incident(world.system, **values)


def _page(world: World, worker: Any = None, query: str = "") -> str:
    url = reverse("context", args=[world.shopping_centre.pk]) + query
    response = client_for(worker or world.social_worker).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Order and sources ---------------------------------------------------------------------


def test_the_timeline_holds_every_source_newest_first(world: World) -> None:
    _incident(world, 40, summary="Before the case")
    case = helpers.active_case(world)
    _incident(world, 0.5, summary="After the plan")
    events = timeline_for(world.social_worker, world.shopping_centre)
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    kinds = {e.kind for e in events}
    assert {"Incident", "Case", "Rating"} <= kinds
    titles = [e.title for e in events]
    for title in (
        "Context case opened",
        "Assessment started",
        "Assessment completed and signed off",
        "Context conference held",
        "Plan agreed and approved",
        "Action agreed",
        "Action due",
        "Domains rated at assessment",
    ):
        assert title in titles, title
    # The action due in four weeks is still to come: the first group says so.
    months = timeline.by_month(events)
    assert months[0].label == "Coming up"
    assert [e.title for e in months[0].events] == ["Action due"]
    assert case.plan.approved_at is not None


def test_a_closure_re_rating_is_shown_beside_the_assessments_rating(world: World) -> None:
    case = helpers.active_case(world)
    helpers.finish_actions(world, case)
    helpers.request_closure(world, helpers.refreshed(case))
    events = timeline_for(world.social_worker, world.shopping_centre)
    rerated = next(e for e in events if e.title == "Domains re-rated for closure")
    assert rerated.kind == "Rating"
    assert "Amber to Green" in rerated.detail
    requested = next(e for e in events if e.title == "Closure requested")
    assert "no incident at the centre this quarter" in requested.detail
    assert "Action completed" in [e.title for e in events]


def test_a_case_closure_says_who_asked_for_it_and_which_manager_approved_it(
    world: World,
) -> None:
    """The place's timeline names the worker who asked to close the case and the manager
    whose approval closed it, as every other casework step names who took it."""
    case = helpers.active_case(world)
    helpers.finish_actions(world, case)
    helpers.closed(world, helpers.refreshed(case))
    events = timeline_for(world.social_worker, world.shopping_centre)
    requested = next(e for e in events if e.title == "Closure requested")
    approved = next(e for e in events if e.title == "Closure approved: case closed")
    assert requested.by == f"by {world.social_worker}"
    assert approved.by == f"by {world.team_manager}"


def test_sources_are_a_tuple_of_functions_and_one_more_is_one_more_entry(world: World) -> None:
    def visits(viewer: Any, context: Any) -> list[Event]:
        return [Event(clock.today(), "Visit", "Evening visit")]

    events = timeline_for(world.social_worker, world.shopping_centre, (*timeline.SOURCES, visits))
    assert [e.title for e in events if e.kind == "Visit"] == ["Evening visit"]
    assert ("Visit", 1) in timeline.kinds_of(events)


# --- Scope ---------------------------------------------------------------------------------


def test_an_incident_the_viewer_may_not_see_never_appears_nor_its_kind_or_summary(
    world: World,
) -> None:
    hidden = _incident(
        world,
        3,
        kind=IncidentKind.GROOMING,
        summary="Intelligence: a car seen collecting children",
        restricted=True,
        involvements=[(world.police_child, InvolvementRole.HARMED)],
    )
    _incident(world, 2, summary="A visible incident")
    events = timeline_for(world.social_worker, world.shopping_centre)
    assert [e.detail for e in events if e.kind == "Incident"] == ["A visible incident"]
    page = _page(world)
    assert "A visible incident" in page
    assert "a car seen collecting children" not in page
    assert hidden.get_kind_display() not in page
    # The police, who hold it, see it on the same page.
    assert "a car seen collecting children" in _page(world, world.police_analyst)


def test_a_child_the_viewer_may_not_see_is_not_named_on_the_timeline(world: World) -> None:
    _incident(
        world,
        2,
        involvements=[
            (world.csc_child, InvolvementRole.HARMED),
            (world.other_child, InvolvementRole.HARMING),
        ],
    )
    [unnamed] = timeline_for(world.social_worker, world.shopping_centre)
    assert unnamed.involved == ()  # read for the page shown only
    [event] = timeline.name_people(world.social_worker, [unnamed])
    assert {(v.person_id, v.name) for v in event.involved} == {
        (world.csc_child.pk, world.csc_child.full_name),
        (world.other_child.pk, None),
    }
    page = _page(world)
    assert world.csc_child.full_name in page
    assert world.other_child.full_name not in page
    assert world.other_child.family_name not in page
    assert naming.unseen_label() in page  # "A person not shared with you", the one phrase
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert world.other_child.pk not in event.detail["people_shown"]
    assert world.csc_child.pk in event.detail["people_shown"]


def test_a_partner_sees_its_own_actions_and_no_assessment_or_ratings(world: World) -> None:
    case = helpers.active_case(world)
    helpers.add_action(
        world,
        case.plan,
        description="Police patrols on Friday nights",
        agency=world.police,
        owner=world.police_analyst,
    )
    events = timeline_for(world.partner_worker, world.shopping_centre)
    text = " ".join(f"{e.title} {e.detail}" for e in events)
    assert "Security patrol of the car park" in text
    assert "Police patrols on Friday nights" not in text
    assert "Rating" not in {e.kind for e in events}
    assert not [e for e in events if e.title.startswith("Assessment")]
    everyone = " ".join(e.detail for e in timeline_for(world.social_worker, world.shopping_centre))
    assert "Police patrols on Friday nights" in everyone


# --- The chart and before/after ------------------------------------------------------------


def test_the_weekly_chart_agrees_with_a_plain_count(world: World) -> None:
    for days in (0, 1, 6, 8, 15, 15, 15, 100, 200, 400):
        _incident(world, days)
    # Restricted intelligence the viewer may not see is not counted; the police's is.
    _incident(world, 1, restricted=True, involvements=[(world.police_child, "harmed")])
    chart = incident_counts(world.social_worker, world.shopping_centre, None).chart
    assert len(chart.weeks) == 52
    for week in chart.weeks:
        start = timezone.make_aware(dt.datetime.combine(week.start, dt.time.min))
        plain = Incident.objects.filter(
            context=world.shopping_centre,
            restricted=False,
            occurred_at__gte=start,
            occurred_at__lt=start + dt.timedelta(days=7),
        ).count()
        assert week.count == plain, week.start
    assert chart.total == 9  # the one 400 days ago is before the chart
    police = incident_counts(world.police_analyst, world.shopping_centre, None).chart
    assert police.total == 10
    page = _page(world)
    assert "9 incidents recorded here in the last 52 weeks" in page
    assert '<svg class="locus-chart"' in page and '<title id="chart-title">' in page


def test_before_and_after_the_plan_says_it_in_words_and_numbers(
    world: World, frozen_clock: FrozenClock
) -> None:
    frozen_clock.at(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    # Twelve weeks before the plan: 12 incidents, one a week; and one older, outside the window.
    for week in range(12):
        _incident(world, 7 * week + 2)
    _incident(world, 7 * 12 + 3)
    helpers.active_case(world)  # approved "now": 1 June 2026
    frozen_clock.advance(days=28)
    _incident(world, 20)
    _incident(world, 3)
    case = timeline.plan_started(context_cases_for(world.social_worker, world.shopping_centre))
    b = incident_counts(world.social_worker, world.shopping_centre, case).before_after
    assert b is not None
    assert (b.started, b.before, b.weeks_before, b.after) == (dt.date(2026, 6, 1), 12, 12, 2)
    assert b.days_after == 29  # 1 June to 29 June, today included
    assert b.change == "fewer"
    page = _page(world)
    assert "Before and after the plan started" in page
    assert "started on 1 June 2026" in page
    assert "12 incidents, 1.0 a week" in page
    assert "2 incidents, 0.5 a week" in page
    assert (
        "Since the plan started, fewer incidents a week have been recorded here: 0.5 a week, "
        "against 1.0 a week in the 12 weeks before."
    ) in page
    assert "Fewer reports is not proof that the place is safer" in page
    assert "(plan started)" in page  # the chart's table marks the week


def test_no_before_and_after_without_a_started_plan_the_viewer_sees(world: World) -> None:
    helpers.planned_case(world)  # agreed at conference, not yet approved
    cases = context_cases_for(world.social_worker, world.shopping_centre)
    assert len(cases) == 1 and timeline.plan_started(cases) is None
    assert "Before and after the plan started" not in _page(world)


# --- The page: filter, paging, audit, queries ----------------------------------------------


def test_the_filter_shows_only_the_kinds_chosen(world: World) -> None:
    helpers.active_case(world)
    _incident(world, 1, summary="Filtered incident")
    everything = _page(world)
    assert "Filtered incident" in everything and "Context case opened" in everything
    cases_only = _page(world, query="?show=Case")
    assert "Context case opened" in cases_only
    assert "Filtered incident" not in cases_only
    assert 'value="Case" checked' in cases_only


def test_the_place_page_s_read_names_the_context_cases_it_lists(world: World) -> None:
    case = helpers.active_case(world)
    assert case.context_id == world.shopping_centre.pk
    _page(world)
    logged = AccessEvent.objects.filter(actor=world.social_worker).latest("id").detail
    assert logged["cases_shown"] == [case.pk]


def test_a_busy_places_timeline_is_paged_and_the_audit_lists_what_the_page_showed(
    world: World,
) -> None:
    incidents = [_incident(world, n / 4, summary=f"Busy incident {n}") for n in range(60)]
    first = _page(world)
    assert "60 events, newest first: 1 to 15 on this page" in first
    logged = AccessEvent.objects.filter(actor=world.social_worker).latest("id").detail
    assert len(logged["records_shown"]) == 15
    assert f"incidents.incident:{incidents[0].pk}" in logged["records_shown"]
    assert f"incidents.incident:{incidents[59].pk}" not in logged["records_shown"]
    last = _page(world, query="?page=4")
    assert "Busy incident 59" in last and "Busy incident 0<" not in last


def _count(world: World) -> int:
    client = client_for(world.social_worker)
    url = reverse("context", args=[world.shopping_centre.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_pages_queries_do_not_grow_with_its_timeline(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every event on one page both times, so each source's reads are counted both times.
    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 50)
    case = helpers.active_case(world)
    helpers.review(world, case)
    _incident(world, 1)
    before = _count(world)
    for n in range(5):
        helpers.add_action(world, case.plan, description=f"More patrols {n}")
        _incident(
            world, n + 2, involvements=[(world.csc_child, "harmed"), (world.adult, "present")]
        )
    helpers.finish_actions(world, case)
    assert _count(world) == before


def test_the_children_on_a_plan_for_the_place_are_linked_to_it_and_others_counted(
    world: World,
) -> None:
    case = helpers.planned_case(world)
    page = _page(world)
    assert world.csc_child.full_name not in page
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    # A colleague of the case's team who sees the other team's child (agency scope) links
    # her: the IT administrator writes no casework.
    colleague = make_worker(
        world.system, team=world.csc_team_a, role=Role.PRACTITIONER, scope=Scope.AGENCY
    )
    services.plan_child_add(actor=colleague, plan=case.plan, person=world.other_child)
    page = _page(world)
    assert "People involved in incidents here or on its plan" in page
    assert world.csc_child.full_name in page
    assert world.other_child.full_name not in page
    assert world.other_child.family_name not in page
    assert "And 1 other not shared with you." in page
    logged = AccessEvent.objects.filter(actor=world.social_worker).latest("id").detail
    assert logged["people_shown"] == [world.csc_child.pk]


def test_a_partners_page_shows_its_own_actions_only_and_no_ratings(world: World) -> None:
    case = helpers.active_case(world)
    helpers.add_action(
        world,
        case.plan,
        description="Police patrols on Friday nights",
        agency=world.police,
        owner=world.police_analyst,
    )
    page = _page(world, world.partner_worker)
    assert "Security patrol of the car park" in page
    assert "Police patrols on Friday nights" not in page
    assert "Domains rated" not in page and "Assessment started" not in page
    # Asking for a kind by hand shows no more than the checkbox would.
    asked = _page(world, world.partner_worker, "?show=Rating&show=<b>x</b>")
    assert "Domains rated" not in asked and "<b>x</b>" not in asked


def test_a_home_s_timeline_does_not_tell_of_a_resident_the_viewer_may_not_see(
    world: World,
) -> None:
    """A police manager sees Ciara (an incident the police reported) and so her home; her
    sibling, held by social care alone, they may not see. The sibling marking the home on a
    safety map must not show on the home's timeline ("fewer than 5 young people marked this
    place"): it would tell the police that an unseen child lives there and is in safety work."""
    sibling = make_person(world.system, given_name="Sam", family_name="Cscchild", home=world.home)
    allocation_create(actor=world.system, person=sibling, worker=world.social_worker, start=START)
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(world.csc_child, "harmed")],
    )
    manager = make_worker(
        world.system, team=world.police_team, role=Role.MANAGER, scope=Scope.AGENCY
    )
    assert scopes.contexts_visible_to(manager).filter(pk=world.home.pk).exists()
    assert not scopes.people_visible_to(manager).filter(pk=sibling.pk).exists()
    s = safety.session(world.social_worker, sibling)
    safety.mark(world.social_worker, s, rating="red", context=world.home)
    assert list(timeline.safety_events(manager, world.home)) == []
    page = client_for(manager).get(reverse("context", args=[world.home.pk])).content.decode()
    assert "safety maps" not in page
    # A public place's safety ratings still show on its timeline.
    safety.mark(world.social_worker, s, rating="red", context=world.park)
    assert [e.title for e in timeline.safety_events(manager, world.park)] == [
        f"Fewer than 5 young people marked this place on their safety maps in {clock.today():%B %Y}"
    ]


def _chart_ending(last_monday: dt.date) -> timeline.WeeklyChart:
    weeks = [
        timeline.Week(last_monday - dt.timedelta(weeks=timeline.CHART_WEEKS - 1 - i), 1)
        for i in range(timeline.CHART_WEEKS)
    ]
    return timeline.WeeklyChart(weeks, plan_week=weeks[-1].start)


def test_no_label_on_the_weekly_chart_runs_past_its_right_edge():
    # A month that begins in the chart's last week got its label at that week's bar and was
    # cut off ("De" for December). Every ending across a year is drawn; a label that would not
    # fit ends at the edge instead, and so does the plan's, when the plan started this week.
    edge = timeline.CHART_WIDTH
    months_at_edge = 0
    for offset in range(53):
        last_monday = dt.date(2026, 1, 5) + dt.timedelta(weeks=offset)
        drawing = timeline.chart_drawing(_chart_ending(last_monday))
        assert drawing["plan_label"].anchor == "end"
        for tick in [*drawing["months"], drawing["plan_label"]]:
            if tick.anchor == "end":
                assert tick.x == edge
            else:
                assert tick.anchor == "start"
                assert tick.x + timeline.LETTER_WIDTH * len(tick.label) <= edge, tick
        months_at_edge += sum(tick.anchor == "end" for tick in drawing["months"])
    assert months_at_edge > 0  # some year's last week begins a labelled month


def test_each_incident_count_on_a_place_s_page_says_its_period_and_whom_it_covers(
    world: World,
) -> None:
    """A place's page gave three incident counts (by kind, each week, on the timeline) with
    no period, so that 18, 6 and 5 read as a contradiction: each now says what it covers."""
    _incident(world, 3)
    _incident(world, 400, summary="Long ago")
    text = " ".join(_page(world).split())
    assert (
        "All time: every incident recorded here, counted whoever may see them "
        "(restricted intelligence only where you may see it)."
    ) in text
    assert "2 incidents recorded here in the last 52 weeks" not in text
    assert "1 incident recorded here in the last 52 weeks" in text
    assert "The numbers are what is shown to you here, all time" in text
    assert "Incident (2)" in text
