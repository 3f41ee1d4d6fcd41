"""Second-factor writes: set one up, sign in with a code, and an administrator's reset.

Every code is checked as one attempt of the sign-in lockout
(:mod:`locus.access.signin`): counted under the username's and address's lock,
refused unchecked once either is locked out, and on the record either way.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.access.models import Worker
from locus.access.policies import can_manage_workers
from locus.access.services import sessions_end, sign_in_handed_over
from locus.access.signin import attempts_refused, hold_attempt_locks
from locus.api.services import tokens_end
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, write_event
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.notifications.services import authenticator_set_up, sign_in_changed
from locus.signin.models import RecoveryCodeDevice, SecondFactorEvent, SecondFactorKind
from locus.signin.recovery import new_code, normal_form

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# An app's code is six digits; a recovery code is eight letters and digits (so never that).
APP_CODE_DIGITS = 6


class Outcome(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    device: Device | None = None
    # Set up: the recovery codes, shown once. Signed in with one: how many are left.
    recovery_codes: list[str] = field(default_factory=list)
    recovery_codes_left: int | None = None


def has_second_factor(worker: Worker) -> bool:
    return user_has_device(worker, confirmed=True)


def _record(
    worker: Worker,
    kind: SecondFactorKind,
    *,
    ip_address: str | None = None,
    actor: Worker | None = None,
    reason: str = "",
) -> SecondFactorEvent:
    return write_event(
        SecondFactorEvent,
        worker=worker,
        kind=kind,
        actor=actor,
        reason=reason,
        ip_address=ip_address or None,
    )


def _device_facts(device: Device) -> dict[str, Any]:
    # What the trail keeps of a device: never its secret key or its codes.
    return {"user_id": device.user_id, "name": device.name, "confirmed": device.confirmed}


def _check_code(
    worker: Worker, ip_address: str | None, check: Callable[[], CodeCheck | None]
) -> CodeCheck:
    """One code attempt: refused unchecked while locked out, else ``check``'s answer (None
    for a wrong code), recorded under the lock either way."""
    with transaction.atomic():
        hold_attempt_locks(worker.username, ip_address)
        if attempts_refused(worker.username, ip_address):
            _record(worker, SecondFactorKind.REFUSED, ip_address=ip_address)
            return CodeCheck(Outcome.LOCKED)
        result = check()
        if result is None:
            _record(worker, SecondFactorKind.FAILED, ip_address=ip_address)
            return CodeCheck(Outcome.WRONG)
        return result


def start_enrolment(*, worker: Worker, started: int | None = None) -> TOTPDevice:
    """The authenticator-app device this session is setting up: ``started`` (the device id
    the session keeps, so reloading the page shows the same QR code), or a new one with a
    new key. A new one removes any other half-made device: a key shown to another session
    (someone else holding the password, days before) must not be the one the worker
    confirms, or whoever saw it would hold their second factor."""
    with transaction.atomic():
        if has_second_factor(worker):
            raise InvalidTransition(
                "You already have a second factor. An administrator can reset it if it is lost."
            )
        device = (
            TOTPDevice.objects.filter(user=worker, confirmed=False, pk=started).first()
            if started is not None
            else None
        )
        if device is None:
            TOTPDevice.objects.filter(user=worker, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=worker, name=APP_DEVICE_NAME, confirmed=False)
            record_change(
                actor=worker, action=ChangeAction.CREATE, obj=device, after=_device_facts(device)
            )
    return device


def _issue_recovery_codes(worker: Worker) -> list[str]:
    """New recovery codes, returned to be shown once: only their hashes are kept."""
    device = RecoveryCodeDevice.objects.create(
        user=worker, name=RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [new_code() for _ in range(RECOVERY_CODES)]
    device.add_codes(codes)
    record_change(
        actor=worker,
        action=ChangeAction.CREATE,
        obj=device,
        after={**_device_facts(device), "codes": len(codes)},
    )
    return codes


def confirm_enrolment(
    *, worker: Worker, code: str, ip_address: str | None, started: int | None
) -> CodeCheck:
    """Confirm the app this session set up (``started``) with a code from it; on success,
    issue the recovery codes."""

    def check() -> CodeCheck | None:
        if has_second_factor(worker):
            raise InvalidTransition("You already have a second factor.")
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=worker, confirmed=False, pk=started)
            .first()
            if started is not None
            else None
        )
        if device is None:
            raise InvalidTransition("Start setting up the second factor again.")
        if not device.verify_token(_digits(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_change(
            actor=worker,
            action=ChangeAction.UPDATE,
            obj=device,
            before={"confirmed": False},
            after={"confirmed": True},
        )
        # Other half-made devices (a second tab) go: one app per worker.
        TOTPDevice.objects.filter(user=worker, confirmed=False).delete()
        codes = _issue_recovery_codes(worker)
        _record(worker, SecondFactorKind.ENROLLED, ip_address=ip_address)
        # Told at once, in Locus and by email: whoever held the password before the worker
        # (a new account's, or after a reset) could set up an authenticator of their own.
        authenticator_set_up(worker)
        return CodeCheck(Outcome.PASSED, device=device, recovery_codes=codes)

    return _check_code(worker, ip_address, check)


def _digits(code: str) -> str:
    return "".join(code.split())


def verify_second_factor(*, worker: Worker, code: str, ip_address: str | None) -> CodeCheck:
    """Sign in with a code from the app, or with a recovery code (which is then used up)."""

    def check() -> CodeCheck | None:
        digits = _digits(code)
        if len(digits) == APP_CODE_DIGITS and digits.isascii() and digits.isdigit():
            for app in TOTPDevice.objects.select_for_update().filter(user=worker, confirmed=True):
                if app.verify_token(digits):
                    _record(worker, SecondFactorKind.VERIFIED, ip_address=ip_address)
                    return CodeCheck(Outcome.PASSED, device=app)
            return None
        token = normal_form(code)
        recovery = RecoveryCodeDevice.objects.select_for_update().filter(
            user=worker, confirmed=True
        )
        for codes in recovery:
            if token and codes.verify_token(token):
                _record(worker, SecondFactorKind.RECOVERY_CODE_USED, ip_address=ip_address)
                left = codes.codes.count()
                return CodeCheck(Outcome.PASSED, device=codes, recovery_codes_left=left)
        return None

    return _check_code(worker, ip_address, check)


def reset_second_factor(*, actor: Worker, worker: Worker, reason: str) -> int:
    """An administrator removes a worker's second factor (app and recovery codes), with a
    reason; the worker signs in again with their password and sets up a new one before any
    page. A reset follows a lost phone or an account someone else may have used, so what
    that someone may hold ends with it: the worker's API tokens (a token made meanwhile would
    go on reading as the worker) and every session signed in as them (whoever holds one would
    otherwise be offered to set up a new second factor there, their own, without the
    password). Returns the devices removed."""
    if not can_manage_workers(actor):
        raise NotPermitted("Only an administrator can reset a second factor.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ["Enter why the second factor is being reset"]})
    with transaction.atomic():
        devices = list(devices_for_user(worker, confirmed=None))
        if not devices:
            raise ValidationFailed({"worker": [f"{worker} has no second factor to reset"]})
        for device in devices:
            record_change(
                actor=actor, action=ChangeAction.DELETE, obj=device, before=_device_facts(device)
            )
            device.delete()
        _record(worker, SecondFactorKind.RESET, actor=actor, reason=reason)
        tokens_end(actor=actor, worker=worker, note="Second factor reset")
        sessions_end(worker=worker)
        # Told at once, with who and when: a reset lets whoever holds the password set up a
        # second factor of their own.
        sign_in_changed(actor, worker, "reset your second factor")
        # Of a worker whose password the administrator set (and so knows), the reset hands
        # the administrator the whole way in: a second person confirms the account first.
        sign_in_handed_over(actor=actor, worker=worker)
    return len(devices)
