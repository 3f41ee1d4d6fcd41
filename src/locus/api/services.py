"""Writes about API tokens: create, revoke (the holder's own, or any by an administrator),
end them all (a password change, a second-factor reset, a deactivation), the stamp of a
token's last use, the count of its reads against its limits, and the trail's note of a token
refused for reading too fast."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from locus.access import api as rules
from locus.access.models import Worker
from locus.api.models import ApiReadCount, ApiToken
from locus.audit.models import AccessAction, AccessEvent, ChangeAction
from locus.audit.services import record_access, record_change
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted
from locus.common.services import Problems, clean_text, permitted
from locus.notifications.models import NotificationKind
from locus.notifications.services import MAX_TEXT, notify, on_day
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import Basis

NAME_LIMIT = 100
# Every token has an expiry date, at most a year away: a token nobody remembers (a
# dashboard's, say, after its maker moved on) stops by itself.
MAX_DAYS = 366
# How many working tokens (neither revoked nor expired) a worker may hold at once. The read
# limits are per token, so each token more would be another allowance of reads.
MAX_LIVE_TOKENS = 5
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
    A worker holds at most ``MAX_LIVE_TOKENS`` working tokens: the read limits are per
    token, and a worker with many would read that many times as fast.
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
    # The worker's row held until this transaction ends: two tokens made at once are counted
    # one after the other, so they cannot both be the fifth.
    Worker.objects.select_for_update().filter(pk=actor.pk).first()
    held = rules.working_tokens().filter(worker=actor).count()
    problems.check(
        held < MAX_LIVE_TOKENS,
        "__all__",
        f"You have {held} working tokens and a worker may hold at most {MAX_LIVE_TOKENS}: "
        "revoke one you no longer need before making another",
    )
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
    sharing-register row, and on the token for its holder's tokens page. The holder is told who
    revoked it and when, and that their tokens page says why: not the reason itself, as free
    text stays out of notifications."""
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
        text=_revoked_text(token, actor),
    )
    return token


def _revoked_text(token: ApiToken, actor: Worker) -> str:
    """What the holder is told: which token (its prefix), by whom and when, and where to read
    why. Neither the reason nor the token's name: free text stays out of notifications."""
    assert token.revoked_at is not None  # just revoked
    when = on_day(clock.day_of(token.revoked_at))
    text = (
        f"Your API token {token.prefix} was revoked by {str(actor)[:60]} on {when}: "
        "why is on your API tokens page"
    )
    return text[:MAX_TEXT]


def _end(actor: Worker, token: ApiToken, note: str, *, reason: str = "") -> ApiToken:
    before = token_trail(token)
    token.revoked_at = clock.now()
    token.revoked_reason = reason
    token.save(update_fields=["revoked_at", "revoked_reason"])
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


# How long a window's count is kept: the day's window and the one before it, whatever the
# time of day, so a table of counts stays a few rows a token.
COUNTS_KEPT = dt.timedelta(days=2)


def token_read_counted(
    *, token: ApiToken, limits: list[rules.ReadLimit], now: dt.datetime
) -> list[rules.ReadLimit]:
    """Count one read of ``token`` at ``now`` against each of ``limits``, in order; the limits
    that refused it (none: the read is counted and may go ahead).

    A read refused by one limit uses up none: what the limits before it took is given back,
    and the limits after it are only looked at, not counted (so the refusal names every
    limit the token is past). Each count goes up by one statement that checks and adds at
    once, not a read and a write: reads served in parallel are each counted, and no more of
    them pass than a limit allows.

    Not audited and not one transaction: a count is no record, and each statement is
    atomic by itself, so a token's parallel reads wait on its count row for one statement,
    not for the whole decision. The refusal goes to the trail (``token_refused``)."""
    taken: list[tuple[rules.ReadLimit, dt.datetime]] = []
    refused: list[rules.ReadLimit] = []
    for limit in limits:
        start, _ = limit.window(now)
        if refused:
            if _window_count(token, limit, start) >= limit.reads:
                refused.append(limit)
        elif _take(token, limit, start):
            taken.append((limit, start))
        else:
            refused.append(limit)
    if refused:
        for limit, start in taken:
            _in_window(token, limit, start).update(count=models.F("count") - 1)
    return refused


def _in_window(
    token: ApiToken, limit: rules.ReadLimit, start: dt.datetime
) -> models.QuerySet[ApiReadCount]:
    return ApiReadCount.objects.filter(token=token, limit=limit.name, window_start=start)


def _window_count(token: ApiToken, limit: rules.ReadLimit, start: dt.datetime) -> int:
    return _in_window(token, limit, start).values_list("count", flat=True).first() or 0


def _take(token: ApiToken, limit: rules.ReadLimit, start: dt.datetime) -> bool:
    """Add one read to the window's count if it has room: whether it had. The check and the
    addition are one UPDATE, so two reads at once cannot both take the last place."""
    window = _in_window(token, limit, start)
    if window.filter(count__lt=limit.reads).update(count=models.F("count") + 1):
        return True
    if window.exists():
        # Full, or made by another read since the UPDATE looked (a first read of the window
        # in parallel): asking again tells, still in one statement.
        return bool(window.filter(count__lt=limit.reads).update(count=models.F("count") + 1))
    try:
        with transaction.atomic():  # a savepoint: a failed INSERT leaves the caller's work
            ApiReadCount.objects.create(token=token, limit=limit.name, window_start=start, count=1)
    except IntegrityError:
        # Another read made the window's row between the look and the INSERT: count on it.
        return bool(window.filter(count__lt=limit.reads).update(count=models.F("count") + 1))
    # A new window's first read (once a minute at most): the token's old counts go.
    ApiReadCount.objects.filter(token=token, window_start__lt=start - COUNTS_KEPT).delete()
    return True


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
