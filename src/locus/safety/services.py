"""Recording safety mapping sessions with a child, the places marked in them, amendments to
a mark, and the weighting of the child's contexts.

Who may: ``access/safety.py``. Each service checks permission, validates every field
before it writes, and writes the rows with their audit records in one transaction.
Nothing is overwritten: a later session is a new map, a re-weighting a new version, and
an amendment keeps the mark's old wording (:class:`MarkAmendment`) with who, when and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction

from locus.access import safety as rules
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change
from locus.common.services import (
    Problems,
    amend_keeping_history,
    check_known_fields,
    clean_reason,
    clean_text,
    create_audited,
    lock,
    permitted,
    recorded,
    today,
)
from locus.peers.selectors import nameable_contexts
from locus.people.models import Person, PersonKind
from locus.places.models import Context
from locus.places.services import POSTCODE_RE, normalise_postcode
from locus.safety import models

MAX_PRESENT = 500
MAX_SHORT = 300
MAX_TEXT = 4000
MAX_DESCRIPTION = 200
MAX_WEIGHTED = 10

# What an amendment may change: what the child said. Where the place is and which session
# it was marked in are not among them (a mark put on the wrong place is said again in a
# new session, or amended to say so).
AMENDABLE = ("rating", "when", "with_whom", "why")


def _optional(problems: Problems, field: str, value: str, limit: int, what: str) -> str:
    value = (value or "").strip()
    problems.check(len(value) <= limit, field, f"The {what} must be {limit} characters or fewer")
    return value


def _check_day(
    problems: Problems, field: str, day: dt.date | None, person: Person, what: str
) -> None:
    if day is None:
        problems.add(field, f"Enter the date of the {what}")
    elif day > today():
        problems.add(field, f"The date of the {what} must not be in the future")
    elif person.date_of_birth is not None and day < person.date_of_birth:
        problems.add(field, f"The date of the {what} must not be before the date of birth")


def _check_young_person(problems: Problems, person: Person, what: str) -> None:
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", f"{what} is made with a young person"
    )


@transaction.atomic
def session_record(
    *, actor: Worker, person: Person, held_on: dt.date | None, present: str, note: str = ""
) -> models.MapSession:
    """Record a safety mapping session held with the child: a new dated map."""
    permitted(rules.can_record_safety, actor, person)
    problems = Problems()
    _check_young_person(problems, person, "A safety map")
    _check_day(problems, "held_on", held_on, person, "session")
    present = clean_text(
        problems,
        "present",
        present or "",
        missing="Say who was present besides the child",
        limit=MAX_PRESENT,
        what="list of who was present",
    )
    note = _optional(problems, "note", note, MAX_TEXT, "note")
    problems.raise_if_any()
    return create_audited(
        actor,
        models.MapSession,
        person=person,
        held_on=held_on,
        present=present,
        note=note,
        **recorded(actor),
    )


def _check_said(problems: Problems, values: dict[str, Any]) -> dict[str, Any]:
    """What the child said about a place (on marking it and on amending it), cleaned."""
    rating = values.get("rating") or ""
    problems.check(rating in models.Rating.values, "rating", "Choose red, amber or green")
    return {
        "rating": rating,
        "when": _optional(problems, "when", values.get("when", ""), MAX_SHORT, "times or days"),
        "with_whom": _optional(
            problems, "with_whom", values.get("with_whom", ""), MAX_SHORT, "who they are with"
        ),
        "why": clean_text(
            problems,
            "why",
            values.get("why") or "",
            missing="Say why, in the child's own words",
            limit=MAX_TEXT,
            what="reason",
        ),
    }


class _Said(TypedDict):
    rating: str
    why: str


class Mark(_Said, total=False):
    """A place marked in a session, as :func:`mark_place` takes it."""

    context: Context | None
    description: str
    postcode: str
    when: str
    with_whom: str


@transaction.atomic
def mark_place(
    *,
    actor: Worker,
    session: models.MapSession,
    rating: str,
    why: str,
    context: Context | None = None,
    description: str = "",
    postcode: str = "",
    when: str = "",
    with_whom: str = "",
) -> models.MarkedPlace:
    """Mark a place in a session: a context the worker may name for the child (public
    places, the child's own home and groups), or the child's own description of it."""
    (made,) = mark_places(
        actor=actor,
        session=session,
        marks=[
            {
                "rating": rating,
                "why": why,
                "context": context,
                "description": description,
                "postcode": postcode,
                "when": when,
                "with_whom": with_whom,
            }
        ],
    )
    return made


@transaction.atomic
def mark_places(
    *, actor: Worker, session: models.MapSession, marks: Sequence[Mark]
) -> list[models.MarkedPlace]:
    """Mark the places a session's child named, each given as :func:`mark_place`'s other
    keywords (:class:`Mark`) and checked, written and audited as it is: whether the worker
    records the child's safety, and which of the places they may name for the child, are
    asked once for the session, not once a mark. One mark refused refuses them all."""
    person = session.person
    permitted(rules.can_record_safety, actor, person)
    chosen = [place.pk for mark in marks if (place := mark.get("context")) is not None]
    nameable = nameable_contexts(viewer=actor, person=person, ids=chosen)
    return [_mark(actor, session, nameable, mark) for mark in marks]


def _mark(
    actor: Worker, session: models.MapSession, nameable: set[int], mark: Mark
) -> models.MarkedPlace:
    """One mark, its permission asked (:func:`mark_places`)."""
    rating, why = mark["rating"], mark["why"]
    when, with_whom = mark.get("when", ""), mark.get("with_whom", "")
    context, description = mark.get("context"), mark.get("description", "")
    postcode = mark.get("postcode", "")
    problems = Problems()
    said = _check_said(
        problems, {"rating": rating, "when": when, "with_whom": with_whom, "why": why}
    )
    description = _optional(problems, "description", description, MAX_DESCRIPTION, "description")
    postcode = normalise_postcode((postcode or "").strip())
    if context is not None:
        problems.check(
            context.pk in nameable,
            "context",
            "Choose a place from the list",
        )
        problems.check(not description, "description", "Choose a place or describe it, not both")
        problems.check(not postcode, "postcode", "A place from the list has its own postcode")
    else:
        problems.check(
            bool(description), "description", "Choose a place from the list, or describe it"
        )
        problems.check(
            not postcode or bool(POSTCODE_RE.match(postcode)),
            "postcode",
            "Enter a full UK postcode, like E8 1AB, or leave it empty",
        )
    problems.raise_if_any()
    return create_audited(
        actor,
        models.MarkedPlace,
        session=session,
        context=context,
        description=description,
        postcode=postcode,
        **said,
        **recorded(actor),
        recorded_in_team_id=actor.team_id,
    )


@transaction.atomic
def mark_amend(
    *, actor: Worker, mark: models.MarkedPlace, reason: str, **changes: Any
) -> models.MarkedPlace:
    """Amend what a mark says, keeping its old wording with who amended it, when and why."""
    check_known_fields("mark_amend", changes, AMENDABLE)
    permitted(rules.can_amend_mark, actor, mark)
    # Read afresh and held: the old wording kept is what the mark says now, so an amendment
    # made meanwhile (another tab) stays in the history rather than vanishing from it.
    lock(mark)
    problems = Problems()
    current = {name: getattr(mark, name) for name in AMENDABLE}
    values = _check_said(problems, {**current, **changes})
    reason = clean_reason(
        problems, reason or "", missing="Say why the mark is amended", limit=MAX_TEXT
    )
    if not problems.errors and values == current:
        problems.add("why", "Nothing was changed: change the mark, or go back without saving")
    problems.raise_if_any()
    # The reason is kept on the amendment row, audited with it.
    return amend_keeping_history(
        actor,
        mark,
        values,
        models.MarkAmendment,
        kept=AMENDABLE,
        by="amended_by",
        at="amended_at",
        mark=mark,
        reason=reason,
    )


@transaction.atomic
def weighting_record(
    *,
    actor: Worker,
    person: Person,
    decided_on: dt.date | None,
    items: Sequence[tuple[Context | None, str]],
) -> models.Weighting:
    """Record which contexts matter most to the child's safety, most first, each with a
    reason: a new dated version (the earlier ones stay, as history)."""
    permitted(rules.can_record_safety, actor, person)
    problems = Problems()
    _check_young_person(problems, person, "A context weighting")
    _check_day(problems, "decided_on", decided_on, person, "weighting")
    allowed = nameable_contexts(
        viewer=actor, person=person, ids=[c.pk for c, _ in items if c is not None]
    )
    chosen: list[tuple[Context, str]] = []
    for n, (context, reason) in enumerate(items, start=1):
        reason = (reason or "").strip()
        if context is None:
            problems.check(not reason, f"context_{n}", f"Choose the context ranked {n}")
            continue
        problems.check(context.pk in allowed, f"context_{n}", "Choose a context from the list")
        problems.check(
            all(c.pk != context.pk for c, _ in chosen),
            f"context_{n}",
            f"{context.name} is already ranked higher: rank each context once",
        )
        problems.check(bool(reason), f"reason_{n}", f"Say why {context.name} matters")
        problems.check(
            len(reason) <= MAX_TEXT,
            f"reason_{n}",
            f"The reason must be {MAX_TEXT} characters or fewer",
        )
        chosen.append((context, reason))
    problems.check(bool(chosen), "context_1", "Choose at least one context")
    problems.check(
        len(chosen) <= MAX_WEIGHTED, "context_1", f"Rank at most {MAX_WEIGHTED} contexts"
    )
    problems.raise_if_any()
    weighting = create_audited(
        actor, models.Weighting, person=person, decided_on=decided_on, **recorded(actor)
    )
    rows = [
        models.WeightedContext.objects.create(weighting=weighting, rank=rank, context=c, reason=why)
        for rank, (c, why) in enumerate(chosen, start=1)
    ]
    for row in rows:
        record_change(actor=actor, action=ChangeAction.CREATE, obj=row)
    return weighting
