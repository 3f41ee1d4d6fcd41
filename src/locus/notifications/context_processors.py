"""The unread count in every page's header."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from locus.notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """A callable, so the COUNT runs only on a page that shows it (a template calls it once,
    in ``base.html``), and a redirect or a file costs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": partial(unread_count, user)}
