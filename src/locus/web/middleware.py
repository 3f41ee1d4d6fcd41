"""Request middleware: sign-in everywhere, and a strict Content Security Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# No inline script or style and nothing from another origin: every script is a
# vendored or own file under /static/, so an injected <script> cannot run.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PUBLIC_PREFIXES = ("/sign-in/", "/static/", "/healthz")
# The JSON API authenticates each request by its bearer token (locus.api.auth) and answers
# 401 in JSON itself: a redirect to a sign-in form means nothing to a program.
TOKEN_PREFIXES = ("/api/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        # Records about children must not linger in shared or browser caches.
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class LoginRequiredMiddleware:
    """Every page but sign-in needs a signed-in worker: safe by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and SESSION_KEY in request.session:
            # Signed in as a worker who may no longer sign in (made inactive some other way
            # than the admin's form, which signs them out): ended here, or making them active
            # again would sign this browser back in, past its second factor.
            request.session.flush()
        if not request.user.is_authenticated and not request.path.startswith(
            PUBLIC_PREFIXES + TOKEN_PREFIXES
        ):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class DomainErrorMiddleware:
    """Maps domain errors to responses in one place: NotPermitted looks like 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from locus.common.errors import NotPermitted
        from locus.web.views import not_found

        if isinstance(exception, NotPermitted):
            return not_found(request, exception)
        return None
