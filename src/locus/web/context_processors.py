"""What every page needs to say about the signed-in worker's own situation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from locus.access import break_glass
from locus.access.menu import menu_for
from locus.signin.middleware import shows_own_pages
from locus.web.navigation import links_for


def break_glass_open(request: HttpRequest) -> dict[str, Any]:
    """The worker's open break-glass sight, for the banner every page carries while it lasts.

    Lazy, so a response that renders no page (a redirect, JSON) costs no query, and
    nobody who never breaks glass (auditors, administrators) costs one either.
    """
    user = getattr(request, "user", None)
    if user is None or not shows_own_pages(request) or not break_glass.in_a_requesting_role(user):
        return {}
    return {"break_glass_open": SimpleLazyObject(lambda: break_glass.open_uses(user))}


def menu(request: HttpRequest) -> dict[str, Any]:
    """What the worker's pages offer them (``access.menu``): templates ask it, not the role."""
    user = getattr(request, "user", None)
    if user is None or not shows_own_pages(request):
        return {}
    menu = menu_for(user)
    match = request.resolver_match
    here = (match.url_name or "") if match else ""
    # Lazy: a response that draws no page (a redirect, a download) reverses no url.
    return {"menu": menu, "navigation": SimpleLazyObject(lambda: links_for(menu, here))}
