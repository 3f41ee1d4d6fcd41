"""The Contextual Safeguarding Team's visit rotas, added with the demo's other visits
(:func:`locus.demo.steps.outreach.add_demo_outreach`), through the services as ``team.manager``.

Beside the Kingsgate Shopping Centre's weekly Thursday visits, the team visits the four places
its open context cases are about on a few evenings a week, on a rota made a fortnight at a
time: each fortnight's plan for each evening names the two colleagues on the rota then (never
a demo persona, so no persona's My work fills with the rota's visits) and ends with the
fortnight. A fortnight's plans at a place are made together (``visit_plans_create``, which
asks once, not once a plan, whether the manager may plan visits there). The first fortnight
at each place had one evening too many: ``team.manager`` ended its visits early, saying why.
So the visit plans list holds more than a page of plans (``outreach.views.PLANS_PER_PAGE``),
newest first, at four places, some ended and one open for each evening this fortnight. The
rotas start after each place's case was opened (:mod:`locus.demo.casework`), each written on
the day it was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from locus.access.models import Worker
from locus.common.services import today
from locus.demo.accounts import DEMO_USERNAMES
from locus.demo.casework import _place, _StoryClock
from locus.outreach import services
from locus.outreach.models import VisitPlan, Weekday

FORTNIGHT = 14
EVENING = (dt.time(17), dt.time(19))
SATURDAY = (dt.time(14), dt.time(16))


@dataclass(frozen=True)
class _Rota:
    place: str
    first: int  # days ago that the first fortnight began: after the place's case was opened
    evenings: tuple[Weekday, ...]
    purpose: str


W = Weekday
ROTAS: tuple[_Rota, ...] = (
    _Rota(
        "Kingsgate Shopping Centre",
        104,
        (W.TUESDAY, W.FRIDAY, W.SATURDAY),
        "Be seen by the food court on the evenings the group gathers, besides the Thursday "
        "visits, so that young people know whom to talk to.",
    ),
    _Rota(
        "Lockmead Estate",
        39,
        (W.MONDAY, W.WEDNESDAY, W.FRIDAY, W.SATURDAY),
        "Walk the estate's walkways and the ball court while the conference is prepared, "
        "and talk to the young people who gather there.",
    ),
    _Rota(
        "Rowan Estate",
        29,
        (W.TUESDAY, W.WEDNESDAY, W.THURSDAY),
        "Be seen on the estate after school while the assessment is made, and hear from "
        "residents and young people what has changed.",
    ),
    _Rota(
        "Marsh Lane Fields",
        17,
        (W.MONDAY, W.THURSDAY, W.SATURDAY),
        "Be seen on the fields and the towpath as it gets dark, while the assessment is under way.",
    ),
)
ENDED_EARLY = "Few young people there on this evening: the rota's other evenings cover it."


def add_visit_rotas(story: _StoryClock, manager: Worker) -> list[VisitPlan]:
    """Every fortnight's plans at each place with a rota (none where the place is missing or
    the team has fewer than two colleagues who are not personas), oldest first."""
    if manager.team is None:
        return []
    colleagues = list(
        Worker.objects.filter(team=manager.team, is_active=True)
        .exclude(username__in=DEMO_USERNAMES)
        .order_by("last_name", "first_name", "id")
    )
    if len(colleagues) < 2:
        return []
    plans: list[VisitPlan] = []
    for rota in ROTAS:
        place = _place(rota.place)
        if place is None:
            continue
        for number, began in enumerate(range(rota.first, -1, -FORTNIGHT)):
            story.days_ago(began)
            pair = [colleagues[(number + i) % len(colleagues)] for i in range(2)]
            made = services.visit_plans_create(
                actor=manager,
                context=place,
                plans=[_plan(rota, day, pair) for day in rota.evenings],
            )
            if number == 0:
                _end_early(story, manager, made[-1], began)
            plans += made
    return plans


def _plan(rota: _Rota, day: Weekday, pair: list[Worker]) -> services.PlanFields:
    """One evening's plan for the fortnight that begins today."""
    hours = SATURDAY if day == Weekday.SATURDAY else EVENING
    return {
        "purpose": rota.purpose,
        "weekday": day,
        "start_time": hours[0],
        "end_time": hours[1],
        "starts_on": today(),
        "ends_on": today() + dt.timedelta(days=FORTNIGHT - 1),
        "workers": pair,
    }


def _end_early(story: _StoryClock, manager: Worker, plan: VisitPlan, began: int) -> None:
    """End ``plan`` after its first week, on the day its manager decided so."""
    story.days_ago(began - 7)
    services.visit_plan_end(actor=manager, plan=plan, last_on=today(), reason=ENDED_EARLY)
