"""Who may use the JSON API, and with which token (docs/api.md).

The API reads as the worker a token belongs to, through the same selectors and lookups as
the pages, so sight and field rules are the pages' own. What is decided here is only the
token: whose it is, whether it still works, and who may manage it.

* A token works while it is not revoked, not past its expiry, and its worker is active:
  deactivating a worker stops every token of theirs at once, with no second step.
* A token always has an expiry, at most ``MAX_DAYS`` ahead (api/services.py): a token
  nobody remembers stops by itself.
* A token is made only within ``FRESH_SIGN_IN`` seconds of signing in (password and second
  factor): a browser left signed in, or a session cookie taken from one, must not be enough
  to make a token that reads as the worker for up to a year after that session has ended.
* Only the token's own worker lists, names or revokes it from their tokens page; anyone
  else's token is "not found" to them, as a record they may not see is.
* An administrator (the IT administrator) lists every worker's live tokens and revokes any
  of them, with a reason (a worker leaving, a token seen in a log): the holder is told.
  Nobody else sees that list or that form (404). A password change, a second-factor reset
  and deactivating the worker end the worker's tokens too.
* Failed token attempts are counted per client address; past ``FAILED_LIMIT`` in
  ``FAILED_WINDOW`` seconds the address is refused (429) until the window passes, so
  guessing tokens is slow even though each secret has 256 bits.
* A working token reads at most ``LOCUS_API_RATE_PER_MINUTE`` times a minute and
  ``LOCUS_API_RATE_PER_DAY`` a day (``read_limits``), counted per token: one stolen or
  misused token cannot pull every record its worker sees in minutes. The counts are kept in
  fixed windows (the minute, the UTC day: ``ReadLimit.window``); past either limit, the
  token's reads are refused (429) until that window ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from locus.access.models import Worker
from locus.access.policies import is_administrator
from locus.api.models import ApiToken
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.common.ids import as_id

# Every token starts with this, so a secret pasted where it should not be is recognisable
# (and secret scanners can be told to look for it).
TOKEN_PREFIX = "locus_"  # noqa: S105 (a marker, not a secret)
SECRET_BYTES = 32
# The first characters of a token, kept in clear so a worker can tell their tokens apart.
SHOWN_CHARS = len(TOKEN_PREFIX) + 6
FAILED_LIMIT = 20
# How soon after signing in a worker may make a token (seconds).
FRESH_SIGN_IN = 15 * 60
FAILED_WINDOW = 300  # seconds


def new_secret() -> str:
    """A fresh token: the prefix and 32 random bytes, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """SHA-256 of the whole token, hex: what the table keeps (see ApiToken's docstring)."""
    if not isinstance(secret, str):
        raise ValueError("secret must be a string")
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def shown_prefix(secret: str) -> str:
    return secret[:SHOWN_CHARS]


def can_hold_tokens(worker: Worker) -> bool:
    """Any active worker may read the API as themselves (what they see is their scope's)."""
    return bool(worker.is_active)


def signed_in_recently(seconds_since_sign_in: float) -> bool:
    """Whether a sign-in that long ago is recent enough to make a token (``FRESH_SIGN_IN``)."""
    return 0 <= seconds_since_sign_in < FRESH_SIGN_IN


def token_works(token: ApiToken) -> bool:
    now = clock.now()
    return token.revoked_at is None and token.expires_at > now and bool(token.worker.is_active)


def working_tokens() -> QuerySet[ApiToken]:
    """Every token that works now, whoever's: ``token_works`` as a query."""
    return ApiToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=clock.now(), worker__is_active=True
    )


def worker_token(secret: str) -> ApiToken | None:
    """The working token ``secret`` is, with its worker; None for an unknown, revoked or
    expired token or a deactivated worker's (all alike to the caller)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("worker__team__agency")
        .filter(secret_hash=secret_hash(secret))
        .first()
    )
    # The hash is looked up by equality on a unique index: the lookup's time does not
    # depend on how much of a guess was right, so there is nothing to compare in constant
    # time here.
    return token if token is not None and token_works(token) else None


def access_token(worker: Worker, token_id: object) -> ApiToken:
    """One of ``worker``'s own tokens, or NotPermitted (404) for any other id."""
    pk = as_id(token_id)
    token = ApiToken.objects.filter(pk=pk, worker=worker).first() if pk else None
    if token is None:
        raise NotPermitted("Not found")
    return token


def can_revoke(worker: Worker, token: ApiToken) -> bool:
    return token.worker_id == worker.pk and token.revoked_at is None


def can_revoke_any(worker: Worker) -> bool:
    """List every worker's live tokens and revoke any of them (with a reason)."""
    return is_administrator(worker)


def access_any_token(worker: Worker, token_id: object) -> ApiToken:
    """A live token of any worker, for an administrator to revoke; NotPermitted (404) for
    anyone else, and for an id that is no live token."""
    if not can_revoke_any(worker):
        raise NotPermitted("Not found")
    pk = as_id(token_id)
    token = working_tokens().select_related("worker").filter(pk=pk).first() if pk else None
    if token is None:
        raise NotPermitted("Not found")
    return token


def _failed_key(address: str) -> str:
    return f"locus:api-failed:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def too_many_failures(address: str | None) -> bool:
    """Whether ``address`` has failed ``FAILED_LIMIT`` token attempts in the window."""
    return int(cache.get(_failed_key(address or "-"), 0)) >= FAILED_LIMIT


def count_failure(address: str | None) -> None:
    """Count one failed token attempt from ``address`` (the window starts at the first)."""
    key = _failed_key(address or "-")
    if cache.add(key, 1, FAILED_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between the add and the incr
        cache.add(key, 1, FAILED_WINDOW)


@dataclass(frozen=True)
class ReadLimit:
    """At most ``reads`` through one token in each fixed window of ``seconds`` (the clock's
    minute, the UTC day); ``period`` says it in words."""

    name: str
    reads: int
    seconds: int
    period: str

    def window(self, when: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The start and end of the window ``when`` falls in: windows start at whole
        multiples of ``seconds`` since the epoch, so every app server agrees on them."""
        stamp = math.floor(when.timestamp())
        start = dt.datetime.fromtimestamp(stamp - stamp % self.seconds, tz=dt.UTC)
        return start, start + dt.timedelta(seconds=self.seconds)


def read_limits() -> list[ReadLimit]:
    """The limits every token reads under, from the settings (read afresh each time)."""
    return [
        ReadLimit("minute", settings.LOCUS_API_RATE_PER_MINUTE, 60, "a minute"),
        ReadLimit("day", settings.LOCUS_API_RATE_PER_DAY, 24 * 60 * 60, "a day"),
    ]


def first_refusal(token_id: int, limit: ReadLimit) -> bool:
    """Whether a refusal of token ``token_id`` under ``limit`` is the first in that limit's
    period (and so goes to the audit trail): a program hammering past its limit must not be
    able to fill the trail with one row per refused request. Follows the clock, as the limit
    does."""
    key = f"locus:api-refused:{limit.name}:{token_id}"
    now = clock.now().timestamp()
    last = cache.get(key)
    if last is not None and now - float(last) < limit.seconds:
        return False
    cache.set(key, now, limit.seconds)
    return True
