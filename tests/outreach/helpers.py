"""Visit plans built through the services, in the ``world`` of tests/factories.py.

The usual plan: a context case on ``park`` (Millfields Park) is led by ``social_worker``
(children's social care, team A); ``social_worker`` plans weekly Friday visits with
``yjs_worker`` (for the YJS), with the police and a park warden by name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.casework.models import ContextCase
from locus.outreach import services
from locus.outreach.models import Visit, VisitPlan, Weekday
from tests.casework.helpers import refer, screen
from tests.factories import World


def park_case(world: World) -> ContextCase:
    case = screen(world, refer(world, context=world.park)).case
    assert case is not None
    return case


def plan(world: World, **fields: Any) -> VisitPlan:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "context": world.park,
        "purpose": "Young people are approached by older males near the skate park after school.",
        "weekday": Weekday.FRIDAY,
        "start_time": dt.time(16),
        "end_time": dt.time(18),
        "starts_on": dt.date(2026, 11, 4),  # a Wednesday: the first visit is Friday 6th
        "workers": [world.social_worker, world.yjs_worker],
        "agencies": [world.police, world.yjs],  # yjs_worker goes for the YJS
        "partners": "Sam Warden, park warden, Parks Service",
    }
    values.update(fields)
    return services.visit_plan_create(**values)


def visit(world: World, visit_plan: VisitPlan, **fields: Any) -> Visit:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "plan": visit_plan,
        "on": dt.date(2026, 11, 20),
        "start_time": dt.time(16),
        "end_time": dt.time(18),
        "went": [world.social_worker],
        "went_others": "Sam Warden",
        "observed": "A group of about eight by the skate park; two older males left as we came.",
        "met_count": 5,
        "engaged_count": 3,
        "people": [world.csc_child],
        "concerns": "One young person said a car waits by the gates on Fridays.",
        "guardians": ["park_warden"],
    }
    values.update(fields)
    return services.visit_record(**values)
