"""Writing the audit trail.

Services call :func:`record_change` inside their own ``transaction.atomic``
block, so a change and its audit row commit or roll back together. Views call
:func:`record_access` for each record they show.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from locus.audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent, SignInEvent


def record_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if isinstance(value, dt.datetime | dt.date):
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
    if after is None:
        after = snapshot(obj) if action != ChangeAction.DELETE else {}
    before = dict(before or {})
    if action == ChangeAction.UPDATE or action == ChangeAction.END:
        before, after = diff(before, after)
    return ChangeEvent.objects.create(
        actor=actor,
        at=timezone.now(),
        action=action,
        record_type=record_type_of(obj),
        record_id=str(obj.pk),
        before=before,
        after=dict(after),
    )


def record_creations(*, actor: Any, objs: Iterable[models.Model], batch_size: int = 2000) -> int:
    """Audit many rows created by a bulk path (the demo generator, importers) in one go."""
    now = timezone.now()
    events = [
        ChangeEvent(
            actor=actor,
            at=now,
            action=ChangeAction.CREATE,
            record_type=record_type_of(obj),
            record_id=str(obj.pk),
            after=snapshot(obj),
        )
        for obj in objs
    ]
    ChangeEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(events)


def record_access(
    *,
    actor: Any,
    obj: models.Model | None = None,
    record_type: str = "",
    action: AccessAction = AccessAction.VIEW,
    purpose: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AccessEvent:
    """Log that ``actor`` read ``obj`` (or, for lists and searches, a ``record_type``).

    While the actor has break-glass sight open, the read is flagged with it; a read
    of the person it opened is a break-glass read, with the emergency as its purpose.
    """
    # Imported here: the sight rules import the domain models, which load after audit.
    from locus.access.break_glass import audit_flag, purpose_of

    record_type = record_type_of(obj) if obj is not None else record_type
    record_id = str(obj.pk) if obj is not None else ""
    detail = dict(detail or {})
    flag = audit_flag(actor, record_type, record_id, _people_in(detail))
    if flag is not None:
        detail["break_glass"] = flag.uses
        if flag.of_person is not None:
            action = AccessAction.BREAK_GLASS
            purpose = "; ".join(p for p in (purpose_of(flag.of_person), purpose) if p)
    return AccessEvent.objects.create(
        actor=actor,
        at=timezone.now(),
        action=action,
        record_type=record_type,
        record_id=record_id,
        purpose=purpose,
        detail=detail,
    )


def _people_in(detail: Mapping[str, Any]) -> list[Any]:
    """The person ids a page's log row lists as shown (``people_shown``, ``named``)."""
    ids: list[Any] = []
    for key in ("people_shown", "named"):
        value = detail.get(key)
        if isinstance(value, list | tuple | set):
            ids.extend(value)
    return ids


def record_sign_in(
    *,
    username: str,
    worker: Any = None,
    succeeded: bool,
    ip_address: str | None = None,
    while_locked: bool = False,
) -> SignInEvent:
    return SignInEvent.objects.create(
        username=username[:150],
        worker=worker,
        at=timezone.now(),
        succeeded=succeeded,
        while_locked=while_locked,
        ip_address=ip_address or None,
    )
