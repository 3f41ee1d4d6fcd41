"""The API's one way in: ``Authorization: Bearer <token>``.

No session: whatever cookie comes with a request, the API reads as the token's worker only
(``request.auth``), so a browser signed in to Locus cannot be made to call it (no CSRF)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from locus.access import api as rules
from locus.access.models import Worker
from locus.access.signin import client_ip
from locus.api.errors import RateLimited
from locus.api.services import token_used


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Worker | None:
        address = client_ip(request)
        found = rules.worker_token(token)
        if found is None:
            # Wrong tokens from one address are refused outright once over the limit. A right
            # token still passes: it is 32 random bytes, so telling right from wrong helps no
            # guess, and refusing it would let anyone behind the same address (a council
            # network's one outgoing address, a proxy) lock every program out.
            if rules.too_many_failures(address):
                raise RateLimited
            rules.count_failure(address)
            return None
        token_used(found)
        request.api_token = found  # type: ignore[attr-defined]
        return found.worker


def caller(request: HttpRequest) -> Worker:
    worker = request.auth  # type: ignore[attr-defined]
    assert isinstance(worker, Worker)
    return worker


def token_prefix(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    return token.prefix if token is not None else ""
