"""Writes about API tokens: create, revoke (the holder's own, or any by an administrator),
end them all (a password change, a second-factor reset, a deactivation), the stamp of a
token's last use, and the trail's note of a token refused for reading too fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from locus.access import api as rules
from locus.access.models import Worker
from locus.api.models import ApiToken
from locus.audit.models import AccessAction, AccessEvent, ChangeAction
from locus.audit.services import record_access, record_change
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted
from locus.common.services import Problems, clean_text, permitted
from locus.notifications.models import NotificationKind
from locus.notifications.services import MAX_TEXT, notify
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import Basis

NAME_LIMIT = 100
# Every token has an expiry date, at most a year away: a token nobody remembers (a
# dashboard's, say, after its maker moved on) stops by itself.
MAX_DAYS = 366
# An administrator's reason for revoking someone's token: it is the end note of the token's
# sharing-register row (120 characters, with REVOKED_BY_ADMIN before it).
REASON_LIMIT = 90
REVOKED_BY_ADMIN = "Revoked by an administrator: "
# The note on each token a password change ends (the change trail and the register).
PASSWORD_CHANGED = "Password changed"  # noqa: S105 (a note, not a password)
# ... and on each token of a worker made inactive.
DEACTIVATED = "Worker deactivated"
REACTIVATED = "Worker made active again"
# ... and on each token of a worker whose sight changed: a token reads with its holder's sight
# at the time of each read, and was registered as a sharing within the sight they had then.
SIGHT_CHANGED = "Worker's role, scope or team changed"
TEAM_CHANGED = "Worker's team changed agency or independence"
AGENCY_CHANGED = "Worker's agency changed kind"


def token_trail(token: ApiToken) -> dict[str, object]:
    """What the trail keeps of a token: never its hash (nor, of course, its secret)."""
    return {
        "worker_id": token.worker_id,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _said(problems: Problems, field: str, value: str | None, missing: str, limit: int) -> str:
    """A line the worker must write (a token's name, a revocation's reason), stripped."""
    return clean_text(problems, field, value or "", missing=missing, limit=limit, what=field)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the worker once, then gone: only its hash is kept


@transaction.atomic
def token_create(
    *,
    actor: Worker,
    name: str,
    basis: Basis,
    purpose: str,
    expires_on: dt.date | None,
) -> NewToken:
    """A new token for ``actor`` themselves (nobody makes one for another worker).

    A token lets a program outside Locus read what the worker sees, so it is a sharing:
    its lawful basis and purpose go to the sharing register, until the token expires.
    """
    permitted(rules.can_hold_tokens, actor)
    problems = Problems()
    name = _said(problems, "name", name, "Enter a name for the token", NAME_LIMIT)
    today = clock.today()
    if expires_on is None:
        problems.add("expires_on", "Enter the expiry date")
    else:
        problems.check(expires_on > today, "expires_on", "The expiry date must be in the future")
        problems.check(
            expires_on <= today + dt.timedelta(days=MAX_DAYS),
            "expires_on",
            f"The expiry date must be within {MAX_DAYS} days",
        )
    sharing.check_share(problems, basis, purpose)
    problems.raise_if_any()
    assert expires_on is not None  # checked above
    secret = rules.new_secret()
    # It works to the end of the day given, in the borough's time (midnight after it).
    next_day = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min)
    expires_at = timezone.make_aware(next_day)
    token = ApiToken.objects.create(
        worker=actor,
        name=name,
        prefix=rules.shown_prefix(secret),
        secret_hash=rules.secret_hash(secret),
        created_at=clock.now(),
        expires_at=expires_at,
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=token, after=token_trail(token))
    sharing.record_share(
        actor=actor,
        kind=ShareKind.API_TOKEN,
        basis=basis,
        purpose=purpose,
        what=["Records through the JSON API, within the worker's own sight"],
        record_ref=f"API token {token.prefix}: {name}",
        source=token,
        recipients=[sharing.To(name=f"The program using the token {name!r}, held by {actor}")],
        until=expires_at,
        until_note="Token expiry",
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, actor: Worker, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens, recording when; it stops working at once."""
    if token.worker_id != actor.pk:
        raise NotPermitted("Not found")
    permitted(rules.can_revoke, actor, token)
    return _end(actor, token, "Token revoked")


@transaction.atomic
def token_revoke_any(*, actor: Worker, token: ApiToken, reason: str) -> ApiToken:
    """An administrator revokes another worker's live token (a worker leaving, a token seen
    in a log), with a reason: kept in the change trail and as the end note of the token's
    sharing-register row. The holder is told who revoked it and why."""
    permitted(rules.can_revoke_any, actor)
    problems = Problems()
    reason = _said(problems, "reason", reason, "Enter why the token is revoked", REASON_LIMIT)
    problems.raise_if_any()
    token = ApiToken.objects.select_for_update().select_related("worker").get(pk=token.pk)
    if token.revoked_at is not None:
        raise InvalidTransition("This token has already been revoked")
    _end(actor, token, REVOKED_BY_ADMIN + reason, reason=reason)
    notify(
        token.worker,
        NotificationKind.API_TOKEN_REVOKED,
        actor=actor,
        about=token,
        url=reverse("api-tokens"),
        text=_revoked_text(token, actor, reason),
    )
    return token


def _revoked_text(token: ApiToken, actor: Worker, reason: str) -> str:
    """What the holder is told: which token (its prefix, and its name if it fits), by whom,
    and why."""
    text = f"Your API token {token.prefix} ({token.name}) was revoked by {actor}: {reason}"
    if len(text) > MAX_TEXT:
        text = f"Your API token {token.prefix} was revoked by {actor}: {reason}"
    return text[:MAX_TEXT]


def _end(actor: Worker, token: ApiToken, note: str, *, reason: str = "") -> ApiToken:
    before = token_trail(token)
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    sharing.end_shares(actor=actor, source=token, note=note)
    after = {**token_trail(token), "reason": reason or note}
    record_change(actor=actor, action=ChangeAction.END, obj=token, before=before, after=after)
    return token


def tokens_end(*, actor: Worker, worker: Worker, note: str) -> int:
    """End every token ``worker`` still holds, in the caller's transaction: their password
    changed or their second factor is being reset (whoever held the account may have made
    one), or they were made inactive. Each end is in the change trail and closes its
    sharing-register row with ``note``. Returns how many."""
    live = ApiToken.objects.select_for_update().filter(worker=worker, revoked_at__isnull=True)
    return len([_end(actor, token, note) for token in live.order_by("id")])


def token_used(token: ApiToken) -> None:
    """Stamp the token's last use (to the minute: one write a minute, not one a request).

    Not audited as a change: the reads it made are in the trail, each with the token's
    prefix, which says the same thing better."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def token_refused(*, token: ApiToken, limit: rules.ReadLimit) -> AccessEvent | None:
    """Record in the access trail that ``token`` was refused for reading past ``limit``: as
    its worker, naming the token (its id, and its prefix in the detail) and the limit. Once
    per token and limit in the limit's period (``rules.first_refusal``), not once a refused
    request, so a program hammering on cannot flood the trail. None when already recorded."""
    if not rules.first_refusal(token.pk, limit):
        return None
    return record_access(
        actor=token.worker,
        obj=token,
        action=AccessAction.REFUSED,
        detail={"via": "api", "token": token.prefix, "limit": f"{limit.reads} {limit.period}"},
    )
