"""Writing, correcting and striking out case notes.

Who may: ``access/notes.py``. Each service checks permission, validates every
field before it writes, and writes the rows with their audit records in one
transaction. A note is never deleted: a correction keeps the old wording
(:class:`NoteRevision`), and a note entered in error stays, struck through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from locus.access import notes as rules
from locus.access.models import Worker
from locus.access.policies import can_name_people
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.casework.models import ContextCase
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.modelkit import choice_values
from locus.common.services import Problems, lock, permitted, write_fields
from locus.notes.models import CaseNote, NoteKind, NoteRevision
from locus.people.models import Person
from locus.places.models import Context, ContextKind

MAX_SUMMARY = 200
MAX_TEXT = 20000
MAX_PRESENT = 2000
MAX_REASON = 1000
MAX_NAMED = 50

# The fields a correction may change; who and what the note is about are not among them
# (a note on the wrong record is marked entered in error and written again on the right one).
CORRECTABLE = ("kind", "kind_other", "contact_on", "contact_at", "present", "summary", "text")


def _audit_state(obj: CaseNote | NoteRevision) -> dict[str, Any]:
    """A note or revision as the audit trail keeps it: its fields, the time of day as text."""
    state = snapshot(obj)
    state["contact_at"] = obj.contact_at.isoformat() if obj.contact_at else None
    return state


def _text(problems: Problems, field: str, value: str, missing: str, limit: int) -> str:
    value = (value or "").strip()
    if missing:
        problems.check(bool(value), field, missing)
    problems.check(len(value) <= limit, field, f"This must be {limit} characters or fewer")
    return value


def _check_content(
    problems: Problems, subject: Person | ContextCase | Context, values: dict[str, Any]
) -> dict[str, Any]:
    """Validate what a note says (on creation and on correction); the cleaned values."""
    kind = values.get("kind") or ""
    problems.check(kind in choice_values(NoteKind), "kind", "Choose the kind of contact")
    kind_other = _text(problems, "kind_other", values.get("kind_other", ""), "", 100)
    if kind == NoteKind.OTHER and not kind_other:
        problems.add("kind_other", "Say what kind of contact it was")
    if kind != NoteKind.OTHER:
        kind_other = ""
    contact_on: dt.date | None = values.get("contact_on")
    contact_at: dt.time | None = values.get("contact_at")
    now = timezone.localtime(clock.now())
    if contact_on is None:
        problems.add("contact_on", "Enter the date of the contact")
    elif contact_on > now.date():
        problems.add("contact_on", "The date of the contact must not be in the future")
    elif (
        isinstance(subject, Person)
        and subject.date_of_birth is not None
        and contact_on < subject.date_of_birth
    ):
        problems.add("contact_on", "The date of the contact must not be before the date of birth")
    elif contact_at is not None and contact_on == now.date() and contact_at > now.time():
        problems.add("contact_at", "The time of the contact must not be in the future")
    return {
        "kind": kind,
        "kind_other": kind_other,
        "contact_on": contact_on,
        "contact_at": contact_at,
        "present": _text(problems, "present", values.get("present", ""), "", MAX_PRESENT),
        "summary": _text(
            problems, "summary", values.get("summary", ""), "Enter a summary", MAX_SUMMARY
        ),
        "text": _text(problems, "text", values.get("text", ""), "Enter the note", MAX_TEXT),
    }


@transaction.atomic
def note_record(
    *,
    actor: Worker,
    subject: Person | ContextCase | Context,
    kind: str,
    contact_on: dt.date | None,
    summary: str,
    text: str,
    kind_other: str = "",
    contact_at: dt.time | None = None,
    present: str = "",
    present_workers: Sequence[Worker] = (),
    children: Sequence[Person] = (),
) -> CaseNote:
    """Write a case note on a child, a context case or a peer group.

    Every child named must be one the author sees in their own right (a forum share or
    break-glass is not enough): a note must not give a record a child it could not have.
    """
    if isinstance(subject, Context) and subject.kind != ContextKind.PEER_GROUP:
        raise TypeError("A note on a context is written on its context case or peer group")
    permitted(rules.can_write_note_on, actor, subject)
    problems = Problems()
    values = _check_content(
        problems,
        subject,
        {
            "kind": kind,
            "kind_other": kind_other,
            "contact_on": contact_on,
            "contact_at": contact_at,
            "present": present,
            "summary": summary,
            "text": text,
        },
    )
    named = {p.pk: p for p in children}
    problems.check(
        len(named) <= MAX_NAMED, "children", f"Name at most {MAX_NAMED} children in one note"
    )
    problems.check(
        can_name_people(actor, named.values()),
        "children",
        "You may name only children you can see: take out any you cannot",
    )
    workers = {w.pk: w for w in present_workers}
    problems.check(
        all(w.is_active for w in workers.values()),
        "present_workers",
        "Choose only current workers as present",
    )
    problems.raise_if_any()
    note = CaseNote.objects.create(
        person=subject if isinstance(subject, Person) else None,
        case=subject if isinstance(subject, ContextCase) else None,
        group=subject if isinstance(subject, Context) else None,
        author=actor,
        author_team_id=actor.team_id,
        recorded_at=clock.now(),
        **values,
    )
    note.children.set(named.values())
    note.present_workers.set(workers.values())
    after = _audit_state(note)
    after["children"] = sorted(named)
    after["present_workers"] = sorted(workers)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=note, after=after)
    return note


@transaction.atomic
def note_correct(*, actor: Worker, note: CaseNote, reason: str, **changes: Any) -> CaseNote:
    """Correct what a note says, keeping the old wording with who corrected it, when and why.

    ``changes`` are among :data:`CORRECTABLE`; the fields not given keep their values.
    """
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise TypeError(f"note_correct got unknown fields: {sorted(unknown)}")
    permitted(rules.can_correct_note, actor, note)
    # Read afresh and held: the old wording kept is what the note says now (a correction
    # made meanwhile in another tab stays in the history), and one struck out meanwhile stops.
    lock(note)
    if note.in_error:
        raise InvalidTransition("This note was entered in error: it cannot be corrected")
    problems = Problems()
    current = {name: getattr(note, name) for name in CORRECTABLE}
    values = _check_content(problems, rules.subject_of(note), {**current, **changes})
    reason = _text(problems, "reason", reason, "Say why the note is corrected", MAX_REASON)
    if not problems.errors and values == current:
        problems.add("text", "Nothing was changed: change the note, or go back without saving")
    problems.raise_if_any()
    before = _audit_state(note)
    revision = NoteRevision.objects.create(
        note=note, corrected_by=actor, corrected_at=clock.now(), reason=reason, **current
    )
    for name, value in values.items():
        setattr(note, name, value)
    note.save(update_fields=list(CORRECTABLE))
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=revision, after=_audit_state(revision)
    )
    record_change(
        actor=actor,
        action=ChangeAction.UPDATE,
        obj=note,
        before=before,
        after={**_audit_state(note), "correction_reason": reason},
    )
    return note


@transaction.atomic
def note_mark_in_error(*, actor: Worker, note: CaseNote, reason: str) -> CaseNote:
    """Strike a note out as entered in error (on the wrong record, a duplicate): it stays,
    readable by whoever could read it, with who struck it out, when and why."""
    permitted(rules.can_correct_note, actor, note)
    lock(note)  # struck out meanwhile (another tab): refused, the first reason kept
    problems = Problems()
    problems.check(not note.in_error, "reason", "This note is already marked entered in error")
    reason = _text(problems, "reason", reason, "Say why the note was entered in error", MAX_REASON)
    problems.raise_if_any()
    struck = {"in_error_at": clock.now(), "in_error_by": actor, "in_error_reason": reason}
    return write_fields(actor, note, ChangeAction.UPDATE, struck, state=_audit_state)
