"""Visit plans and visits: who plans and records them, what each viewer sees of them, what
is due, and what is audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from locus.access import lookups, policies
from locus.access.context_cases import cases_visible_to, referrals_visible_to
from locus.access.models import AgencyKind, Role, Scope, Team, Worker
from locus.access.services import team_create
from locus.audit.models import AccessEvent
from locus.casework import services as case_services
from locus.casework.models import ContextCase
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import Incident, InvolvementRole
from locus.outreach import selectors, services
from locus.outreach.models import Visit, VisitPerson, VisitPlan, VisitStatus, Weekday
from locus.places.models import Context
from tests.casework.helpers import assess, plan_agreed, refer
from tests.factories import (
    World,
    changes_for,
    client_for,
    make_agency,
    make_incident,
    make_team,
    make_worker,
    nothing_written,
)
from tests.frozen_clock import FrozenClock
from tests.mapping.helpers import held_meeting
from tests.outreach.helpers import park_case, plan, visit

MODELS = (VisitPlan, Visit, VisitPerson)
FRIDAY = dt.date(2026, 11, 27)


@pytest.fixture
def on_a_friday(frozen_clock: FrozenClock) -> FrozenClock:
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return frozen_clock


@pytest.fixture
def park_plan(world: World, on_a_friday: FrozenClock) -> VisitPlan:
    park_case(world)
    return plan(world)


# --- The cadence -------------------------------------------------------------------------------


def _unsaved(**fields: Any) -> VisitPlan:
    values: dict[str, Any] = {
        "weekday": Weekday.FRIDAY,
        "every_weeks": 1,
        "starts_on": dt.date(2026, 11, 4),
        "ends_on": None,
    }
    values.update(fields)
    return VisitPlan(**values)


def test_weekly_visits_fall_on_the_weekday_from_the_first_one_on_or_after_the_start() -> None:
    dates = selectors.planned_dates(_unsaved(), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert dates == [dt.date(2026, 11, d) for d in (6, 13, 20, 27)]


def test_fortnightly_visits_keep_their_rhythm_inside_a_window_and_stop_at_the_end() -> None:
    fortnightly = _unsaved(every_weeks=2, ends_on=dt.date(2026, 12, 20))
    dates = selectors.planned_dates(fortnightly, dt.date(2026, 11, 14), dt.date(2027, 1, 31))
    assert dates == [dt.date(2026, 11, 20), dt.date(2026, 12, 4), dt.date(2026, 12, 18)]


def test_due_dates_leave_out_the_recorded_ones() -> None:
    due = selectors.due_dates(_unsaved(), [dt.date(2026, 11, 20)], FRIDAY)
    assert due == [dt.date(2026, 11, 6), dt.date(2026, 11, 13), FRIDAY, dt.date(2026, 12, 4)]


# --- Planning ---------------------------------------------------------------------------------


def test_the_case_team_plans_visits_with_workers_agencies_and_partners(
    world: World, park_plan: VisitPlan
) -> None:
    assert set(park_plan.workers.all()) == {world.social_worker, world.yjs_worker}
    assert set(park_plan.agencies.all()) == {world.police, world.yjs}
    assert park_plan.partner_names == ["Sam Warden, park warden, Parks Service"]
    [created] = changes_for(park_plan)
    assert created.after["workers"] == sorted([world.social_worker.pk, world.yjs_worker.pk])
    assert created.after["agencies"] == sorted([world.police.pk, world.yjs.pk])


@pytest.mark.parametrize(
    "name", ["other_social_worker", "yjs_worker", "police_analyst", "auditor", "admin"]
)
def test_only_the_team_working_the_places_case_plans_visits(
    world: World, on_a_friday: FrozenClock, name: str
) -> None:
    park_case(world)
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        plan(world, actor=world.persona(name))


def test_a_place_without_an_open_case_has_no_plan(world: World, on_a_friday: FrozenClock) -> None:
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        plan(world)


def test_a_plan_names_its_day_hours_and_workers(world: World, on_a_friday: FrozenClock) -> None:
    park_case(world)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        plan(world, purpose=" ", weekday=9, end_time=dt.time(15), workers=[], every_weeks=0)
    assert set(refused.value.errors) == {"purpose", "weekday", "end_time", "workers", "every_weeks"}


def test_a_worker_from_outside_the_case_team_goes_for_an_agency_taking_part(
    world: World, on_a_friday: FrozenClock
) -> None:
    """Who goes is kept as the plan's workers and agencies: a YJS worker named without the
    YJS taking part would be named on a plan they could never record."""
    park_case(world)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        plan(world, agencies=[world.police])
    assert "Youth Justice Service" in refused.value.errors["agencies"][0]
    team_only = plan(world, workers=[world.social_worker, world.teammate], agencies=[])
    assert set(team_only.workers.all()) == {world.social_worker, world.teammate}


# --- Recording ---------------------------------------------------------------------------------


def test_a_worker_on_the_plan_records_a_visit_with_counts_names_and_guardians(
    world: World, park_plan: VisitPlan
) -> None:
    made = visit(world, park_plan, actor=world.yjs_worker, people=[world.yjs_child])
    assert (made.status, made.met_count, made.engaged_count) == (VisitStatus.MADE, 5, 3)
    assert made.guardian_labels == ["Park wardens"]
    assert [p.person for p in made.people.all()] == [world.yjs_child]
    assert changes_for(made)[0].after["went"] == [world.social_worker.pk]


def _move(worker: Worker, team: Team) -> None:
    worker.team = team
    worker.save()


@pytest.fixture
def crewed_plan(world: World, on_a_friday: FrozenClock) -> VisitPlan:
    """The park's plan, with ``teammate`` (of the case's team, not its lead) going too."""
    park_case(world)
    return plan(world, workers=[world.social_worker, world.teammate, world.yjs_worker])


def test_a_worker_who_leaves_for_a_team_off_the_plan_no_longer_records_its_visits(
    world: World, crewed_plan: VisitPlan
) -> None:
    """Named while in the team working the park's case, then moved to a school's
    safeguarding team: being named is not a standing right to write on the case's work."""
    mover = world.teammate
    _move(mover, world.school_team)
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        visit(world, crewed_plan, actor=mover, went=[mover], people=[])
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        services.visit_missed(actor=mover, plan=crewed_plan, on=FRIDAY, reason="Off sick")
    client = client_for(mover)
    assert client.get(f"/outreach/plans/{crewed_plan.pk}/visit/").status_code == 404


def test_a_worker_who_leaves_for_a_team_off_the_plan_has_no_visits_due(
    world: World, crewed_plan: VisitPlan
) -> None:
    assert selectors.visits_due(world.teammate) != []
    _move(world.teammate, world.school_team)
    assert selectors.visits_due(world.teammate) == []
    assert "Visits due" not in client_for(world.teammate).get("/my-work/").text


def test_a_worker_who_moves_within_an_agency_taking_part_still_goes(
    world: World, park_plan: VisitPlan
) -> None:
    _move(world.yjs_worker, make_team(world.system, agency=world.yjs, name="YJS Prevention"))
    assert len(selectors.visits_due(world.yjs_worker)) == 5
    made = visit(world, park_plan, actor=world.yjs_worker, went=[world.yjs_worker], people=[])
    assert list(made.went.all()) == [world.yjs_worker]


def test_the_case_team_s_named_workers_still_go_once_the_case_has_closed(
    world: World, crewed_plan: VisitPlan
) -> None:
    """The plan is not ended with the case, so its visits stay due to those who go."""
    ContextCase.objects.filter(context=world.park).update(status="closed")
    assert len(selectors.visits_due(world.teammate)) == 5
    visit(world, crewed_plan, actor=world.teammate, went=[world.teammate], people=[])


def test_who_went_is_chosen_from_the_workers_on_the_plan(
    world: World, crewed_plan: VisitPlan
) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        visit(world, crewed_plan, went=[world.social_worker, world.other_social_worker])
    assert refused.value.errors["went"] == ["Choose who went from the workers on the plan"]
    # A worker named on the plan who has since moved may still be written up as having gone
    # (a visit is recorded up to 90 days after it).
    _move(world.teammate, world.school_team)
    made = visit(world, crewed_plan, went=[world.social_worker, world.teammate])
    assert set(made.went.all()) == {world.social_worker, world.teammate}


@pytest.mark.parametrize("name", ["other_social_worker", "police_analyst", "auditor", "admin"])
def test_nobody_else_records_a_visit(world: World, park_plan: VisitPlan, name: str) -> None:
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        visit(world, park_plan, actor=world.persona(name), people=[])


def test_a_recorder_names_only_young_people_they_see(world: World, park_plan: VisitPlan) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        visit(world, park_plan, people=[world.other_child])
    assert "people" in refused.value.errors


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"met_count": 2, "engaged_count": 3}, "engaged_count"),
        ({"met_count": 0, "engaged_count": 0}, "people"),
        ({"observed": ""}, "observed"),
        ({"went": [], "went_others": ""}, "went"),
        ({"on": dt.date(2026, 12, 4)}, "on"),
        ({"guardians": ["other"]}, "guardians_note"),
        ({"guardians": ["mystery"]}, "guardians"),
    ],
)
def test_a_visit_that_does_not_add_up_is_refused_on_its_field(
    world: World, park_plan: VisitPlan, fields: dict[str, Any], field: str
) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        visit(world, park_plan, **fields)
    assert field in refused.value.errors


def test_a_missed_visit_needs_its_reason_and_takes_the_date(
    world: World, park_plan: VisitPlan
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.visit_missed(actor=world.social_worker, plan=park_plan, on=FRIDAY, reason=" ")
    assert "reason" in refused.value.errors
    missed = services.visit_missed(
        actor=world.social_worker, plan=park_plan, on=FRIDAY, reason="Both workers off sick"
    )
    assert missed.status == VisitStatus.MISSED
    with pytest.raises(ValidationFailed) as twice:
        visit(world, park_plan, on=FRIDAY)
    assert "on" in twice.value.errors


# --- Seeing ------------------------------------------------------------------------------------


def test_named_young_people_are_hidden_from_a_viewer_who_may_not_see_them(
    world: World, park_plan: VisitPlan
) -> None:
    visit(world, park_plan)
    [mine] = selectors.visits_for_context(world.social_worker, world.park)
    [theirs] = selectors.visits_for_context(world.other_social_worker, world.park)
    assert mine.names == [world.csc_child.full_name]
    assert theirs.names == [] and theirs.shown_ids == []
    assert (theirs.visit.met_count, theirs.visit.engaged_count) == (5, 3)


@pytest.mark.parametrize("name", ["partner_worker", "auditor"])
def test_a_partner_not_on_the_plan_and_the_auditor_see_no_visits(
    world: World, park_plan: VisitPlan, name: str
) -> None:
    visit(world, park_plan)
    assert selectors.visits_for_context(world.persona(name), world.park) == []


def test_visits_due_show_for_the_workers_on_the_plan_until_recorded(
    world: World, park_plan: VisitPlan
) -> None:
    due = [d.on for d in selectors.visits_due(world.yjs_worker)]
    assert due == [dt.date(2026, 11, d) for d in (6, 13, 20, 27)] + [dt.date(2026, 12, 4)]
    assert selectors.visits_due(world.teammate) == []  # not on the plan
    visit(world, park_plan)
    assert dt.date(2026, 11, 20) not in [d.on for d in selectors.visits_due(world.yjs_worker)]


# --- Pages -------------------------------------------------------------------------------------


def test_the_plan_page_shows_counts_to_all_and_names_only_to_who_may_see_them(
    world: World, park_plan: VisitPlan
) -> None:
    visit(world, park_plan)
    url = f"/outreach/plans/{park_plan.pk}/"
    mine = client_for(world.social_worker).get(url)
    theirs = client_for(world.other_social_worker).get(url)
    assert world.csc_child.full_name in mine.text and "5 met, 3 engaged" in mine.text
    assert world.csc_child.full_name not in theirs.text and "5 met, 3 engaged" in theirs.text
    event = AccessEvent.objects.filter(actor=world.social_worker, record_id=str(park_plan.pk))
    assert event.latest("id").detail["people_shown"] == [world.csc_child.pk]
    assert (
        AccessEvent.objects.filter(actor=world.other_social_worker)
        .latest("id")
        .detail["people_shown"]
        == []
    )


def test_a_plan_page_logs_the_incidents_its_visits_link_to(
    world: World, park_plan: VisitPlan
) -> None:
    """A visit links to the incident recorded from it: the plan's read names the incident the
    page links to, as it names the children."""
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    made = visit(world, park_plan, incident=incident)
    page = client_for(world.social_worker).get(f"/outreach/plans/{park_plan.pk}/")
    assert f"/incidents/{incident.pk}/" in page.text
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail["visits"] == [made.pk]
    assert read.detail["incidents_shown"] == [incident.pk]
    assert read.detail["referrals_shown"] == []


def test_a_plan_page_shows_the_newest_ten_visits_and_pages_the_rest(
    world: World, park_plan: VisitPlan
) -> None:
    """A weekly plan records fifty visits a year: its page shows the newest ten, a page link
    reaches the older ones, and each page's read is logged with the visits it showed."""
    days = [dt.date(2026, 11, d) for d in range(6, 18)]
    made = {d: visit(world, park_plan, on=d, observed=f"Seen on the {d.day}th.") for d in days}
    url = f"/outreach/plans/{park_plan.pk}/"
    client = client_for(world.social_worker)
    first, second = client.get(url).text, client.get(url + "?page=2").text
    assert "Visits recorded (12)" in first and "Page 1 of 2" in first
    assert "Seen on the 17th." in first and "Seen on the 8th." in first
    assert "Seen on the 7th." not in first and "Seen on the 7th." in second
    logged = AccessEvent.objects.filter(actor=world.social_worker, record_id=str(park_plan.pk))
    assert logged.latest("id").detail["visits"] == [made[days[1]].pk, made[days[0]].pk]


def test_a_visit_plan_does_not_name_a_child_seen_only_through_a_forum_share(
    world: World, park_plan: VisitPlan
) -> None:
    # A share is not the record: a visit is the place's work, as an incident there is, so
    # its page names a child only to a viewer who sees them in their own right.
    held_meeting(world)  # social_worker brought csc_child; yjs_worker confirmed attending
    lookups.access_person(world.yjs_worker, world.csc_child.pk, shared=True)  # the share
    visit(world, park_plan)  # social_worker met csc_child there; yjs_worker goes on the plan
    page = client_for(world.yjs_worker).get(f"/outreach/plans/{park_plan.pk}/")
    assert page.status_code == 200 and "5 met, 3 engaged" in page.text
    assert world.csc_child.full_name not in page.text
    [line] = selectors.visits_for_context(world.yjs_worker, world.park)
    assert line.names == [] and line.shown_ids == []
    event = AccessEvent.objects.filter(actor=world.yjs_worker, record_id=str(park_plan.pk))
    assert event.latest("id").detail["people_shown"] == []


@pytest.mark.parametrize("name", ["partner_worker", "auditor"])
def test_who_may_not_see_a_plan_gets_not_found(
    world: World, park_plan: VisitPlan, name: str
) -> None:
    client = client_for(world.persona(name))
    assert client.get(f"/outreach/plans/{park_plan.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["other_social_worker", "admin"])
def test_a_worker_outside_the_team_cannot_open_the_visit_form(
    world: World, park_plan: VisitPlan, name: str
) -> None:
    client = client_for(world.persona(name))
    assert client.get(f"/outreach/plans/{park_plan.pk}/visit/").status_code == 404
    assert client.get(f"/outreach/plans/{park_plan.pk}/missed/").status_code == 404


def test_my_work_lists_the_visits_due(world: World, park_plan: VisitPlan) -> None:
    page = client_for(world.yjs_worker).get("/my-work/")
    assert "Visits due (5)" in page.text and "Millfields Park" in page.text
    assert "Visits due" not in client_for(world.teammate).get("/my-work/").text


def test_a_conference_chair_does_not_go_on_a_place_s_visits(
    world: World, park_plan: VisitPlan
) -> None:
    """An independent reviewing service's chair chairs and reviews the place's case and does
    nothing else in its casework (a chair who did the work would chair their own work): the
    plan's form does not offer them, a plan naming one is refused on "workers" even with
    their agency taking part, and one named before has no visits due and records none."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    chair = make_worker(world.system, team=unit, role=Role.PRACTITIONER, scope=Scope.TEAM)
    assert chair not in selectors.plan_choices(world.social_worker)[1]
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        plan(world, workers=[world.social_worker, chair], agencies=[world.csc, world.yjs])
    assert "workers" in refused.value.errors
    park_plan.agencies.add(world.csc)
    park_plan.workers.add(chair)  # named before the rule
    assert selectors.visits_due(chair) == []
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        visit(world, park_plan, actor=chair, went=[chair])


def test_the_plan_form_asks_for_the_agency_of_a_worker_from_outside_the_case_team(
    world: World, on_a_friday: FrozenClock
) -> None:
    park_case(world)
    fields = {
        "context": str(world.park.pk),
        "purpose": "Older males approach children here.",
        "weekday": str(Weekday.FRIDAY),
        "every_weeks": "1",
        "start_time": "16:00",
        "end_time": "18:00",
        "starts_on": "27/11/2026",
        "workers": [str(world.social_worker.pk), str(world.yjs_worker.pk)],
    }
    client = client_for(world.social_worker)
    refused = client.post("/outreach/plans/new/", fields)
    assert refused.status_code == 200 and not VisitPlan.objects.exists()
    assert "Choose the agency of each worker who goes from outside the case" in refused.text
    planned = client.post("/outreach/plans/new/", {**fields, "agencies": [str(world.yjs.pk)]})
    assert planned.status_code == 302
    assert list(VisitPlan.objects.get().agencies.all()) == [world.yjs]


def test_a_visit_is_recorded_through_its_form(world: World, park_plan: VisitPlan) -> None:
    client = client_for(world.social_worker)
    form = client.get(f"/outreach/plans/{park_plan.pk}/visit/?on=2026-11-20")
    assert form.status_code == 200
    posted = client.post(
        f"/outreach/plans/{park_plan.pk}/visit/",
        {
            "on": "20/11/2026",
            "start_time": "16:00",
            "end_time": "17:45",
            "went": [str(world.social_worker.pk)],
            "observed": "Quiet; wardens locked the gates at dusk.",
            "met_count": "4",
            "engaged_count": "4",
            "guardians": ["park_warden"],
        },
    )
    assert posted.status_code == 302
    assert Visit.objects.get(plan=park_plan).engaged_count == 4


def test_the_place_s_timeline_shows_its_visits_as_counts_naming_nobody(
    world: World, park_plan: VisitPlan
) -> None:
    visit(world, park_plan)
    services.visit_missed(
        actor=world.social_worker, plan=park_plan, on=dt.date(2026, 11, 27), reason="Team sickness"
    )
    page = client_for(world.social_worker).get(f"/contexts/{world.park.pk}/?show=Visit")
    html = page.content.decode()
    assert "Visit made" in html and "Met 5 young people, 3 engaged." in html
    assert "Visit missed" in html and "Team sickness" in html
    assert world.csc_child.family_name not in html  # who was met is on the visit's own page
    records = AccessEvent.objects.filter(actor=world.social_worker).latest("at").detail
    assert {f"outreach.visit:{v.pk}" for v in park_plan.visits.all()} <= set(
        records["records_shown"]
    )
    # A partner not on the plan is given no visit on the place's timeline.
    other = client_for(world.partner_worker).get(f"/contexts/{world.park.pk}/")
    assert other.status_code == 200 and "Visit made" not in other.content.decode()


@pytest.mark.parametrize("name", ["yjs_worker", "police_analyst", "partner_worker", "admin"])
def test_plan_regular_visits_is_offered_only_to_who_may_plan_some(
    world: World, park_plan: VisitPlan, name: str
) -> None:
    """A worker whose team works no open case on a public place may plan no visits: the
    list does not offer them a form that can only be refused, and the form is not found."""
    client = client_for(world.persona(name))
    assert "Plan regular visits" not in client.get("/outreach/").text
    assert client.get("/outreach/plans/new/").status_code == 404
    mine = client_for(world.social_worker)  # her team works the park's case
    assert "Plan regular visits" in mine.get("/outreach/").text
    assert mine.get("/outreach/plans/new/").status_code == 200


def _harm_to_csc_child(world: World, place: Context) -> Incident:
    """An incident at ``place`` that ``social_worker`` sees (her allocated child harmed)."""
    involved = [(world.csc_child, InvolvementRole.HARMED)]
    return make_incident(world.social_worker, context=place, involvements=involved)


def test_a_visit_links_only_an_incident_or_referral_at_the_plan_s_place(
    world: World, park_plan: VisitPlan
) -> None:
    """A visit's follow-up is the place's: an incident or referral elsewhere that the
    recorder happens to see is refused on its field, not written onto the park's record
    (where everyone who sees the plan would be pointed at it)."""
    elsewhere = _harm_to_csc_child(world, world.shopping_centre)
    other_referral = refer(world)  # about the shopping centre
    assert policies.can_view_incident(world.social_worker, elsewhere)
    assert referrals_visible_to(world.social_worker).filter(pk=other_referral.pk).exists()
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        visit(world, park_plan, incident=elsewhere, referral=other_referral)
    assert refused.value.errors["incident"] == ["Choose an incident at Millfields Park"]
    assert refused.value.errors["referral"] == ["Choose a referral about Millfields Park"]
    at_park = _harm_to_csc_child(world, world.park)
    here = ContextCase.objects.get(context=world.park).referrals.get()
    made = visit(world, park_plan, incident=at_park, referral=here)
    assert (made.incident, made.referral) == (at_park, here)


def _intelligence_on_csc_child(world: World) -> Incident:
    """Police intelligence at the park, restricted to the police, naming the social worker's
    own child: she sees the child, not the incident."""
    intel = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        restricted=True,
        summary="Intelligence: seen getting into a car by the gates",
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    assert not policies.can_view_incident(world.social_worker, intel)
    return intel


def test_a_restricted_incident_links_no_child_to_the_place_on_the_visit_form(
    world: World, park_plan: VisitPlan
) -> None:
    """A social worker recording a visit to the park is offered the young people linked to it.
    Her own child's only link to the park is police intelligence she may not see: offering the
    child by name would tell her the police hold something about the child at that park."""
    _intelligence_on_csc_child(world)
    assert world.csc_child not in selectors.nameable_people(world.social_worker, park_plan)
    page = client_for(world.social_worker).get(f"/outreach/plans/{park_plan.pk}/visit/").text
    assert world.csc_child.full_name not in page
    # An incident there that she sees links the child as before.
    _harm_to_csc_child(world, world.park)
    assert world.csc_child in selectors.nameable_people(world.social_worker, park_plan)


def test_a_child_on_the_places_case_plan_is_not_offered_to_a_recorder_who_does_not_see_it(
    world: World, on_a_friday: FrozenClock
) -> None:
    """A parks service (a partner organisation) goes on the park's visits. It reported an
    incident elsewhere involving Ciara, so its worker sees her; she is linked to the park's
    context case plan, in which the parks service takes no part, so he does not see the
    case. Offering Ciara on his visit form would tell him the case plan names her: he is not
    offered her. The case's own social worker still is."""
    case = plan_agreed(world, assess(world, park_case(world)))
    case_services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    parks = make_agency(world.system, kind=AgencyKind.PARTNER, name="Parks Service")
    warden = make_worker(world.system, team=make_team(world.system, agency=parks), scope="agency")
    make_incident(
        world.system,
        context=world.shopping_centre,
        reporting_agency=parks,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    park_plan = plan(
        world,
        agencies=[world.police, world.yjs, parks],
        workers=[world.social_worker, world.yjs_worker, warden],
    )
    assert policies.can_name_people(warden, [world.csc_child])
    assert not cases_visible_to(warden).filter(pk=case.pk).exists()
    assert world.csc_child not in selectors.nameable_people(warden, park_plan)
    page = client_for(warden).get(f"/outreach/plans/{park_plan.pk}/visit/")
    assert page.status_code == 200 and world.csc_child.full_name not in page.text
    assert world.csc_child in selectors.nameable_people(world.social_worker, park_plan)


def test_a_visit_cannot_be_linked_to_a_restricted_incident_it_was_not_offered(
    world: World, park_plan: VisitPlan
) -> None:
    """A recorder who posts the number of restricted police intelligence at the park as the
    visit's follow-up is refused as for a number that names no incident: the form does not
    tell her it exists, nor does the record point at it."""
    intel = _intelligence_on_csc_child(world)
    client = client_for(world.social_worker)
    url = f"/outreach/plans/{park_plan.pk}/visit/"
    form = {
        "on": "20/11/2026",
        "start_time": "16:00",
        "went": [str(world.social_worker.pk)],
        "observed": "Quiet.",
        "met_count": "1",
        "engaged_count": "1",
    }
    with nothing_written(*MODELS):
        crafted = client.post(url, {**form, "incident": str(intel.pk)})
        missing = client.post(url, {**form, "incident": str(intel.pk + 1000)})
    assert crafted.status_code == missing.status_code == 200
    assert "Choose from the list" in crafted.text and "Choose from the list" in missing.text
    assert "getting into a car" not in crafted.text
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        visit(world, park_plan, incident=intel)
    assert refused.value.errors["incident"] == ["Choose an incident you can see"]


def _visit_made(world: World) -> dict[str, Any]:
    """What the visit form needs besides its date, for ``social_worker`` (on the park plan)."""
    return {
        "start_time": "16:00",
        "went": [str(world.social_worker.pk)],
        "observed": "Quiet by the skate park.",
        "met_count": "2",
        "engaged_count": "1",
    }


# --- Visits on a day the plan did not plan ---------------------------------------------------

TUESDAY = dt.date(2026, 11, 24)  # between the park's Fridays


def test_an_extra_visit_on_a_day_not_planned_is_recorded_and_shown_as_unplanned(
    world: World, park_plan: VisitPlan
) -> None:
    """Workers go back to a place between its planned days (a tip-off, an event there):
    the visit is kept, marked unplanned on the record, its audit and the plan's page, and
    no planned date is taken as done by it."""
    extra = visit(world, park_plan, on=TUESDAY)
    planned = visit(world, park_plan, on=dt.date(2026, 11, 20))
    assert (extra.unplanned, planned.unplanned) == (True, False)
    assert changes_for(extra)[0].after["unplanned"] is True
    assert FRIDAY in [d.on for d in selectors.visits_due(world.yjs_worker)]
    page = client_for(world.yjs_worker).get(f"/outreach/plans/{park_plan.pk}/").text
    assert page.count("Unplanned") == 1
    timeline = client_for(world.social_worker).get(f"/contexts/{world.park.pk}/?show=Visit").text
    assert "Visit made (unplanned)" in timeline


def test_an_unplanned_visit_s_confirmation_says_it_was_recorded_as_unplanned(
    world: World, park_plan: VisitPlan
) -> None:
    """A worker who records a visit on a day the plan did not plan is told so when it is
    saved (so a mistyped date is noticed, and they know the planned date stays due); a
    visit on a planned date is simply recorded."""
    client = client_for(world.social_worker)
    url = f"/outreach/plans/{park_plan.pk}/visit/"
    fields = _visit_made(world)
    extra = client.post(url, {**fields, "on": "24/11/2026"}, follow=True).text
    assert (
        "Visit recorded as unplanned: the plan did not plan a visit on Tuesday 24 November 2026"
        in extra
    )
    planned = client.post(url, {**fields, "on": "20/11/2026"}, follow=True).text
    assert "Visit recorded" in planned and "unplanned: the plan" not in planned


def test_a_missed_visit_is_one_the_plan_planned(world: World, park_plan: VisitPlan) -> None:
    """Nothing was due on a day not planned, so nothing there can be missed."""
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        services.visit_missed(actor=world.social_worker, plan=park_plan, on=TUESDAY, reason="Rain")
    assert refused.value.errors["on"] == [
        "No visit was planned on that date: choose one of the plan's dates"
    ]


def test_the_visit_form_offers_the_next_planned_date_to_record(
    world: World, park_plan: VisitPlan, on_a_friday: FrozenClock
) -> None:
    """Opened without a date, the form offers the earliest planned date still to record (as
    My work lists them, overdue first); once every planned date to today is recorded, today
    (an extra visit). A date the plan page's link carries wins."""
    client = client_for(world.social_worker)
    url = f"/outreach/plans/{park_plan.pk}/visit/"
    assert 'value="06/11/2026"' in client.get(url).text
    assert 'value="20/11/2026"' in client.get(f"{url}?on=2026-11-20").text
    for day in (6, 13, 20):
        visit(world, park_plan, on=dt.date(2026, 11, day))
    assert 'value="27/11/2026"' in client.get(url).text
    visit(world, park_plan, on=FRIDAY)
    on_a_friday.at(dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC))
    assert 'value="28/11/2026"' in client.get(url).text  # today, not a planned date ahead


def _form_opened(
    client: Client, visit_plan: VisitPlan, query: str = "", form: str = "missed"
) -> tuple[str, str]:
    """The missed-visit (or ``form="visit"``) form's page and the date it opens with ("" when
    it opens blank)."""
    response = client.get(f"/outreach/plans/{visit_plan.pk}/{form}/{query}")
    assert response.status_code == 200
    page = response.text
    field = re.search(r'<input[^>]*name="on"[^>]*>', page)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    return page, value.group(1) if value else ""


def test_the_missed_visit_form_opens_on_the_latest_planned_date_still_open(
    world: World, park_plan: VisitPlan
) -> None:
    """Opened from "Record it as missed" on a plan's page, the form takes that planned date;
    opened otherwise, or with a date it would refuse (one ahead, a day not planned), it
    offers the latest planned date up to today not yet recorded: the last week's visit."""
    client = client_for(world.social_worker)
    assert _form_opened(client, park_plan)[1] == "27/11/2026"
    assert _form_opened(client, park_plan, "?on=2026-11-13")[1] == "13/11/2026"
    for ahead_or_unplanned in ("2026-12-04", "2026-11-24"):
        assert _form_opened(client, park_plan, f"?on={ahead_or_unplanned}")[1] == "27/11/2026"


def test_the_missed_visit_form_saved_as_it_opens_records_the_missed_visit(
    world: World, park_plan: VisitPlan, on_a_friday: FrozenClock
) -> None:
    """A worker who gives only the reason and saves has the missed visit recorded: the date
    the form opens with is one it accepts, even when every planned date of the last four
    weeks is recorded and today is not a planned day (not today, then, but the older open
    date). Once none is open, the form opens blank and says why."""
    on_a_friday.at(dt.datetime(2026, 12, 12, 12, tzinfo=dt.UTC))  # a Saturday
    for day in (dt.date(2026, 11, 13) + dt.timedelta(weeks=n) for n in range(5)):
        visit(world, park_plan, on=day)
    client = client_for(world.social_worker)
    page, on = _form_opened(client, park_plan)
    assert on == "06/11/2026"
    url = f"/outreach/plans/{park_plan.pk}/missed/"
    assert client.post(url, {"on": on, "reason": "Both workers were off sick."}).status_code == 302
    missed = Visit.objects.get(plan=park_plan, status=VisitStatus.MISSED)
    assert missed.on == dt.date(2026, 11, 6)
    page, on = _form_opened(client, park_plan)
    assert on == ""
    assert "No planned visit is left to record as missed" in page


@pytest.mark.parametrize(
    "asked",
    ["2026-12-04", "2026-11-28", "2026-10-30"],
    ids=["a planned date ahead", "tomorrow", "before the visits started"],
)
def test_a_visit_form_link_with_a_date_it_would_refuse_opens_on_one_it_accepts(
    world: World, park_plan: VisitPlan, asked: str
) -> None:
    """A worker who opens the visit form from a link whose date a visit cannot be recorded on
    (typed by hand: a date ahead, one before the plan's visits started) is offered the next
    planned date to record instead, as with no date, and saving the form as it opens records
    the visit on that date."""
    client = client_for(world.social_worker)
    on = _form_opened(client, park_plan, f"?on={asked}", form="visit")[1]
    assert on == "06/11/2026"
    url = f"/outreach/plans/{park_plan.pk}/visit/"
    assert client.post(url, {**_visit_made(world), "on": on}).status_code == 302
    assert Visit.objects.get(plan=park_plan).on == dt.date(2026, 11, 6)


@pytest.mark.parametrize(
    "asked", ["2026-13-45", "27/11/2026", "next-friday", "%00", "0001-01-01", "9999-12-31"]
)
def test_a_visit_form_link_whose_date_is_not_one_opens_the_form(
    world: World, park_plan: VisitPlan, asked: str
) -> None:
    """A link whose date is mistyped, not a date, or at either end of the calendar opens
    the visit form on the next planned date to record, never an error page."""
    client = client_for(world.social_worker)
    assert _form_opened(client, park_plan, f"?on={asked}", form="visit")[1] == "06/11/2026"


def test_the_visit_form_opens_blank_when_no_date_offered_would_be_accepted(
    world: World, on_a_friday: FrozenClock
) -> None:
    """When today cannot be recorded (the plan's visits ended last week, each of its dates
    recorded; or they start next week) and no planned date is left, the visit form opens
    without a date, even from a link carrying today, and says why, rather than on a date
    saving would refuse."""
    park_case(world)
    ended = plan(world, ends_on=dt.date(2026, 11, 20))
    for day in (6, 13, 20):
        visit(world, ended, on=dt.date(2026, 11, day))
    later = plan(world, starts_on=dt.date(2026, 11, 30))
    client = client_for(world.social_worker)
    for visit_plan, query in ((ended, ""), (ended, "?on=2026-11-27"), (later, "")):
        page, on = _form_opened(client, visit_plan, query, form="visit")
        assert on == ""
        assert "today is not one a visit can be recorded on" in page


def test_the_visit_missed_and_end_forms_log_the_plan_and_the_records_they_offer(
    world: World, park_plan: VisitPlan
) -> None:
    """Each form page is a read of the plan: the visit form lists young people, incidents
    and referrals at the place by name or date, so its record says which, by id."""
    at_park = _harm_to_csc_child(world, world.park)
    here = ContextCase.objects.get(context=world.park).referrals.get()
    client = client_for(world.social_worker)
    for page, url in (
        ("record a visit", "visit/"),
        ("record a missed visit", "missed/"),
        ("end the visits", "end/"),
    ):
        assert client.get(f"/outreach/plans/{park_plan.pk}/{url}").status_code == 200
        event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
        assert (event.record_id, event.detail["page"]) == (str(park_plan.pk), page)
    visit_form = AccessEvent.objects.get(actor=world.social_worker, detail__page="record a visit")
    assert visit_form.detail["incidents_shown"] == [at_park.pk]
    assert visit_form.detail["referrals_shown"] == [here.pk]
    assert world.csc_child.pk in visit_form.detail["people_shown"]
