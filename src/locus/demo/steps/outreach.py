"""Demo visits and a protected home, added after the demo context cases
(:func:`locus.demo.casework.add_demo_context_cases`), through the services as the personas:

* **a vulnerable home that goes the whole way**: ``social.worker`` records the flat of a
  disabled tenant where older young people met and held others (peer-on-peer abuse), with
  the tenancy and the housing association; the tenant's consent to the protective work;
  a referral, an assessment, a conference with the housing officer and youth work, and a
  plan whose protective actions are tasked to named partners: lighting and CCTV by the
  housing association, a schools officer, youth work and policing with the group. Each is
  updated and done; ``social.worker`` asks to close it "No longer used for abuse", and
  ``team.manager`` (not the one who asked) approves;
* **visits that reclaim the Kingsgate Shopping Centre** (its case is under a plan): weekly
  on Thursdays, 16:00 to 18:00, by ``social.worker`` and detached youth work with the police
  and the centre's security; the last five weeks recorded (one missed, and an unplanned
  visit the Saturday after it, on security's word that the car had come), this week's due;
* **the team's visit rotas** at the four places of its open cases, a fortnight at a time, so
  that the visit plans list runs to a second page (:mod:`locus.demo.steps.rotas`);
* **a home the housing association recorded**, with its household's consent, for the
  partner's view of a protected home (:mod:`locus.demo.steps.partner_home`).

Safe to call again: it adds nothing when the demo home is there.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from locus.access.models import Agency, Worker
from locus.casework import services as casework
from locus.casework.models import ClosureOutcome, ContextCase, Protective
from locus.casework.services import AttendeeInput, ProgressInput
from locus.common.services import today
from locus.demo.casework import (
    _agree,
    _assess_fully,
    _close,
    _first_in_team,
    _goals,
    _hold_conference,
    _open_case,
    _persona,
    _place,
    _StoryClock,
)
from locus.demo.steps.partner_home import add_partner_home
from locus.demo.steps.rotas import add_visit_rotas
from locus.outreach import selectors, services
from locus.outreach.models import Consent, VisitPlan, Weekday
from locus.places.models import ContextKind, Tenure
from locus.places.services import context_create

HOME = "Flat 6, Stoke Rise House"
CENTRE = "Kingsgate Shopping Centre"


@transaction.atomic
def add_demo_outreach() -> tuple[ContextCase | None, VisitPlan | None]:
    """The demo home's closed case and the centre's visit plan (None for what is not added)."""
    lead, manager = _persona("social.worker"), _persona("team.manager")
    if lead is None or manager is None or _place(HOME) is not None:
        return None, None
    story = _StoryClock()
    try:
        made = _protected_home(story, lead, manager), _reclaiming_visits(story, lead)
        add_visit_rotas(story, manager)
        add_partner_home(story)
        return made
    finally:
        story.stop()


def _agency(worker: Worker | None) -> Agency | None:
    return worker.team.agency if worker is not None and worker.team is not None else None


def _protected_home(story: _StoryClock, lead: Worker, manager: Worker) -> ContextCase | None:
    housing = _persona("housing.officer")
    youth_worker = _first_in_team("Detached Youth Work Team")
    police = _persona("police.analyst")
    chair = _persona("conference.chair")
    housing_agency, youth, police_agency = _agency(housing), _agency(youth_worker), _agency(police)
    if None in (housing, youth_worker, chair, housing_agency, youth, police_agency):
        return None
    assert housing and youth_worker and chair and housing_agency and youth and police_agency
    story.days_ago(150)
    home = context_create(
        actor=lead,
        kind=ContextKind.HOME,
        name=HOME,
        description="A tenant with a learning disability; older young people have used her "
        "flat to meet and to hold and harm younger ones (peer-on-peer abuse).",
        tenure=Tenure.SOCIAL_RENTED,
        housing_provider=housing_agency,
        adult_care_needs=True,
        adult_care_needs_note="Visit with her support worker; she finds letters hard to read.",
    )
    services.home_consent_record(
        actor=lead,
        home=home,
        consent=Consent.GIVEN,
        on=today(),
        reason="She wants the young people to stop coming; agreed with her support worker.",
    )
    case = _open_case(
        lead,
        lead,
        home,
        "A girl of 14 was assaulted by older young people at the flat; the tenant says a "
        "group lets itself in most evenings and she is afraid to refuse them.",
        "Complex",
        "Peer-on-peer abuse at the home of an adult with care and support needs: assess "
        "the home as a context.",
    )
    _assess_fully(lead, manager, case, home.name)
    story.days_ago(120)
    plan = _hold_conference(
        lead,
        case,
        chair,
        [
            AttendeeInput(attendance="attended", worker=lead),
            AttendeeInput(attendance="attended", worker=manager),
            AttendeeInput(attendance="attended", worker=housing),
            AttendeeInput(attendance="attended", worker=youth_worker),
            AttendeeInput(
                attendance="attended",
                name="PC A. Khan",
                organisation=police_agency.name,
                role="Schools officer",
            ),
        ],
        minutes="The landlord will light the walkway and put CCTV on the entrance; the schools "
        "officer knows the group; youth work and the neighbourhood team engage it elsewhere.",
        decisions=["A context safeguarding plan is needed, with the tenant's consent"],
    )
    (goal,) = _goals(
        lead,
        plan,
        (
            "The flat is no longer used to meet, hold or harm young people",
            "Gatherings and incidents at the flat, from the tenant, housing and police",
            "",
        ),
    )
    work = [
        (Protective.LIGHTING, housing_agency, housing, "", "Light the walkway and stairwell"),
        (Protective.CCTV, housing_agency, housing, "", "CCTV covering the block's entrance"),
        (Protective.DOOR_ENTRY, housing_agency, housing, "", "Fob-only door entry to the block"),
        (
            Protective.SCHOOLS_OFFICER,
            police_agency,
            None,
            "PC A. Khan, schools officer",
            "See the group at school and talk about the flat",
        ),
        (
            Protective.YOUTH_SERVICE,
            youth,
            youth_worker,
            "",
            "Detached youth work with the group at the youth club on weekday evenings",
        ),
        (
            Protective.POLICING,
            police_agency,
            None,
            "Sgt L. Price, neighbourhood team",
            "Patrols past the block 6pm to 10pm; words of advice to the older young people",
        ),
    ]
    actions = [
        casework.action_add(
            actor=lead,
            plan=plan,
            goal=goal,
            agency=agency,
            owner=owner,
            owner_name=name,
            description=description,
            due_on=today() + dt.timedelta(days=42),
            protective=kind,
        )
        for kind, agency, owner, name, description in work
    ]
    _agree(lead, manager, plan, note="Agreed at conference.")
    story.days_ago(90)
    for action in actions:
        casework.action_update(
            actor=lead, action=action, status="in_progress", note="Started; checked with them."
        )
    story.days_ago(45)
    for action in actions:
        casework.action_update(
            actor=lead,
            action=action,
            status="done",
            note="Done: checked on a home visit with the tenant.",
        )
    story.days_ago(12)
    return _close(
        lead,
        manager,
        case,
        {goal.pk: ProgressInput("achieved", "No gatherings at the flat for ten weeks")},
        outcome=ClosureOutcome.NO_LONGER_USED,
        reason="No gatherings or incidents at the flat for ten weeks; the tenant feels safe "
        "and the group meets at the youth club.",
        note="No longer used: close.",
        before_approval=lambda: story.days_ago(11),
    )


def _reclaiming_visits(story: _StoryClock, lead: Worker) -> VisitPlan | None:
    centre = _place(CENTRE)
    if centre is None or centre.kind != ContextKind.RETAIL:
        return None
    youth_worker = _first_in_team("Detached Youth Work Team")
    police = _agency(_persona("police.analyst"))
    story.days_ago(40)
    plan = services.visit_plan_create(
        actor=lead,
        context=centre,
        purpose="Be seen where older males approach young people after school, so that young "
        "people expect us and talk to us, and the centre's guardians know whom to call.",
        weekday=Weekday.THURSDAY,
        start_time=dt.time(16),
        end_time=dt.time(18),
        starts_on=today(),
        workers=[w for w in (lead, youth_worker) if w is not None],
        # The youth worker goes for the youth service, so it takes part too.
        agencies=[
            a for a in (police, centre.responsible_agency, _agency(youth_worker)) if a is not None
        ],
        partners="Centre security supervisor, Kingsgate Shopping Centre",
    )
    began = today()
    dates = selectors.planned_dates(plan, began, began + dt.timedelta(days=40))
    for number, day in enumerate(dates[:-1]):  # this week's visit is left due
        story.days_ago(40 - (day - began).days)
        if number == 2:
            services.visit_missed(
                actor=lead, plan=plan, on=day, reason="Both workers called to a strategy meeting."
            )
            # Back on the Saturday after, a day not planned: the visit is kept as unplanned.
            extra = day + dt.timedelta(days=2)
            story.days_ago(40 - (extra - began).days)
            _extra_visit(lead, plan, extra)
            continue
        _visit(lead, plan, day, number, [w for w in (lead, youth_worker) if w is not None])
    return plan


def _visit(lead: Worker, plan: VisitPlan, day: dt.date, number: int, went: list[Worker]) -> None:
    named = selectors.nameable_people(lead, plan)[:1] if number == 0 else []
    met = 6 - number
    services.visit_record(
        actor=lead,
        plan=plan,
        on=day,
        start_time=dt.time(16),
        end_time=dt.time(18),
        went=went,
        went_others="Centre security supervisor",
        observed="A group by the food court; fewer older males each week, none seen this time."
        if number
        else "A group of about ten by the food court; two older males left as we arrived.",
        met_count=met,
        engaged_count=met - 2,
        people=named,
        concerns="A young person said a car waits in the car park on Thursdays."
        if number == 0
        else "",
        guardians=["security", "shop_staff"],
        guardians_note="The food court staff now call security when the car comes.",
    )


def _extra_visit(lead: Worker, plan: VisitPlan, day: dt.date) -> None:
    """An unplanned visit: security said the car came while the Thursday visit was missed."""
    services.visit_record(
        actor=lead,
        plan=plan,
        on=day,
        start_time=dt.time(14),
        end_time=dt.time(15, 30),
        went=[lead],
        went_others="Centre security supervisor",
        observed="Security said the car came on Thursday while we were not there; no car "
        "today, and a few young people by the food court.",
        met_count=3,
        engaged_count=2,
        guardians=["security"],
    )
