"""Signing in: a lockout that a stranger cannot turn on a worker, and every attempt on the record.

Guessing a password to a children's records system must be slow, but knowing a worker's
username (often their email) must not let anyone keep them out. So the lockout tells the
addresses a worker signs in from apart from everywhere else ("smart lockout"):

* An address is **familiar** to a username when its worker completed signing in from it
  (password and second factor: a code, a recovery code, or setting the factor up) within
  the last 30 days, and since their second factor was last reset (a reset follows a lost
  phone or an account someone else used, so the places used before are trusted no more).
  Every other address, and an attempt with no address, is **unfamiliar**; so is every
  address to a worker without a second factor (where it is optional: the demo).
* Five failed attempts for a username within 15 minutes from addresses **unfamiliar** to it
  lock it there, for the rest of that window, and only there: the worker still signs in
  from their usual desk.
* Five from addresses **familiar** to it (a colleague behind the same office address) lock
  it from familiar addresses; the two counts are kept apart.
* Twenty failures from one address, across usernames, within 15 minutes lock that address
  for every username it is unfamiliar to (guessing one password for many usernames must be
  slow too); workers who signed in from it recently are not locked out by someone else's
  guessing beside them.
* A hundred failures from one address within 15 minutes lock it for every username,
  familiar ones too. Behind a council's shared outgoing address every worker is familiar to
  it, so without this cap someone on that network could try four passwords for every
  colleague every 15 minutes. A hundred is far beyond what mistyping workers reach, and
  reaching it takes guesses at twenty usernames or more: the price is that such an attack
  locks that office out for the rest of the window.

A wrong second-factor code is a failed attempt like a wrong password. The check and the count
are one step: an attempt is recorded as failed, under a lock on its username and address,
*before* its password is checked, and marked succeeded only once the password matched. So
thirty attempts sent at once check at most five passwords; the rest see the five already
counted and are refused unchecked. A refused worker is told only that signing in is locked,
whether or not the username exists and whether or not the password was right. (Someone
behind a locked address who finds a name not locked there learns that it signed in from
there lately: the price of not locking out everyone else behind that address.)

A success clears its own kind of failure only, from every address: a right password clears
earlier wrong passwords, a right code earlier wrong codes, so re-entering a known password
never buys more guesses at the code. A success does not clear an address's count.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from locus.access.scopes import is_administrator
from locus.audit.models import SignInEvent
from locus.audit.services import record_command_line, record_sign_in, settle_sign_in
from locus.common import clock
from locus.signin.models import SecondFactorEvent, SecondFactorKind

if TYPE_CHECKING:
    from locus.access.models import Worker

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
# Failures from one address that lock it for everyone, the workers familiar with it too.
MAX_SHARED_ADDRESS_FAILURES = 100
WINDOW = dt.timedelta(minutes=15)
# How long a completed sign-in keeps its address familiar to the worker.
FAMILIAR_FOR = dt.timedelta(days=30)
LOCKED_MESSAGE = (
    "Signing in is locked for 15 minutes after too many failed attempts. "
    "Try again later or ask your administrator."
)
# The second-factor events that end a complete sign-in.
_SIGNED_IN = [
    SecondFactorKind.VERIFIED,
    SecondFactorKind.RECOVERY_CODE_USED,
    SecondFactorKind.ENROLLED,
]
# A right code clears earlier wrong codes (setting the factor up is no code attempt of a
# worker who has one, so it clears nothing, as before).
_RIGHT_CODES = [SecondFactorKind.VERIFIED, SecondFactorKind.RECOVERY_CODE_USED]

_ADDRESS_FIELD: models.GenericIPAddressField[str | None, str | None] = (
    models.GenericIPAddressField()
)

# PostgreSQL advisory-lock namespaces (the first key of pg_advisory_xact_lock(int, int)).
_USERNAME_LOCK = 0x10C5
_ADDRESS_LOCK = 0x10C6


def hold_attempt_locks(username: str, ip_address: str | None) -> None:
    """Take this username's and this address's lock until the transaction ends.

    Attempts for one username (or from one address) then count and record one at a
    time, and attempts for different usernames from different addresses do not wait
    for each other. Usernames are locked before addresses, always, so two attempts
    can never each hold what the other waits for. Whether an address is familiar is
    read under the username's lock too: the successes that make it so are written
    under it (:mod:`locus.signin.services`).
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


def _after_latest(events: models.QuerySet[Any], since: dt.datetime) -> models.Expression:
    """The latest of ``events``' times, or ``since`` when there is none: one subquery, so
    that counting what followed it is one query."""
    latest = events.order_by("-at").values("at")[:1]
    return Coalesce(
        models.Subquery(latest), models.Value(since), output_field=models.DateTimeField()
    )


def familiar_addresses(username: str) -> frozenset[str]:
    """The addresses ``username``'s worker completed signing in from (password and second
    factor) in the last 30 days, since their second factor was last reset. One query."""
    since = clock.now() - FAMILIAR_FOR
    theirs = SecondFactorEvent.objects.filter(worker__username=username, at__gte=since)
    reset = _after_latest(theirs.filter(kind=SecondFactorKind.RESET), since)
    addresses = (
        theirs.filter(kind__in=_SIGNED_IN, at__gte=reset, ip_address__isnull=False)
        .order_by()
        .values_list("ip_address", flat=True)
        .distinct()
    )
    return frozenset(address for address in addresses if address)


def _failures_since_success(
    username: str, since: dt.datetime, familiar: frozenset[str], from_familiar: bool
) -> int:
    """Wrong passwords since the last right one, plus wrong codes since the last right one,
    from the addresses familiar to ``username`` or from the others (two queries)."""

    def where(events: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # exclude() keeps attempts with no address: those are unfamiliar.
        if from_familiar:
            return events.filter(ip_address__in=familiar)
        return events.exclude(ip_address__in=familiar)

    passwords = SignInEvent.objects.filter(username=username, at__gte=since)
    wrong_passwords = where(
        passwords.filter(
            succeeded=False,
            while_locked=False,
            at__gte=_after_latest(passwords.filter(succeeded=True), since),
        )
    ).count()
    codes = SecondFactorEvent.objects.filter(worker__username=username, at__gte=since)
    wrong_codes = where(
        codes.filter(
            kind=SecondFactorKind.FAILED,
            at__gte=_after_latest(codes.filter(kind__in=_RIGHT_CODES), since),
        )
    ).count()
    return wrong_passwords + wrong_codes


def _is_familiar(ip_address: str | None, familiar: frozenset[str]) -> bool:
    # Compared as stored: the field keeps an IPv6 address in its one short form.
    return bool(ip_address) and _ADDRESS_FIELD.get_prep_value(ip_address) in familiar


def _locked_out(username: str, ip_address: str | None, familiar: frozenset[str]) -> bool:
    from_familiar = _is_familiar(ip_address, familiar)
    failures = _failures_since_success(username, clock.now() - WINDOW, familiar, from_familiar)
    return failures >= MAX_FAILURES


def is_locked_out(username: str, ip_address: str | None) -> bool:
    """Whether ``username`` is locked out for attempts from ``ip_address`` by its own
    failures (from addresses familiar to it, or from the others, as ``ip_address`` is);
    the address's own count is :func:`is_address_locked_out`'s."""
    return _locked_out(username, ip_address, familiar_addresses(username))


def address_failures(ip_address: str | None) -> int:
    """The failed attempts (passwords and codes) from ``ip_address``, across usernames,
    within the window (two queries); none for an attempt with no address."""
    # Successes do not clear an address's count: one worker signing in from it must
    # not wipe out the failures of someone trying many usernames beside them.
    if not ip_address:
        return 0
    since = clock.now() - WINDOW
    return (
        SignInEvent.objects.filter(
            ip_address=ip_address, succeeded=False, while_locked=False, at__gte=since
        ).count()
        + SecondFactorEvent.objects.filter(
            ip_address=ip_address, kind=SecondFactorKind.FAILED, at__gte=since
        ).count()
    )


def is_address_locked_out(ip_address: str | None) -> bool:
    """Whether ``ip_address`` has had twenty failures, across usernames, within the window:
    it is then locked for the usernames it is unfamiliar to (:func:`attempts_refused`)."""
    return address_failures(ip_address) >= MAX_ADDRESS_FAILURES


def attempts_refused(username: str, ip_address: str | None) -> bool:
    """Whether an attempt for ``username`` from ``ip_address`` is refused unchecked.
    Callers hold :func:`hold_attempt_locks`, so the answer stays true until they record."""
    familiar = familiar_addresses(username)
    if _locked_out(username, ip_address, familiar):
        return True
    failures = address_failures(ip_address)
    if failures >= MAX_SHARED_ADDRESS_FAILURES:
        return True
    # Below that, the address's own lock does not reach the workers who signed in from it
    # lately.
    return not _is_familiar(ip_address, familiar) and failures >= MAX_ADDRESS_FAILURES


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
    """The address a request came from, as the lockout and the API's limits count it.

    Directly served, the connection's own (``REMOTE_ADDR``). Behind the one reverse proxy
    that ``LOCUS_BEHIND_PROXY`` names, every connection comes from the proxy, which would
    make all workers one address to the lockout (a stranger's guesses would lock out every
    desk): then the address the proxy added last to ``X-Forwarded-For``. Only the last is
    the proxy's own; the ones before it are whatever the client sent, so never read."""
    if request is None:
        return None
    if settings.LOCUS_BEHIND_PROXY:
        added = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(added))
        except ValueError:
            pass  # no header (a request to the server itself): the connection's address
    return request.META.get("REMOTE_ADDR")


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


# --- Signing in at the command line ----------------------------------------------------------

#: A command-line sign-in refused for a wrong password, or for an account that does not exist
#: or is not active: one message, so the command tells no one which usernames exist.
COMMAND_LINE_WRONG = (
    "Not done: the password is wrong, or {username!r} is no active account. The attempt is "
    "counted like a failed sign-in."
)
#: The password was right, but the account may not do the command's work.
COMMAND_LINE_NOT_ADMINISTRATOR = (
    "Not done: {username!r} is not an active administrator whose access is confirmed."
)


#: The password was right, but another administrator set it and the worker has not yet chosen
#: their own: whoever set it knows it, so it proves nothing about who is at the command line.
COMMAND_LINE_NOT_CHOSEN_BY_THEM = (
    "Not done: {username!r}'s password was set by an administrator and not yet chosen by "
    "them. They sign in to Locus and choose their own first."
)


class CommandLineRefused(Exception):
    """A command-line sign-in refused; its message says why, in words for the terminal."""


def command_line_sign_in(username: str, password: str, *, command: str, login_name: str) -> Worker:
    """Sign ``username`` in at the command line to run ``command`` (``locus import``,
    ``locus purge``), which then writes under their name; ``login_name`` is the computer's
    login name the command runs under. The command line has no sign-in page, so it asks for
    the administrator's password: without it, anyone with a shell could record work under
    a colleague's name.

    The attempt is counted as the sign-in page counts one (:func:`reserve_password_attempt`,
    with no address: an address unfamiliar to every worker), so a wrong password counts
    towards the lockout, and a locked username is refused unchecked. A right password
    settles the attempt; the account must then be an active administrator whose access is
    confirmed (``scopes.is_administrator``) whose password is their own (not one another
    administrator set and they have not yet changed), and the trail records that it signed in at the
    command line, to run what, under which login name (``audit.services.record_command_line``).
    Raises :class:`CommandLineRefused` otherwise, having written nothing but the attempt.
    """
    attempt = reserve_password_attempt(username, None)
    if attempt is None:
        raise CommandLineRefused(LOCKED_MESSAGE)
    worker = authenticate(None, username=username, password=password)
    if worker is None:  # wrong, no such account, or not active: the attempt stays failed
        raise CommandLineRefused(COMMAND_LINE_WRONG.format(username=username))
    settle_sign_in(attempt, worker=worker)
    if not is_administrator(worker):
        raise CommandLineRefused(COMMAND_LINE_NOT_ADMINISTRATOR.format(username=username))
    if worker.password_change_due:
        # The sign-in page asks for a new password before anything else; the command line
        # cannot, so it refuses: the administrator who set it could otherwise act as them.
        raise CommandLineRefused(COMMAND_LINE_NOT_CHOSEN_BY_THEM.format(username=username))
    record_command_line(actor=worker, sign_in=attempt, command=command, login_name=login_name)
    return worker
