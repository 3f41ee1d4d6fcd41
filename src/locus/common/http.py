"""Request type for views behind the sign-in middleware."""

from __future__ import annotations

from django.http import HttpRequest

from locus.access.models import Worker


class AuthedRequest(HttpRequest):
    """Every page but sign-in runs after LoginRequiredMiddleware, so ``user`` is a Worker."""

    user: Worker
