"""The unread count in every page's header."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from locus.notifications.selectors import unread_count
from locus.signin.middleware import fully_signed_in


def unread(request: HttpRequest) -> dict[str, Any]:
    """The signed-in worker's unread count: loaded with the worker (``counts``), so no query;
    for a worker loaded otherwise, a callable that counts only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not fully_signed_in(request):
        return {}
    loaded = getattr(user, "unread_notifications", None)
    return {"notifications_unread": partial(unread_count, user) if loaded is None else loaded}
