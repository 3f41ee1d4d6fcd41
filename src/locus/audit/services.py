"""Writing the audit trail.

Services call :func:`record_change` inside their own ``transaction.atomic``
block, so a change and its audit row commit or roll back together. Views call
:func:`record_access` for each record they show.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models, transaction

from locus.audit import chain
from locus.audit import verify as chain_verify
from locus.audit.models import (
    AccessAction,
    AccessEvent,
    ChainCheck,
    ChangeAction,
    ChangeEvent,
    SignInEvent,
)
from locus.common import clock
from locus.common.bulk import insert_values
from locus.common.ids import parse_ids

E = TypeVar("E", bound=models.Model)

PERSON = "people.person"
# Keys of an access event's detail that name people a page showed: on every
# page, and on some lists (a list of people's "shown", linked cases' "named").
PEOPLE_SHOWN_KEYS = ("people_shown", "person", "peers_shown")
# A linked-cases read names the caseload's children, the linked children and the associates
# in common it lists; a peer map (its page, print, files and the API's) and a group's pages
# name the peers and members they showed by name (everyone a page or its rows named, for the
# search by person and a subject access package's "who opened your record").
PEOPLE_SHOWN_BY_TYPE = {
    PERSON: ("shown", "named"),
    "places.context": ("named",),
    "linked.case": ("children", "named", "associates"),
    # An emergency access request names the person asked for, granted or not: the trail's
    # search by that person finds who asked (``access.break_glass.REQUEST_RECORD_TYPE``).
    "access.breakglassrequest": ("asked_for",),
}


def record_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def points_at(f: Any, label: str) -> bool:
    related = f.related_model if f.is_relation else None
    return related is not None and related != "self" and related._meta.label_lower == label


@functools.cache  # a model's fields do not change while the process runs; bulk audits ask often
def person_fields(model: type[models.Model]) -> list[str]:
    """The attnames of ``model``'s foreign keys to a person (an allocation's
    ``person_id``, an association's ``person_id`` and ``other_id``)."""
    return [f.attname for f in model._meta.concrete_fields if points_at(f, PERSON)]


def people_text(ids: Iterable[object]) -> str:
    """Person ids as the ``people`` column holds them: ",12,15," (so ",12," finds 12)."""
    found = parse_ids(ids)
    return f",{','.join(map(str, found))}," if found else ""


def people_of(obj: models.Model) -> list[object]:
    """The people a record is about: itself, or the people its foreign keys name, and
    those its model says its events speak of beside them (``audit_people()``: a meeting's
    children and the people in its stored map, a document version's person), so that a
    purge of any of them blanks what the events said."""
    if record_type_of(obj) == PERSON:
        return [obj.pk]
    found = [getattr(obj, name) for name in person_fields(type(obj))]
    more = getattr(obj, "audit_people", None)
    return [*found, *more()] if more is not None else found


def people_in_detail(record_type: str, detail: Mapping[str, Any]) -> list[object]:
    """The people an access event's detail says a page showed."""
    found: list[object] = []
    for key in (*PEOPLE_SHOWN_KEYS, *PEOPLE_SHOWN_BY_TYPE.get(record_type, ())):
        value = detail.get(key)
        found.extend(value if isinstance(value, list | tuple) else [value] if value else [])
    return found


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys by id), JSON-safe."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def write_event(model: type[E], /, **fields: Any) -> E:
    """Write one row of a trail (a change, a read, a sign-in...), at the clock's now."""
    return model._default_manager.create(at=clock.now(), **fields)


# One change: what was done, to which row, and its fields before and after (``None``: the
# row as it is now, for ``after``; nothing, for ``before``). An update or an end keeps only
# the fields that changed.
Change = tuple[ChangeAction, models.Model, Mapping[str, Any] | None, Mapping[str, Any] | None]


def record_change(
    *,
    actor: Any,
    action: ChangeAction,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> ChangeEvent:
    """Append one change to the trail. Must run inside the writing service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must run inside the service's transaction")
    return write_event(ChangeEvent, **change_fields(actor, (action, obj, before, after)))


def change_fields(actor: Any, change: Change) -> dict[str, Any]:
    """What a change row of ``obj`` holds, but its time and its place in the chain: for an
    update or an end, only the fields that changed (``record_change``; a data migration's
    ``audit.migration_ops.record_changes``)."""
    action, obj, before, after = change
    if after is None:
        after = snapshot(obj) if action != ChangeAction.DELETE else {}
    before = dict(before or {})
    if action == ChangeAction.UPDATE or action == ChangeAction.END:
        before, after = diff(before, after)
    return {
        "actor": actor,
        "action": action,
        "record_type": record_type_of(obj),
        "record_id": str(obj.pk),
        "before": before,
        "after": dict(after),
        "people": people_text(people_of(obj)),
    }


def record_creations(*, actor: Any, objs: Iterable[models.Model], batch_size: int = 2000) -> int:
    """Audit many rows created by a bulk path (the demo generator, importers) in one go."""
    # As values, not ChangeEvent instances: building an instance per event was a third of
    # the time of auditing the demo's borough.
    base = {
        "actor_id": actor.pk,
        "at": clock.now(),
        "action": ChangeAction.CREATE.value,
        "before": {},
    }
    events = [
        {
            **base,
            "record_type": record_type_of(obj),
            "record_id": str(obj.pk),
            "after": snapshot(obj),
            "people": people_text(people_of(obj)),
        }
        for obj in objs
    ]
    insert_values(ChangeEvent, events, batch_size=batch_size)
    return len(events)


def record_created_values(
    *,
    actor: Any,
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]] = (),
) -> int:
    """Audit rows of ``model`` a bulk path created from values it held, as complete
    ``{attname: value}`` dicts with their ids (:func:`locus.common.bulk.insert_values`):
    one change row each, the same as :func:`record_creations` writes for the saved record
    (``after`` its :func:`snapshot`, ``people`` who it is about), without building a model
    instance per row to read the values back from. ``links``, when given, one for each row,
    is added to its ``after``: what the row is linked to beside its columns (an
    association's places, as ``peers.services`` audits them)."""
    opts = model._meta
    pk = opts.pk.attname
    names = [f.attname for f in opts.concrete_fields if not f.primary_key]
    about = [pk] if opts.label_lower == PERSON else person_fields(model)
    base = {
        "actor_id": actor.pk,
        "at": clock.now(),
        "action": ChangeAction.CREATE.value,
        "record_type": opts.label_lower,
        "before": {},
    }
    if len(about) == 1:  # the usual case: one person, by id, as people_text writes it
        people = [
            f",{v}," if type(v) is int and v > 0 else people_text([v])
            for v in (row[about[0]] for row in rows)
        ]
    else:
        people = [people_text([row[name] for name in about]) for row in rows]
    afters = _snapshots(names, rows)
    if links:
        afters = [{**after, **linked} for after, linked in zip(afters, links, strict=True)]
    events = [
        {**base, "record_id": str(row[pk]), "after": after, "people": who}
        for row, after, who in zip(rows, afters, people, strict=True)
    ]
    insert_values(ChangeEvent, events)
    return len(events)


# Values _plain gives back as they are: a column holding only these needs no call per value.
_JSON_PLAIN = frozenset({str, int, bool, float, list, dict, type(None)})
_DATES = frozenset({dt.date, dt.datetime, type(None)})


def _snapshots(names: list[str], rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What :func:`snapshot` gives for each row's ``names``, a column at a time."""
    if not rows:
        return []
    columns: list[Any] = [[row[name] for row in rows] for name in names]
    for i, column in enumerate(columns):
        types = set(map(type, column))
        if types <= _JSON_PLAIN:
            continue
        if types <= _DATES:  # an import's dates repeat: each distinct one made plain once
            memo = {value: _plain(value) for value in set(column)}
            columns[i] = list(map(memo.__getitem__, column))
        else:
            columns[i] = list(map(_plain, column))
    # map, not a comprehension: no Python step per row (an import audits 100,000s).
    return list(map(dict, map(functools.partial(zip, names), zip(*columns, strict=True))))


def record_access(
    *,
    actor: Any,
    obj: models.Model | None = None,
    record_type: str = "",
    action: AccessAction = AccessAction.VIEW,
    purpose: str = "",
    detail: Mapping[str, Any] | None = None,
    people: Iterable[object] = (),
) -> AccessEvent:
    """Log that ``actor`` read ``obj`` (or, for lists and searches, a ``record_type``).

    The people the read was about, for the auditor's search by person: ``obj``
    (or the people it points at), ``people``, and the ids a page lists in
    ``detail["people_shown"]`` (or ``detail["shown"]`` for a list of people).

    While the actor has break-glass sight open, the read is flagged with it; a read
    of the person it opened is a break-glass read, with the emergency as its purpose.
    """
    # Imported here: the sight rules import the domain models, which load after audit.
    from locus.access.break_glass import audit_flag, purpose_of

    detail = dict(detail or {})
    record_type = record_type_of(obj) if obj is not None else record_type
    record_id = str(obj.pk) if obj is not None else ""
    about = [
        *(people_of(obj) if obj is not None else ()),
        *people,
        *people_in_detail(record_type, detail),
    ]
    flag = audit_flag(actor, record_type, record_id, about)
    if flag is not None:
        detail["break_glass"] = flag.uses
        if flag.of_person is not None:
            action = AccessAction.BREAK_GLASS
            # dict.fromkeys: a purpose that is the emergency's own is not said twice.
            purpose = "; ".join(
                dict.fromkeys(p for p in (purpose_of(flag.of_person), purpose) if p)
            )
    return write_event(
        AccessEvent,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        purpose=purpose,
        detail=detail,
        people=people_text(about),
    )


# What a redaction blanks: the content of an event, never who, when, which record or about whom.
REDACTED_FIELDS: tuple[tuple[type[AccessEvent] | type[ChangeEvent], dict[str, Any]], ...] = (
    (AccessEvent, {"purpose": "", "detail": {}}),
    (ChangeEvent, {"before": {}, "after": {}}),
)


# The record type of the change row a redaction by record writes (``redact_records``): the
# verifier's evidence that a purge blanked those records' events. It is about nobody, so no
# redaction ever blanks it.
REDACTION = chain_verify.REDACTION


def _in_purge(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the purge's transaction")


def _blank(match: models.Q) -> int:
    """Blank the content of the events ``match`` finds that are not blanked yet."""
    now = clock.now()
    done = 0
    for model, blanks in REDACTED_FIELDS:
        unredacted = model._default_manager.filter(match, redacted_at__isnull=True)
        done += unredacted.update(redacted_at=now, **blanks)
    return done


def redact_about(person_ids: Iterable[object]) -> int:
    """Blank the content of every audit event about these people (a purge removed their
    records: the trail keeps that each read and change happened, not what it said).

    Returns how many events were blanked. Idempotent: blanked events are left alone, so a
    purge run again after a kill carries on where it stopped. Must run inside the purge's
    transaction.
    """
    _in_purge("redact_about")
    ids = parse_ids(person_ids)
    if not ids:
        return 0
    about = models.Q()
    for pk in ids:
        about |= models.Q(people__contains=f",{pk},")
    return _blank(about)


def redact_records(
    *, actor: Any, record_type: str, ids: Iterable[object], why: Mapping[str, Any]
) -> int:
    """Blank the content of every audit event of these records (a purge deleted them, or
    took a purged person out of them), whoever the events name: a context case's events say
    what the case said, and events written before a model named its people (a meeting's
    map, a document version's file name) do not name the person they hold.

    Writes one change row (record type :data:`REDACTION`, the record type as its id, the
    ids and ``why`` as its content, about nobody) when it blanked anything: the verifier
    holds every event blanked by record to it. Idempotent, as :func:`redact_about`; must
    run inside the purge's transaction. Returns how many events were blanked.
    """
    _in_purge("redact_records")
    if not record_type or record_type == REDACTION:
        raise ValueError(f"record_type: not a record whose events may be redacted: {record_type!r}")
    keys = [str(pk) for pk in parse_ids(ids)]
    if not keys:
        return 0
    done = _blank(models.Q(record_type=record_type, record_id__in=keys))
    if done:
        _redaction_row(actor, record_type, keys, why)
    return done


def _redaction_row(actor: Any, record_id: str, keys: list[str], why: Mapping[str, Any]) -> None:
    """The change row a redaction by record (or by event) writes: the verifier's evidence."""
    write_event(
        ChangeEvent,
        actor=actor,
        action=ChangeAction.UPDATE,
        record_type=REDACTION,
        record_id=record_id,
        after={"ids": keys, **why},
    )


# The record id of a redaction by event (``redact_reads``): the read events' own ids.
READ_EVENTS = AccessEvent._meta.label_lower


def redact_reads(*, actor: Any, ids: Iterable[object], why: Mapping[str, Any]) -> int:
    """Blank the content of these read events, by their own ids: events about no record a
    purge removed that still hold what it held (a duplicate check that recorded nobody,
    holding the name and date of birth a person was later recorded with:
    ``people.duplicates.earlier_checks``). Writes one change row, as :func:`redact_records`
    does, with :data:`READ_EVENTS` as its id, so the verifier holds each of them to it.
    Idempotent; must run inside the purge's transaction. Returns how many were blanked."""
    _in_purge("redact_reads")
    keys = sorted(parse_ids(ids))
    if not keys:
        return 0
    blanks = dict(REDACTED_FIELDS)[AccessEvent]
    unredacted = AccessEvent.objects.filter(pk__in=keys, redacted_at__isnull=True)
    done = unredacted.update(redacted_at=clock.now(), **blanks)
    if done:
        _redaction_row(actor, READ_EVENTS, [str(pk) for pk in keys], why)
    return done


def record_sign_in(
    *,
    username: str,
    worker: Any = None,
    succeeded: bool,
    ip_address: str | None = None,
    while_locked: bool = False,
) -> SignInEvent:
    return write_event(
        SignInEvent,
        username=username[:150],
        worker=worker,
        succeeded=succeeded,
        while_locked=while_locked,
        ip_address=ip_address or None,
    )


# The record type of the change row that says a worker signed in at the command line, and
# to run what (``record_command_line``): its id is the sign-in's own (none for a command run
# unattended, as the system account).
COMMAND_LINE = "access.commandline"
# Said in that row: where the work came from.
VIA_COMMAND_LINE = "command line"


def record_command_line(
    *, actor: Any, sign_in: SignInEvent | None, command: str, login_name: str
) -> ChangeEvent:
    """Record that ``actor`` signed in at the command line (``sign_in``, their password
    checked there) to run ``command``, and the computer's login name it ran under
    (``login_name``): the work the command does is in the trail under ``actor``'s name, and
    this row tells it from work done on the site, and who at the computer did it. With no
    ``sign_in``, the command ran unattended (a timer's daily purge) as the system account,
    which signs in nowhere: the row says so, and under which login name."""
    after = {"via": VIA_COMMAND_LINE, "command": command, "login_name": login_name}
    if sign_in is None:
        after["unattended"] = "yes"
    with transaction.atomic():
        return write_event(
            ChangeEvent,
            actor=actor,
            action=ChangeAction.CREATE,
            record_type=COMMAND_LINE,
            record_id=str(sign_in.pk) if sign_in is not None else "",
            before={},
            after=after,
            people="",
        )


def settle_sign_in(attempt: SignInEvent, *, worker: Any) -> None:
    """Mark a sign-in attempt (written as failed before the password was checked) as the
    worker's success, and put that outcome in the hash chain: the attempt's own row was
    sealed before it was known, so the settlement is a change row of its own, which the
    verifier holds the attempt to."""
    with transaction.atomic():
        SignInEvent.objects.filter(pk=attempt.pk).update(succeeded=True, worker=worker)
        write_event(
            ChangeEvent,
            actor=worker,
            action=ChangeAction.UPDATE,
            record_type=chain_verify.SIGN_IN,
            record_id=str(attempt.pk),
            before={"succeeded": False},
            after={"succeeded": True, "worker_id": worker.pk},
        )
    attempt.succeeded, attempt.worker = True, worker


# How many of a verification's problems a run keeps for the page (the command prints all).
KEPT_PROBLEMS = 100


def record_verification(
    *, by: Any = None, since: dt.date | None = None, heads_text: str = ""
) -> tuple[chain_verify.Result, ChainCheck]:
    """Verify the trail's hash chain now (against exported day heads, when given) and keep
    the outcome as the "last verified" the chain page shows: the command line and the demo.
    A heads file that cannot be read raises ``ValueError`` naming its line, before anything
    is checked or written."""
    heads = chain.parse_heads(heads_text) if heads_text else []
    started = clock.now()
    result = chain_verify.verify(since=since, heads=heads)
    with transaction.atomic():
        check = ChainCheck.objects.create(at=started, by=by, since=since)
        _finish(check, result)
    return result, check


def verification_request(*, by: Any) -> ChainCheck:
    """A worker asks for the whole chain to be verified (from the chain page), or the system
    does (``by=None``: the demo's first check): recorded, a worker's request logged as a read
    of the trail, then run in the background (a walk of a million rows takes longer than a
    page should)."""
    from locus.audit.tasks import verify_chain

    with transaction.atomic():
        check = ChainCheck.objects.create(at=clock.now(), by=by)
        if by is not None:
            record_access(
                actor=by,
                record_type="audit.chain",
                action=AccessAction.SEARCH,
                detail={"verification": check.pk},
            )
    verify_chain.enqueue(check.pk)
    check.refresh_from_db()
    return check


def verification_run(check_id: int) -> int:
    """Run the verification ``check_id`` asked for (the background task); returns how many
    problems it found. A check already finished is left as it is."""
    check = ChainCheck.objects.filter(pk=check_id, finished_at__isnull=True).first()
    if check is None:
        return 0
    result = chain_verify.verify()
    with transaction.atomic():
        _finish(check, result)
    return check.problem_count


def _finish(check: ChainCheck, result: chain_verify.Result) -> None:
    check.finished_at = clock.now()
    check.rows = result.rows
    check.heads_checked = result.heads_checked
    check.problem_count = len(result.problems)
    check.problems = [p.as_dict() for p in result.problems[:KEPT_PROBLEMS]]
    check.save()
