"""Panel meetings built through the services, in the ``world`` of tests/factories.py.

The usual meeting: ``social_worker`` sets up a MACE panel chaired by
``team_manager``, with ``police_analyst`` on the list. On its agenda:
``csc_child`` (the social worker's) as harmed; ``police_child`` as harming, and
``adult`` as a person of concern, both added by a manager of her team who sees every
child (:func:`borough_manager`: the social worker may not see them, and the IT
administrator sets no agenda); and ``park`` as a location.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Role, Scope, Worker
from locus.common.services import today
from locus.panels.models import (
    ActionProgress,
    AgendaItem,
    PanelAction,
    PanelAttendee,
    PanelDecision,
    PanelMeeting,
)
from locus.panels.services import (
    agenda_item_add,
    panel_action_add,
    panel_attendee_add,
    panel_create,
    panel_hold,
)
from locus.sharing.vocab import SAFEGUARDING
from tests.factories import World, make_worker

PANEL_MODELS = (PanelMeeting, PanelAttendee, AgendaItem, PanelDecision, PanelAction, ActionProgress)
LAST_WEEK = dt.timedelta(days=7)


def set_up(world: World, **fields: Any) -> PanelMeeting:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "kind": "mace",
        "meets_on": today() - LAST_WEEK,
        "chair": world.team_manager,
        "basis": SAFEGUARDING,
        "attendees": [world.police_analyst],
        **fields,
    }
    return panel_create(**values)


def borough_manager(world: World) -> Worker:
    """A second manager of the social worker's team who sees every child (``Scope.ALL``): an
    organiser of the usual meeting who may name anyone on its agenda."""
    found = Worker.objects.filter(username="borough.manager").first()
    return found or make_worker(
        world.system,
        team=world.csc_team_a,
        role=Role.MANAGER,
        scope=Scope.ALL,
        username="borough.manager",
    )


def add(world: World, meeting: PanelMeeting, kind: str, **fields: Any) -> AgendaItem:
    fields.setdefault("actor", world.social_worker)
    fields.setdefault("reason", "Named in three incidents this term")
    if kind == "person_of_concern":
        fields.setdefault("source", "police")
        fields.setdefault("confidence", "medium")
    return agenda_item_add(meeting=meeting, kind=kind, **fields)


def with_agenda(world: World, **fields: Any) -> PanelMeeting:
    meeting = set_up(world, **fields)
    add(world, meeting, "harmed", person=world.csc_child)
    wide = borough_manager(world)
    add(world, meeting, "harming", person=world.police_child, actor=wide)
    add(world, meeting, "person_of_concern", person=world.adult, actor=wide)
    add(world, meeting, "location", context=world.park)
    return meeting


def hold(world: World, meeting: PanelMeeting, **fields: Any) -> PanelMeeting:
    fields.setdefault("attended", list(meeting.attendees.values_list("id", flat=True)))
    fields.setdefault("actor", world.social_worker)
    return panel_hold(meeting=meeting, **fields)


def held(world: World) -> PanelMeeting:
    return hold(world, with_agenda(world))


def item(meeting: PanelMeeting, kind: str) -> AgendaItem:
    return meeting.items.get(kind=kind)


def act(world: World, on: AgendaItem, **fields: Any) -> PanelAction:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "item": on,
        "description": "Safety plan with the young person",
        "owner": world.social_worker,
        "due_on": today() + dt.timedelta(days=14),
        **fields,
    }
    return panel_action_add(**values)


def guest(world: World, meeting: PanelMeeting) -> PanelAttendee:
    return panel_attendee_add(
        actor=world.social_worker,
        meeting=meeting,
        name="Dee Morgan",
        organisation="Mare Street Centre security",
    )
