"""The second-factor pages: the code after the password, setting one up, and the reset."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.access.services import own_password_chosen
from locus.access.signin import LOCKED_MESSAGE, client_ip
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import posted, show_refusal
from locus.signin.forms import CodeForm, OwnPasswordForm, ResetForm
from locus.signin.middleware import is_verified
from locus.signin.selectors import workers_with_second_factor
from locus.signin.services import (
    CodeCheck,
    Outcome,
    confirm_enrolment,
    has_second_factor,
    reset_second_factor,
    start_enrolment,
    verify_second_factor,
)

WRONG_CODE = "Enter a correct code"


def _next(request: AuthedRequest) -> str:
    """Where the worker was going: a page of this site only, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(page: str, request: AuthedRequest) -> HttpResponse:
    return redirect(f"{reverse(page)}?{urlencode({'next': _next(request)})}")


def _passed(request: AuthedRequest, device: Device | None) -> None:
    # A new session key as the session gains its second factor, as at the password.
    request.session.cycle_key()
    django_otp.login(request, device)


def _refused(form: CodeForm, result: CodeCheck) -> None:
    form.add_error("code", LOCKED_MESSAGE if result.outcome is Outcome.LOCKED else WRONG_CODE)


def verify(request: AuthedRequest) -> HttpResponse:
    if is_verified(request):
        return redirect(_next(request))
    if not has_second_factor(request.user):
        return _to("second-factor-enrol", request)
    form = CodeForm(
        posted(request),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        result = verify_second_factor(
            worker=request.user, code=form.cleaned_data["code"], ip_address=client_ip(request)
        )
        if result.outcome is Outcome.PASSED:
            _passed(request, result.device)
            if result.recovery_codes_left is not None:
                messages.success(
                    request,
                    f"You signed in with a recovery code, which cannot be used again. "
                    f"Recovery codes left: {result.recovery_codes_left}.",
                )
            return redirect(_next(request))
        _refused(form, result)
    return render(request, "signin/verify.html", {"form": form, "next": _next(request)})


def _qr_code(device: TOTPDevice) -> str:
    # Drawn here as SVG (no image library, nothing sent elsewhere): the QR code is the secret.
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        light="#fff",
        svgclass="locus-qr",
        title="QR code to add Locus to your authenticator app",
    )
    return mark_safe(svg)  # noqa: S308 (segno's own markup of our device's URL)


def _secret_for_typing(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# The session's key for the authenticator device it is setting up.
ENROLLING = "locus_enrolling_device"


def enrol(request: AuthedRequest) -> HttpResponse:
    if has_second_factor(request.user):
        return (
            redirect(_next(request))
            if is_verified(request)
            else _to("second-factor-verify", request)
        )
    device = start_enrolment(worker=request.user, started=request.session.get(ENROLLING))
    request.session[ENROLLING] = device.pk  # this session's device, and no other's
    form = CodeForm(posted(request), help_text="The 6-digit code your app shows for Locus.")
    if request.method == "POST" and form.is_valid():
        try:
            result = confirm_enrolment(
                worker=request.user,
                code=form.cleaned_data["code"],
                ip_address=client_ip(request),
                started=device.pk,
            )
        except InvalidTransition as error:
            show_refusal(form, error)
        else:
            if result.outcome is Outcome.PASSED:
                _passed(request, result.device)
                return render(
                    request,
                    "signin/recovery_codes.html",
                    {"codes": result.recovery_codes, "next": _next(request)},
                )
            _refused(form, result)
    return render(
        request,
        "signin/enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_code": _qr_code(device),
            "secret": _secret_for_typing(device),
            "required": settings.LOCUS_REQUIRE_OTP,
        },
    )


def reset(request: AuthedRequest) -> HttpResponse:
    """An administrator's page: reset a worker's second factor, with a reason."""
    form = ResetForm(posted(request), workers=workers_with_second_factor(viewer=request.user))
    if request.method == "POST" and form.is_valid():
        worker = form.cleaned_data["worker"]
        try:
            reset_second_factor(
                actor=request.user, worker=worker, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                f"{worker}'s second factor was reset, and their API tokens no longer work. "
                "They must set up a new one when they next sign in.",
            )
            return redirect("second-factor-reset")
    return render(request, "signin/reset.html", {"form": form})


def password_change_due(request: AuthedRequest) -> HttpResponse:
    """Choose one's own password in place of one an administrator set, before any page."""
    if not request.user.password_change_due:
        return redirect(_next(request))
    form = OwnPasswordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            worker = own_password_chosen(
                worker=request.user, password=form.cleaned_data["password"]
            )
        except ValidationFailed as error:
            show_refusal(form, error)
        else:
            update_session_auth_hash(request, worker)  # this session stays signed in
            messages.success(request, "Your password is changed.")
            return redirect(_next(request))
    return render(
        request, "signin/password_change_due.html", {"form": form, "next": _next(request)}
    )
