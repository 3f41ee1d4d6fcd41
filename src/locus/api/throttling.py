"""The per-token read limits (docs/api.md): django-ninja's throttle interface, counted in
Locus's own table (``ApiReadCount``, by ``services.token_read_counted``) in fixed windows,
timed by Locus's clock.

Not ninja's ``SimpleRateThrottle``: it keeps each token's read times in the cache and reads,
checks and writes them back without a lock, so reads of one token served at once each see the
same count and each write back only their own read; a program reading in parallel went past
the limit by about as many reads as it ran at once. The table's count is checked and added to
in one statement, so every read is counted, however many arrive together."""

from __future__ import annotations

import datetime as dt
import threading

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from locus.access import api as rules
from locus.api.services import token_read_counted, token_refused
from locus.common import clock


class TokenReadThrottle(BaseThrottle, threading.local):
    """Every read through a token, against each of ``rules.read_limits()`` (read from the
    settings at each request, so a changed setting applies at once). A refusal is audited
    once a period (``token_refused``).

    ninja asks for the wait after the decision, of the same object, and one object serves
    every request of the process: the decision is kept per thread (``threading.local``), or
    two threads' requests would mix."""

    refused: list[rules.ReadLimit]
    now: dt.datetime

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        self.refused = []
        if token is None:
            return True  # not a token's read (ninja checks the token before this)
        # One "now" for the count and the wait, so both speak of the same windows.
        self.now = clock.now()
        self.refused = token_read_counted(token=token, limits=rules.read_limits(), now=self.now)
        if not self.refused:
            return True
        # Which limits refused, for the 429's message (errors.py).
        request.api_refused = self.refused  # type: ignore[attr-defined]
        for limit in self.refused:
            token_refused(token=token, limit=limit)
        return False

    def wait(self) -> float | None:
        """Seconds until every window that refused has ended (ninja's Retry-After)."""
        ends = [limit.window(self.now)[1] for limit in self.refused]
        return max(((end - self.now).total_seconds() for end in ends), default=None)
