"""The per-token read limits (docs/api.md): django-ninja's own rate throttle, one count per
limit, keyed by the token, kept in the shared cache (settings CACHES: the database by
default, so every app server counts the same reads), timed by Locus's clock."""

from __future__ import annotations

import threading

from django.http import HttpRequest
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from locus.access import api as rules
from locus.api.models import ApiToken
from locus.api.services import token_refused
from locus.common import clock


class _Count(SimpleRateThrottle):
    """ninja's count of one token's reads within one limit's period (the times of the reads
    still in it, in the cache). A read is added by ``add`` once every limit allowed it, so a
    read refused by the minute's limit does not use up the day's."""

    def __init__(self, limit: rules.ReadLimit) -> None:
        self.limit = limit
        self.scope = f"locus-api-{limit.name}"
        super().__init__(f"{limit.reads}/{limit.seconds}s")

    def timer(self) -> float:
        # The clock's time, as the sign-in lockout's is, so a test moves it on.
        return clock.now().timestamp()

    def get_cache_key(self, request: HttpRequest) -> str:
        token: ApiToken = request.api_token  # type: ignore[attr-defined]
        return self.cache_format % {"scope": self.scope, "ident": token.pk}

    def throttle_success(self) -> bool:
        return True  # not counted yet: see add

    def add(self) -> None:
        super().throttle_success()

    def wait(self) -> float | None:
        """Seconds until the token may read again under this limit. ninja gives none when the
        count is over the limit (not just at it), as after the limit was lowered: then it is
        until enough of the newest reads have left the period."""
        waited = super().wait()
        if waited is not None or self.num_requests is None or self.duration is None:
            return waited
        # The history is newest first; the read at the limit's place must leave the period.
        return self.duration - (self.now - self.history[self.num_requests - 1])


class TokenReadThrottle(BaseThrottle, threading.local):
    """Every read through a token, against each of ``rules.read_limits()`` (read from the
    settings at each request, so a changed setting applies at once). A refusal is audited
    once a period (``token_refused``).

    ninja asks for the wait after the decision, of the same object, and one object serves
    every request of the process: the decision is kept per thread (``threading.local``), or
    two threads' requests would mix."""

    refused: list[_Count]

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        self.refused = []
        if token is None:
            return True  # not a token's read (ninja checks the token before this)
        counts = [_Count(limit) for limit in rules.read_limits()]
        self.refused = [count for count in counts if not count.allow_request(request)]
        if not self.refused:
            for count in counts:
                count.add()
            return True
        # Which limits refused, for the 429's message (errors.py).
        request.api_refused = [count.limit for count in self.refused]  # type: ignore[attr-defined]
        for count in self.refused:
            token_refused(token=token, limit=count.limit)
        return False

    def wait(self) -> float | None:
        """Seconds until every limit that refused has room again (ninja's Retry-After)."""
        waits = [wait for count in self.refused if (wait := count.wait()) is not None]
        return max(waits, default=None)
