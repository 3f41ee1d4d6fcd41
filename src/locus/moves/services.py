"""Recording a managed move.

Who may record: any practitioner or manager who sees the child
(``access.policies.can_record_about_person``): the school's safeguarding lead,
the child's social worker or youth justice worker; and an administrator, as for
anything recorded about a person (correcting or loading records). The move is a fact about the
child; it does not change the schools' rolls, which are the schools' own to keep
(``places.services``), so the old school's roll may already be closed.

Correcting a move, or marking it entered in error: ``access/moves.py`` says who. Nothing is
deleted: a correction keeps the old values (:class:`ManagedMoveRevision`), and a move entered
in error stays, struck through, with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.formats import date_format

from locus.access import moves as rules
from locus.access import panel_meetings as panel_policies
from locus.access import policies
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.services import (
    Problems,
    create_audited,
    permitted,
    recorded,
    today,
    write_fields,
)
from locus.moves.models import ManagedMove, ManagedMoveRevision
from locus.panels.models import PanelMeeting
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind, Enrolment

MAX_TEXT = 2000


def _check_text(problems: Problems, field: str, value: str, missing: str, limit: int) -> str:
    value = value.strip()
    problems.check(bool(value), field, missing)
    problems.check(len(value) <= limit, field, f"This must be {limit} characters or fewer")
    return value


def was_on_roll(person: Person, school: Context, moved_on: dt.date) -> bool:
    """On the school's roll the day before the move (a roll closed that day still counts)."""
    eve = moved_on - dt.timedelta(days=1)
    return Enrolment.objects.open_on(eve).filter(person=person, school=school).exists()


# The fields a correction may change; the child is not among them (a move recorded on the
# wrong child is marked entered in error and recorded again on the right one).
CORRECTABLE = (
    "from_school",
    "to_school",
    "moved_on",
    "reason",
    "panel_decision",
    "decided_by",
    "panel_meeting",
    "not_on_roll_reason",
)
MAX_WHY = 1000


def _check_move(
    problems: Problems,
    actor: Worker,
    person: Person,
    values: dict[str, Any],
    move: ManagedMove | None = None,
) -> dict[str, Any]:
    """Validate what a move says (on recording and on correction, ``move`` then the move
    corrected); the cleaned values, by the names of :data:`CORRECTABLE`."""
    from_school: Context | None = values["from_school"]
    to_school: Context | None = values["to_school"]
    moved_on: dt.date | None = values["moved_on"]
    panel_meeting: PanelMeeting | None = values["panel_meeting"]
    if panel_meeting is not None and (move is None or panel_meeting.pk != move.panel_meeting_id):
        # Citing a panel is reading it: only one the recorder may see.
        permitted(panel_policies.can_view_panel, actor, panel_meeting)
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", "A managed move is for a young person"
    )
    for field, school, which in (
        ("from_school", from_school, "the child moved from"),
        ("to_school", to_school, "the child moved to"),
    ):
        problems.check(
            school is not None and school.kind == ContextKind.SCHOOL,
            field,
            f"Choose the school {which}",
        )
    if from_school is not None and to_school is not None and from_school.pk == to_school.pk:
        problems.add("to_school", "The new school must be a different school from the old one")
    if moved_on is None:
        problems.add("moved_on", "Enter the date of the move")
    elif moved_on > today():
        problems.add("moved_on", "The date of the move must not be in the future")
    elif person.date_of_birth is not None and moved_on <= person.date_of_birth:
        problems.add("moved_on", "The date of the move must be after the child's date of birth")
    texts = {
        field: _check_text(problems, field, values[field] or "", missing, limit)
        for field, missing, limit in (
            ("reason", "Say what peer abuse the move responds to", MAX_TEXT),
            ("panel_decision", "Enter what was decided", MAX_TEXT),
            ("decided_by", "Say who decided", 200),
        )
    }
    not_on_roll_reason = (values["not_on_roll_reason"] or "").strip()
    problems.check(
        len(not_on_roll_reason) <= 300,
        "not_on_roll_reason",
        "The reason must be 300 characters or fewer",
    )
    if (
        moved_on is not None
        and from_school is not None
        and from_school.kind == ContextKind.SCHOOL
        and not not_on_roll_reason
        and not was_on_roll(person, from_school, moved_on)
    ):
        problems.add(
            "not_on_roll_reason",
            f"{person.full_name} was not on the roll of {from_school.name} the day before "
            f"{date_format(moved_on, 'j F Y')}: say why the move is recorded anyway",
        )
    if moved_on is not None and from_school is not None:
        # A move struck out as entered in error is no longer the child's: it may be recorded
        # again, rightly.
        same = ManagedMove.objects.filter(
            person=person, from_school=from_school, moved_on=moved_on, in_error_at__isnull=True
        )
        if move is not None:
            same = same.exclude(pk=move.pk)
        problems.check(not same.exists(), "moved_on", "This move is already recorded")
    return {
        "from_school": from_school,
        "to_school": to_school,
        "moved_on": moved_on,
        "panel_meeting": panel_meeting,
        "not_on_roll_reason": not_on_roll_reason,
        **texts,
    }


@transaction.atomic
def managed_move_record(
    *,
    actor: Worker,
    person: Person,
    from_school: Context | None,
    to_school: Context | None,
    moved_on: dt.date | None,
    reason: str,
    panel_decision: str,
    decided_by: str,
    panel_meeting: PanelMeeting | None = None,
    not_on_roll_reason: str = "",
) -> ManagedMove:
    """Record that a child moved school in response to peer abuse.

    The child must have been on the old school's roll the day before the move, or
    ``not_on_roll_reason`` says why the move is recorded anyway (a roll kept
    elsewhere, a child on a part-time timetable...).
    """
    permitted(policies.can_record_about_person, actor, person)
    problems = Problems()
    values = _check_move(
        problems,
        actor,
        person,
        {
            "from_school": from_school,
            "to_school": to_school,
            "moved_on": moved_on,
            "reason": reason,
            "panel_decision": panel_decision,
            "decided_by": decided_by,
            "panel_meeting": panel_meeting,
            "not_on_roll_reason": not_on_roll_reason,
        },
    )
    problems.raise_if_any()
    return create_audited(
        actor,
        ManagedMove,
        person=person,
        recorded_in_team_id=actor.team_id,
        **values,
        **recorded(actor),
    )


def _locked(move: ManagedMove) -> ManagedMove:
    """The move read afresh and held to the end of the transaction: a correction keeps what
    it says now (one made meanwhile in another tab stays in the history), and one struck out
    meanwhile stops."""
    return ManagedMove.objects.select_for_update().select_related("person").get(pk=move.pk)


@transaction.atomic
def managed_move_correct(
    *, actor: Worker, move: ManagedMove, why: str, **changes: Any
) -> ManagedMove:
    """Correct what a move says, keeping the old values with who corrected it, when and
    ``why``. ``changes`` are among :data:`CORRECTABLE`; those not given keep their values."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise TypeError(f"managed_move_correct got unknown fields: {sorted(unknown)}")
    permitted(rules.can_correct_move, actor, move)
    move = _locked(move)
    if move.in_error:
        raise InvalidTransition("This move was entered in error: it cannot be corrected")
    problems = Problems()
    current = {name: getattr(move, name) for name in CORRECTABLE}
    values = _check_move(problems, actor, move.person, {**current, **changes}, move)
    why = _check_text(problems, "why", why, "Say why the move is corrected", MAX_WHY)
    if not problems.errors and values == current:
        problems.add("moved_on", "Nothing was changed: change the move, or go back without saving")
    problems.raise_if_any()
    before = snapshot(move)
    kept = {**current, **recorded(actor, "corrected_by", "corrected_at")}
    revision = create_audited(actor, ManagedMoveRevision, move=move, correction_reason=why, **kept)
    for name, value in values.items():
        setattr(move, name, value)
    move.save(update_fields=list(CORRECTABLE))
    record_change(
        actor=actor,
        action=ChangeAction.UPDATE,
        obj=move,
        before=before,
        after={**snapshot(move), "correction_reason": why, "revision": revision.pk},
    )
    return move


@transaction.atomic
def managed_move_mark_in_error(*, actor: Worker, move: ManagedMove, why: str) -> ManagedMove:
    """Strike a move out as entered in error (the wrong child, a move that never happened):
    it stays, readable by whoever sees the child, struck through with who struck it out,
    when and why, and is no longer the child's move."""
    permitted(rules.can_correct_move, actor, move)
    move = _locked(move)  # struck out meanwhile (another tab): refused, the first reason kept
    problems = Problems()
    problems.check(not move.in_error, "why", "This move is already marked entered in error")
    why = _check_text(problems, "why", why, "Say why the move was entered in error", MAX_WHY)
    problems.raise_if_any()
    struck = {"in_error_at": clock.now(), "in_error_by": actor, "in_error_reason": why}
    return write_fields(actor, move, ChangeAction.UPDATE, struck)
