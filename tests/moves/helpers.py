"""Managed moves built through the service, in the ``world`` of tests/factories.py.

The usual move: ``pupil`` (on the roll of ``school``, Millfields Academy, since
START) moved on MOVE_DAY to a second school, recorded by the school's DSL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from locus.common.services import today
from locus.moves.models import ManagedMove
from locus.moves.services import managed_move_record
from locus.people.models import Person
from locus.places.models import Context
from tests.factories import World, make_context, make_incident, make_person

MOVE_DAY = today() - dt.timedelta(days=90)


def new_school(world: World) -> Context:
    school = world.extra.get("new_school")
    if school is None:
        school = world.extra["new_school"] = make_context(
            world.system, kind="school", name="Hackney Downs School"
        )
    return school


def move(world: World, **fields: Any) -> ManagedMove:
    values: dict[str, Any] = {
        "actor": world.school_dsl,
        "person": world.pupil,
        "from_school": world.school,
        "to_school": new_school(world),
        "moved_on": MOVE_DAY,
        "reason": "Sexual harassment of two pupils in Year 9",
        "panel_decision": "Managed move for a six-week trial, then reviewed",
        "decided_by": "In-year fair access panel",
        **fields,
    }
    return managed_move_record(**values)


def victim(world: World) -> Person:
    """Another pupil, harmed when the moved pupil harms (an incident names someone harmed)."""
    person = world.extra.get("victim")
    if person is None:
        person = world.extra["victim"] = make_person(world.system, given_name="Vic")
    return person


def incident_on(world: World, days: int, where: Context, role: str, **fields: Any) -> Any:
    """An incident ``days`` after the move (negative: before) involving the pupil."""
    moment = dt.datetime.combine(MOVE_DAY + dt.timedelta(days=days), dt.time(13, 0))
    fields.setdefault("reporting_agency", world.school_agency)
    others = [] if role == "harmed" else [(victim(world), "harmed")]
    return make_incident(
        world.system,
        context=where,
        involvements=[(world.pupil, role), *others],
        occurred_at=timezone.make_aware(moment),
        **fields,
    )
