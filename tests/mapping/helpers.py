"""Meetings built through the services, in the ``world`` of tests/factories.py.

The usual meeting: ``social_worker`` (who holds ``csc_child``) proposes a
meeting about ``csc_child`` and ``yjs_child`` (held by ``yjs_worker``, whom
she may not see, but who is in ``group`` with her child) to map ``group``.

The helpers follow the whole legitimate path unless told otherwise: each
child's holder agrees to bring the child (``propose``), the meeting is set for
half an hour ago (``schedule``), and everyone the minutes record as attending
confirms it themselves (``hold``). Tests of the share's rules turn steps off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.common import clock
from locus.common.services import today
from locus.mapping.models import (
    Attendance,
    Decision,
    Intervention,
    InterventionUpdate,
    Invitee,
    Meeting,
    MeetingChild,
)
from locus.mapping.services import (
    attendance_confirm,
    intervention_add,
    meeting_propose,
    meeting_record_minutes,
    meeting_schedule,
    share_agree,
)
from locus.peers.models import Association
from locus.peers.services import association_record
from locus.people.models import Person
from locus.sharing.vocab import CHILDREN_IN_NEED
from tests.factories import START, World

# Every model a co-case service writes (for nothing_written).
MEETING_MODELS = (Meeting, MeetingChild, Invitee, Decision, Intervention, InterventionUpdate)
PURPOSE = "Map the Millfields group together and agree who does what"
# How long ago the usual meeting started: within the scheduling grace of an hour.
EARLIER = dt.timedelta(minutes=30)


def agree(meeting: Meeting, holder: Worker, person: Person, **fields: Any) -> None:
    """``holder`` agrees to bring ``person``: name, age, legal status, on the meeting's basis."""
    fields.setdefault("basis", meeting.basis)
    share_agree(actor=holder, meeting=meeting, person=person, **fields)


def agree_all(world: World, meeting: Meeting) -> None:
    """Each child's holder agrees to bring them (the world's children each have one holder)."""
    for link in meeting.children.select_related("holder", "person"):
        if link.holder is not None:
            agree(meeting, link.holder, link.person)


def propose(world: World, *, agreed: bool = True, **fields: Any) -> Meeting:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "children": [world.csc_child, world.yjs_child],
        "group": world.group,
        "title": "Millfields group mapping",
        "purpose": PURPOSE,
        "basis": CHILDREN_IN_NEED,
    }
    values.update(fields)
    meeting = meeting_propose(**values)
    if agreed:
        agree_all(world, meeting)
    return meeting


def schedule(
    world: World, meeting: Meeting, *, when: dt.datetime | None = None, actor: Worker | None = None
) -> Meeting:
    return meeting_schedule(
        actor=actor or world.social_worker,
        meeting=meeting,
        when=when or clock.now() - EARLIER,
        online=False,
        location="Hackney Service Centre, room 3",
    )


def hold(
    world: World,
    meeting: Meeting,
    *,
    attendance: dict[Worker, str] | None = None,
    actor: Worker | None = None,
    decisions: tuple[str, ...] = ("Youth service to run sessions at the park",),
    confirmed: bool = True,
) -> Meeting:
    """Record minutes: everyone invited attended, unless ``attendance`` says otherwise; then
    (when ``confirmed``) each worker recorded as attending confirms it themselves."""
    given = {w.pk: a for w, a in (attendance or {}).items()}
    marks = {
        worker_id: given.get(worker_id, Attendance.ATTENDED)
        for worker_id in meeting.invitees.values_list("worker_id", flat=True)
    }
    meeting = meeting_record_minutes(
        actor=actor or world.social_worker,
        meeting=meeting,
        attendance=marks,
        notes="We mapped the group.",
        decisions=list(decisions),
    )
    if confirmed:
        confirm_all(meeting)
    return meeting


def confirm_all(meeting: Meeting) -> None:
    """Each worker the minutes record as attending confirms it (the recorder already has)."""
    for invitee in meeting.invitees.filter(
        attendance=Attendance.ATTENDED, confirmed_at__isnull=True
    ).select_related("worker"):
        attendance_confirm(actor=invitee.worker, meeting=meeting)


def held_meeting(world: World, **attendance: str) -> Meeting:
    """Proposed (and agreed), scheduled and held; ``attendance`` by persona name."""
    meeting = schedule(world, propose(world))
    marks = {world.persona(name): value for name, value in attendance.items()}
    return hold(world, meeting, attendance=marks)


def add_intervention(world: World, meeting: Meeting, **fields: Any) -> Intervention:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "meeting": meeting,
        "owner": world.yjs_worker,
        "description": "Weekly mentoring session",
        "due_on": today() + dt.timedelta(days=30),
        "person": world.csc_child,
    }
    values.update(fields)
    return intervention_add(**values)


def associate(
    world: World, person: Person, other: Person | None, nature: str = "risk", **fields: Any
) -> Association:
    """An open friendship from the world's start, recorded by the system account."""
    values: dict[str, Any] = {
        "actor": world.system,
        "person": person,
        "other": other,
        "relationship": "friend",
        "nature": nature,
        "source": "professional",
        "confidence": "medium",
        "valid_from": START,
    }
    values.update(fields)
    return association_record(**values)
