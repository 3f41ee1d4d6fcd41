"""Record and decide a person's dispute of their record's accuracy, or objection to its
processing. Each checks who may (``access.rectification``), validates before writing, and
writes the row with its audit record in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from locus.access import rectification as rules
from locus.access.fields import PersonField
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    clean_text,
    create_audited,
    permitted,
    recorded,
    today,
    write_fields,
)
from locus.incidents.models import Involvement
from locus.notes.models import CaseNote
from locus.peers.models import Association
from locus.people.models import Person
from locus.rectification.models import (
    About,
    Dispute,
    Objection,
    ObjectionDecision,
    Outcome,
    ReceivedHow,
)

# The person's words are kept whole: a long letter is pasted, not summarised.
ACCOUNT_LIMIT = 10_000
REASON_LIMIT = 4_000

_C = TypeVar("_C", Dispute, Objection)


def _text(problems: Problems, name: str, text: str, missing: str, limit: int) -> str:
    """A field of free text, required, trimmed and within ``limit`` (named in the message)."""
    return clean_text(problems, name, text, missing=missing, limit=limit, what=name)


def _received(problems: Problems, how: str, on: dt.date | None) -> None:
    problems.check(how in choice_values(ReceivedHow), "received_how", "Choose how it was received")
    if on is None:
        problems.add("received_on", "Enter the date it was received")
    elif on > today():
        problems.add("received_on", "The date it was received must not be in the future")


def _item_of(
    problems: Problems, actor: Worker, person: Person, about: str, item: object
) -> dict[str, object]:
    """The item named, checked to be this person's and one ``actor`` may see: the fields to
    store it under."""
    if about not in choice_values(About):
        problems.add("about", "Choose what the person disputes")
        return {}
    if about == About.RECORD:
        return {}
    if about == About.FIELD:
        ok = isinstance(item, str) and item in choice_values(PersonField)
        ok = ok and rules.sees_item(actor, person, about, item)
        problems.check(ok, "about", "Choose the detail of the record the person disputes")
        return {"field": item} if ok else {}
    mine = {
        About.ASSOCIATION: (Association, lambda a: person.pk in (a.person_id, a.other_id)),
        About.INVOLVEMENT: (Involvement, lambda i: i.person_id == person.pk),
        About.NOTE: (CaseNote, lambda n: n.person_id == person.pk),
    }
    model, belongs = mine[About(about)]
    ok = isinstance(item, model) and belongs(item) and rules.sees_item(actor, person, about, item)
    problems.check(ok, "about", f"Choose {About(about).label.lower()} on this person's record")
    return {about: item} if ok else {}


def _record(
    actor: Worker,
    person: Person,
    model: type[_C],
    words: tuple[str, str, str],
    received_how: str,
    received_on: dt.date | None,
    item: Callable[[Problems], dict[str, object]] = lambda problems: {},
) -> _C:
    """Record a challenge: the person's ``words`` (the field, the text, the message when it is
    missing), kept whole; what it is about (``item``: its fields, checked on ``problems``); how
    and when it came. Every problem found before anything is written; the row audited."""
    permitted(rules.can_record_challenge, actor, person)
    problems = Problems()
    name, text, missing = words
    fields: dict[str, object] = {name: _text(problems, name, text, missing, ACCOUNT_LIMIT)}
    fields.update(item(problems))
    _received(problems, received_how, received_on)
    problems.raise_if_any()
    return create_audited(
        actor,
        model,
        person=person,
        received_how=received_how,
        received_on=received_on,
        **fields,
        **recorded(actor),
    )


@transaction.atomic
def dispute_record(
    *,
    actor: Worker,
    person: Person,
    about: str,
    account: str,
    received_how: str,
    received_on: dt.date | None,
    item: Association | Involvement | CaseNote | str | None = None,
) -> Dispute:
    """Record that ``person`` disputes the accuracy of their record, or of ``item`` in it (an
    association, an incident involvement, a case note, or the name of a field), in their own
    words (``account``). It shows beside the record from now on, until corrected."""
    return _record(
        actor,
        person,
        Dispute,
        ("account", account, "Enter the person's account, in their words"),
        received_how,
        received_on,
        item=lambda problems: {"about": about, **_item_of(problems, actor, person, about, item)},
    )


def _decided(actor: Worker) -> dict[str, object]:
    return {"decided_by": actor, "decided_at": clock.now()}


@transaction.atomic
def dispute_decide(
    *, actor: Worker, dispute: Dispute, outcome: str, correction: str = "", reason: str = ""
) -> Dispute:
    """Decide a dispute: corrected (say what changed; the flag comes off), or not corrected
    (say why; the flag and the person's statement stay with the record for good)."""
    dispute = Dispute.objects.select_for_update().select_related("person").get(pk=dispute.pk)
    permitted(rules.can_decide_challenge, actor, dispute)
    problems = Problems()
    fields: dict[str, object] = {"outcome": outcome, **_decided(actor)}
    if outcome == Outcome.CORRECTED:
        fields["correction"] = _text(
            problems, "correction", correction, "Say what was corrected", REASON_LIMIT
        )
    elif outcome == Outcome.NOT_CORRECTED:
        fields["reason"] = _text(
            problems, "reason", reason, "Say why the record is not corrected", REASON_LIMIT
        )
    else:
        problems.add("outcome", "Choose whether the record was corrected")
    problems.raise_if_any()
    return write_fields(actor, dispute, ChangeAction.UPDATE, fields)


@transaction.atomic
def objection_record(
    *,
    actor: Worker,
    person: Person,
    grounds: str,
    received_how: str,
    received_on: dt.date | None,
) -> Objection:
    """Record that ``person`` objects to the processing of their data, on their ``grounds``."""
    return _record(
        actor,
        person,
        Objection,
        ("grounds", grounds, "Enter the person's grounds, in their words"),
        received_how,
        received_on,
    )


@transaction.atomic
def objection_decide(
    *, actor: Worker, objection: Objection, decision: str, reason: str
) -> Objection:
    """Decide an objection: processing stopped, or continued on compelling legitimate grounds
    (which the reason must state); either way with a reason."""
    objection = Objection.objects.select_for_update().select_related("person").get(pk=objection.pk)
    permitted(rules.can_decide_challenge, actor, objection)
    problems = Problems()
    problems.check(
        decision in (ObjectionDecision.STOPPED, ObjectionDecision.CONTINUES),
        "decision",
        "Choose the decision",
    )
    reason = _text(
        problems,
        "reason",
        reason,
        "Say why: the grounds to continue, or what was stopped",
        REASON_LIMIT,
    )
    problems.raise_if_any()
    fields = {"decision": decision, "reason": reason, **_decided(actor)}
    return write_fields(actor, objection, ChangeAction.UPDATE, fields)
