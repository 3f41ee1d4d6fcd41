"""No page without the second factor: after the password, the code (or setting one up)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from locus.signin.services import has_second_factor

# What a worker who has given only their password may still open.
OPEN_BEFORE_SECOND_FACTOR = (
    "/sign-in/",
    "/sign-out/",
    "/static/",
    "/healthz",
    "/second-factor/verify/",
    "/second-factor/enrol/",
    # The JSON API reads as a token's worker, never the session's (locus.api.auth).
    "/api/",
)
# Set when a worker signs in: whether they have a second factor, so that where one is
# optional (the demo) only those who set one up are asked, without a query per page.
HAS_SECOND_FACTOR = "locus_has_second_factor"


def remember_second_factor(sender: Any, request: HttpRequest | None, user: Any, **kw: Any) -> None:
    """``user_logged_in`` receiver (connected in the app config)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_SECOND_FACTOR] = has_second_factor(user)


# Set when a worker signs in: when (seconds since the epoch, by the wall clock).
SIGNED_IN_AT = "locus_signed_in_at"


def wall_clock() -> float:
    """Seconds since the epoch, by the machine's clock: a sign-in's age is real time, as the
    hour idle is (Django's session expiry). Not the project's clock (``locus.common.clock``),
    which is the casework's "now": the demo and the tests set it, a test moving it days on
    to see a review fall due, which says nothing of how long a browser has been signed in."""
    return time.time()


SESSION_ENDED = "You were signed out: a sign-in lasts {hours} hours at most. Sign in again."


def remember_sign_in_time(sender: Any, request: HttpRequest | None, user: Any, **kw: Any) -> None:
    """``user_logged_in`` receiver (connected in the app config)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = wall_clock()


class SessionLifetimeMiddleware:
    """A sign-in lasts ``LOCUS_SESSION_MAX_HOURS`` at most, however busy: the hour idle
    (``SESSION_COOKIE_AGE``) is renewed by every request, so a browser used once an hour
    (a shared office PC, a page that refreshes) would otherwise stay signed in for ever.
    A request after it signs the worker out, and the sign-in check that follows sends them
    to sign in, saying why. A session signed in before the time was kept starts counting
    now."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = wall_clock()
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            hours = settings.LOCUS_SESSION_MAX_HOURS
            if now - float(signed_in_at) >= hours * 3600:
                logout(request)
                messages.info(request, SESSION_ENDED.format(hours=f"{hours:g}"))
        return self.get_response(request)


def is_verified(request: HttpRequest) -> bool:
    """Whether this session passed a second factor (django-otp's OTPMiddleware says)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def second_factor_due(request: HttpRequest) -> bool:
    return settings.LOCUS_REQUIRE_OTP or bool(request.session.get(HAS_SECOND_FACTOR))


def fully_signed_in(request: HttpRequest) -> bool:
    """Signed in, and past the second factor where one is due: what every page's own parts
    (the menu, the emergency-access banner, the unread count) wait for. A password alone
    shows nothing about the worker's work, nor about a child."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return is_verified(request) or not second_factor_due(request)


def shows_own_pages(request: HttpRequest) -> bool:
    """Whether a page shows the worker's own parts (the menu, the emergency-access banner,
    the unread count): fully signed in, and not still to choose their own password in
    place of one an administrator set. Until then every other page sends them back to
    choose it, so the parts would offer only links that lead back there; and whoever knows
    the administrator's password learns nothing of the worker's work from them."""
    return fully_signed_in(request) and not getattr(request.user, "password_change_due", False)


# What a worker whose password an administrator set may open before choosing their own.
OPEN_BEFORE_OWN_PASSWORD = (*OPEN_BEFORE_SECOND_FACTOR, "/second-factor/password/")


class PasswordChangeDueMiddleware:
    """Runs after the second factor's: a worker whose password an administrator set (a
    temporary one, ``Worker.password_change_due``) chooses their own before any page, and
    the page they asked for waits in ``next``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            fully_signed_in(request)
            and getattr(request.user, "password_change_due", False)
            and not request.path.startswith(OPEN_BEFORE_OWN_PASSWORD)
        ):
            return redirect_to_login(request.get_full_path(), reverse("password-change-due"))
        return self.get_response(request)


class SecondFactorMiddleware:
    """Runs after the sign-in check, so an anonymous visitor is already on the sign-in page.

    A signed-in worker whose session has not passed a second factor is sent to enter a
    code, or to set one up when they have none; the page they asked for waits in ``next``.
    A reset takes effect at once: it ends the worker's sessions (``reset_second_factor``),
    so the next request is the sign-in page's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(OPEN_BEFORE_SECOND_FACTOR)
            and not is_verified(request)
            and second_factor_due(request)
        ):
            page = (
                "second-factor-verify" if has_second_factor(request.user) else "second-factor-enrol"
            )
            return redirect_to_login(request.get_full_path(), reverse(page))
        return self.get_response(request)
