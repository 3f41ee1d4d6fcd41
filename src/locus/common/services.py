"""Small helpers every service uses: collecting errors, checking dates and permissions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed

M = TypeVar("M", bound=Model)


class Problems:
    """Collects validation messages by field, then raises them all at once.

    Users fix a form in one go when they see every problem, not the first.
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.errors[field].append(message)

    def check(self, ok: bool, field: str, message: str) -> None:
        if not ok:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(dict(self.errors))


def clean_text(
    problems: Problems, field: str, value: str, *, missing: str, limit: int, what: str
) -> str:
    """``value`` stripped, checked as given (``missing`` says what to enter) and at most
    ``limit`` characters long (``what`` names it in the message)."""
    value = value.strip()
    problems.check(bool(value), field, missing)
    problems.check(len(value) <= limit, field, f"The {what} must be {limit} characters or fewer")
    return value


def today() -> dt.date:
    """Today as the clock reads it (kept here because many services import it from here)."""
    return clock.today()


# A mistyped year (0025, 1025) is a real date to a form, and nothing Locus records is that
# old: a period's start has the floor that a date of birth and an incident have.
FIRST_YEAR = 1900


def check_period(
    problems: Problems,
    start: dt.date | None,
    end: dt.date | None,
    *,
    start_field: str = "start",
    end_field: str = "end",
    allow_future_start: bool = False,
    start_on_record: bool = False,
) -> None:
    """A start from 1900 on, not in the future, and an end (if any) on or after it, not in
    the future. The end needs no floor of its own: it is on or after the start.

    An end date takes effect at once (the scopes read a period with an end as
    closed), so a planned end is recorded on the day, not in advance.
    ``start_on_record``: the start is the one already held (a period being ended), so the
    floor is not asked of it: a period recorded before there was one can still be ended.
    """
    if start is None:
        problems.add(start_field, "Enter a start date")
        return
    if not allow_future_start and start > today():
        problems.add(start_field, "The start date must not be in the future")
    elif start.year < FIRST_YEAR and not start_on_record:
        problems.add(start_field, f"The start date must be after {FIRST_YEAR}")
    if end is not None and end < start:
        problems.add(end_field, "The end date must be on or after the start date")
    elif end is not None and end > today():
        problems.add(end_field, "The end date must not be in the future")


def check_none_open(
    problems: Problems, end: dt.date | None, open_rows: QuerySet, field: str, message: str
) -> None:
    """A new period left open (no ``end``) may not stand beside one already open."""
    if end is None:
        problems.check(not open_rows.exists(), field, message)


def require(allowed: bool, what: str) -> None:
    """Raise :class:`NotPermitted` unless ``allowed``."""
    if not allowed:
        raise NotPermitted(what)


def permitted(predicate: Callable[..., bool], *args: Any) -> None:
    require(predicate(*args), getattr(predicate, "__name__", "not permitted"))


def lock(obj: M, *, fields: list[str] | None = None) -> M:
    """Read ``obj`` afresh, holding its row until the service's transaction ends, and
    return it: a page loaded before someone else ended or decided the record must not
    then end or decide it again. A second caller waits, then sees the record as the
    first left it, so the state checks that follow refuse it.

    Call first inside the service's transaction, before any check on the row's state.
    ``fields``: only these are read afresh (the row is held all the same). The only
    place a service holds a row it has in hand (a guard test keeps it so).

    The records the caller had loaded with ``obj`` (its ``select_related``) are read
    afresh with it, in the same read: a refused write draws its page again from them,
    instead of the page loading each anew. Only ``obj``'s own row is held.
    """
    rows = type(obj)._default_manager.select_for_update(of=("self",))
    if fields is None and (loaded := _loaded_with(obj)):
        rows = rows.select_related(*loaded)
    obj.refresh_from_db(from_queryset=rows, fields=fields)
    return obj


def _loaded_with(obj: Model, prefix: str = "", depth: int = 3) -> list[str]:
    """The forward relations loaded on ``obj`` (and on those, in turn), as
    ``select_related`` names them."""
    paths: list[str] = []
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.is_cached(obj):  # type: ignore[attr-defined]
            path = f"{prefix}{field.name}"
            related = field.get_cached_value(obj)  # type: ignore[attr-defined]
            deeper = (
                _loaded_with(related, f"{path}__", depth - 1)
                if related is not None and depth > 1
                else []
            )
            paths += deeper or [path]
    return paths


def close_period(
    *,
    actor: Any,
    obj: Model,
    end: dt.date,
    start_field: str = "start",
    end_field: str = "end",
    already_ended: str,
    problems: Problems | None = None,
    also: dict[str, Any] | None = None,
) -> Any:
    """End an open period (an episode, allocation, enrolment, relationship...).

    History is kept: the row stays, with its end date, and the change is
    audited. Call inside the service's transaction, after its permission check: the row
    is locked and read afresh here, so a period ended meanwhile is refused, not ended again.
    ``problems``: those the caller already found (a missing reason), reported with these;
    ``also``: more fields written with the end (its reason).
    """
    problems = problems if problems is not None else Problems()
    lock(obj)
    problems.check(getattr(obj, end_field) is None, end_field, already_ended)
    check_period(
        problems,
        getattr(obj, start_field),
        end,
        start_field=start_field,
        end_field=end_field,
        start_on_record=True,
    )
    problems.raise_if_any()
    return write_fields(actor, obj, ChangeAction.END, {end_field: end, **(also or {})})


def write_fields(
    actor: Any,
    obj: M,
    action: ChangeAction,
    fields: dict[str, Any],
    *,
    state: Callable[[Any], dict[str, Any]] = snapshot,
) -> M:
    """Write already-checked ``fields`` onto ``obj``, saving those columns only, and audit
    the change as ``action``; ``state`` reads the row as the trail keeps it.

    Call inside the service's transaction, after its permission and validation.
    """
    before = state(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))
    record_change(actor=actor, action=action, obj=obj, before=before, after=state(obj))
    return obj


def check_known_fields(service: str, changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """A programming error, not a user's: a caller named a field the service does not change."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{service} got unknown fields: {sorted(unknown)}")


def recorded(actor: Any, by: str = "recorded_by", at: str = "recorded_at") -> dict[str, Any]:
    """Who wrote a new row and when: ``recorded_by`` and ``recorded_at``, or the pair as
    the model names it (``added_by`` and ``added_at``, ``requested_by``...)."""
    return {by: actor, at: clock.now()}


def create_audited(actor: Any, model: type[M], /, **fields: Any) -> M:
    """Write an already-validated new row and audit its creation.

    Call inside the service's transaction, after its permission and validation.
    """
    obj = model._default_manager.create(**fields)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=obj)
    return obj


def save_changes(*, actor: Any, obj: Model, fields: dict[str, Any]) -> Any:
    """Write already-validated ``fields`` onto ``obj`` and audit what changed.

    Call inside the service's transaction, after its permission and validation.
    """
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=obj, before=before, after=snapshot(obj)
    )
    return obj


def first_recorded(actor: Any) -> dict[str, Any]:
    """The stamp of a new person's or context's record: created now, by ``actor``, in the
    team ``actor`` is in now. The team is kept on the row: it grants sight (its agency, a
    home's holding team), and moving the recorder later must not move that sight."""
    return {"created_at": clock.now(), "recorded_by": actor, "recorded_in_team_id": actor.team_id}


def create_checked(actor: Any, model: type[M], problems: Problems, fields: dict[str, Any]) -> M:
    """Once validation found no ``problems``, write a new row of ``fields``, stamped as
    first recorded by ``actor`` (:func:`first_recorded`), and audit it (a person's or a
    context's record)."""
    problems.raise_if_any()
    return create_audited(actor, model, **first_recorded(actor), **fields)


def save_checked(actor: Any, obj: M, problems: Problems, fields: dict[str, Any]) -> M:
    """Once validation found no ``problems``, write ``fields`` onto ``obj``, audited."""
    problems.raise_if_any()
    return save_changes(actor=actor, obj=obj, fields=fields)


# Amending a record while keeping what it said before (an incident, a safety map's mark).


def amend_keeping_history(
    actor: Any,
    obj: M,
    changed: dict[str, Any],
    history: type[Model],
    /,
    *,
    kept: tuple[str, ...],
    by: str,
    at: str,
    **fields: Any,
) -> M:
    """Keep ``obj``'s ``kept`` fields as they stand in a new ``history`` row, with
    ``fields`` (the link to ``obj``, the reason) and who amended it when (named ``by`` and
    ``at``), then write ``changed`` onto ``obj``; both audited.

    Call inside the service's transaction, after its permission and validation.
    """
    create_audited(
        actor,
        history,
        **fields,
        **{name: getattr(obj, name) for name in kept},
        **recorded(actor, by, at),
    )
    return write_fields(actor, obj, ChangeAction.UPDATE, changed)


# The reason a service asks for (an amendment, a removal, a lifted hold), checked one way.


def clean_reason(problems: Problems, reason: str, *, missing: str, limit: int) -> str:
    """The ``reason`` field's text, stripped and checked as :func:`clean_text` checks it."""
    return clean_text(problems, "reason", reason, missing=missing, limit=limit, what="reason")
