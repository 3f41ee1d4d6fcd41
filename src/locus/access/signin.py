"""Signing in: lockout after repeated failures, and every attempt on the record.

Five failed attempts for a username within 15 minutes lock it for the rest of
that window (guessing a password to a children's records system must be slow),
and twenty from one address lock that address across usernames (guessing one
password for many usernames must be slow too). A wrong second-factor code is a
failed attempt like a wrong password.

The check and the count are one step: an attempt is recorded as failed, under a
lock on its username and address, *before* its password is checked, and marked
succeeded only once the password matched. So thirty attempts sent at once check
at most five passwords; the rest see the five already counted and are refused
unchecked. A refused worker is told only that signing in is locked, whether or not
the username exists and whether or not the password was right.

A success clears its own kind of failure only: a right password clears earlier
wrong passwords, a right code earlier wrong codes, so re-entering a known password
never buys more guesses at the code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest

from locus.audit.models import SignInEvent
from locus.audit.services import record_sign_in, settle_sign_in
from locus.common import clock
from locus.signin.models import SecondFactorEvent, SecondFactorKind

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW = dt.timedelta(minutes=15)
LOCKED_MESSAGE = (
    "Signing in is locked for 15 minutes after too many failed attempts. "
    "Try again later or ask your administrator."
)

# PostgreSQL advisory-lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_USERNAME_LOCK = 0x10C5
_ADDRESS_LOCK = 0x10C6


def hold_attempt_locks(username: str, ip_address: str | None) -> None:
    """Take this username's and this address's lock until the transaction ends.

    Attempts for one username (or from one address) then count and record one at a
    time, and attempts for different usernames from different addresses do not wait
    for each other. Usernames are locked before addresses, always, so two attempts
    can never each hold what the other waits for.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("hold_attempt_locks must run inside a transaction")
    if connection.vendor == "postgresql":
        # A lock on a key rather than a row: the username need not exist (a guess at a
        # name nobody has is counted and locked like any other).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_USERNAME_LOCK, username]
            )
            if ip_address:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_ADDRESS_LOCK, ip_address]
                )
    elif connection.vendor == "sqlite":
        # SQLite has one write lock for the whole database, and settings open every
        # transaction with BEGIN IMMEDIATE, which takes it: transactions already run
        # one at a time. Without IMMEDIATE two could count, then both record.
        if connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE":
            raise ImproperlyConfigured("SQLite needs OPTIONS['transaction_mode'] = 'IMMEDIATE'")
    else:
        raise ImproperlyConfigured(f"No attempt lock for the {connection.vendor} database")


def _failures_since_success(username: str, since: dt.datetime) -> int:
    """Wrong passwords since the last right one, plus wrong codes since the last right one."""
    passwords = SignInEvent.objects.filter(username=username, at__gte=since)
    last_password = (
        passwords.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
    )
    codes = SecondFactorEvent.objects.filter(worker__username=username, at__gte=since)
    last_code = (
        codes.filter(kind__in=[SecondFactorKind.VERIFIED, SecondFactorKind.RECOVERY_CODE_USED])
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    wrong_passwords = passwords.filter(
        succeeded=False, while_locked=False, at__gte=last_password or since
    ).count()
    wrong_codes = codes.filter(kind=SecondFactorKind.FAILED, at__gte=last_code or since).count()
    return wrong_passwords + wrong_codes


def is_locked_out(username: str) -> bool:
    return _failures_since_success(username, clock.now() - WINDOW) >= MAX_FAILURES


def is_address_locked_out(ip_address: str | None) -> bool:
    # Successes do not clear an address's count: one worker signing in from it must
    # not wipe out the failures of someone trying many usernames beside them.
    if not ip_address:
        return False
    since = clock.now() - WINDOW
    failures = (
        SignInEvent.objects.filter(
            ip_address=ip_address, succeeded=False, while_locked=False, at__gte=since
        ).count()
        + SecondFactorEvent.objects.filter(
            ip_address=ip_address, kind=SecondFactorKind.FAILED, at__gte=since
        ).count()
    )
    return failures >= MAX_ADDRESS_FAILURES


def attempts_refused(username: str, ip_address: str | None) -> bool:
    """Whether an attempt for ``username`` from ``ip_address`` is refused unchecked.
    Callers hold :func:`hold_attempt_locks`, so the answer stays true until they record."""
    return is_locked_out(username) or is_address_locked_out(ip_address)


def reserve_password_attempt(username: str, ip_address: str | None) -> SignInEvent | None:
    """Count a password attempt before checking it: the attempt's record, as failed, or
    None when the username or the address is locked out (recorded as refused)."""
    with transaction.atomic():
        hold_attempt_locks(username, ip_address)
        refused = attempts_refused(username, ip_address)
        event = record_sign_in(
            username=username, succeeded=False, ip_address=ip_address, while_locked=refused
        )
    return None if refused else event


def client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: a forwarded header is the client's to forge unless a
    # trusted proxy sets it, and deployments configure that at the proxy.
    return request.META.get("REMOTE_ADDR") if request is not None else None


class SignInForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "locked": LOCKED_MESSAGE}

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        if not (username and self.cleaned_data.get("password")):
            # A missing field is the field's error; nothing was tried, nothing to count.
            return super().clean()
        attempt = reserve_password_attempt(username, client_ip(self.request))
        if attempt is None:
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        # A wrong password raises here, and its attempt stays recorded as failed.
        cleaned = super().clean()
        settle_sign_in(attempt, worker=self.get_user())
        return cleaned
