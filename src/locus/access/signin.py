"""Signing in: lockout after repeated failures, and every attempt on the record.

Five failed attempts for a username within 15 minutes lock it for the rest of
that window (guessing a password to a children's records system must be slow).
A success clears the count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils import timezone

from locus.audit.models import SignInEvent
from locus.audit.services import record_sign_in

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


def is_locked_out(username: str) -> bool:
    since = timezone.now() - WINDOW
    last_success = (
        SignInEvent.objects.filter(username=username, succeeded=True, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = SignInEvent.objects.filter(
        username=username, succeeded=False, while_locked=False, at__gte=last_success or since
    )
    return failures.count() >= MAX_FAILURES


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: a forwarded header is the client's to forge unless a
    # trusted proxy sets it, and deployments configure that at the proxy.
    return request.META.get("REMOTE_ADDR") if request is not None else None


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": (
            "This account is locked for 15 minutes after too many failed attempts. "
            "Try again later or ask your administrator."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        if username and is_locked_out(username):
            record_sign_in(
                username=username,
                succeeded=False,
                ip_address=client_ip(self.request),
                while_locked=True,
            )
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_sign_in(
                    username=username, succeeded=False, ip_address=client_ip(self.request)
                )
            raise
        record_sign_in(
            username=username,
            worker=self.get_user(),
            succeeded=True,
            ip_address=client_ip(self.request),
        )
        return cleaned
