"""The JSON API at /api/v1/ (docs/api.md): read endpoints, a bearer token each, one error
body, and the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from locus.access.scopes import lasting_sight_only
from locus.api import errors
from locus.api.auth import TokenAuth
from locus.api.endpoints import router
from locus.api.throttling import TokenReadThrottle

api = NinjaAPI(
    title="Locus API",
    version="1",
    description=(
        "Read access to Locus records as the worker a token belongs to: the same people, "
        "fields and names the pages show that worker, every read logged. See docs/api.md."
    ),
    auth=TokenAuth(),
    # Each token's reads per minute and per day (settings LOCUS_API_RATE_*): after the token
    # check, so a request without a working token is refused (401) before it is counted.
    throttle=TokenReadThrottle(),
    # Swagger UI from ninja's own static files (no CDN): the page's scripts are files under
    # /static/, which the content security policy allows; it loads no inline script.
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/", router)


def _json_refusal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method an endpoint has not with Django's plain-text 405: give the API's
    one error body instead (keeping the Allow header)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = errors.error_response(api, request, 405, "Method not allowed")
            response["Allow"] = allowed
        return response

    return wrapped


def _lasting_sight(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every read of the API is made with the worker's lasting sight only
    (``scopes.lasting_sight_only``): a program keeps what it reads, as an export does, so a
    child the worker sees only through emergency access (and what is reached through them)
    is not found there, though the pages show them while it lasts."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with lasting_sight_only():
            return view(request, *args, **kwargs)

    return wrapped


def _not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under the API: the API's 404 body, not the site's page."""
    return errors.error_response(api, request, 404, errors.NOT_FOUND)


# Not named app_name: Django would take a module-level app_name for this module's namespace.
_patterns, _app, _namespace = api.urls
for pattern in _patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _json_refusal(_lasting_sight(pattern.callback))

urlpatterns: list[URLPattern | URLResolver] = [
    path("", (_patterns, _app, _namespace)),
    re_path(r"^(?P<rest>.*)$", _not_found),
]
