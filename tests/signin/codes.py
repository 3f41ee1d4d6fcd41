"""Codes as an authenticator app would show them, for tests (unit and browser)."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

STEP = 30
# Real time, not locus.common.clock: django_otp checks a code against time.time(), as the
# worker's phone makes it from the real time, so a stopped clock must not change the code.


def code_for_secret(secret: str, steps_ahead: int = 0) -> str:
    """The code for ``secret`` (base32, as the enrolment page shows it, spaces allowed),
    ``steps_ahead`` 30-second steps from now (an app's clock a little fast: still accepted)."""
    key = b32decode("".join(secret.split()).upper())
    totp = TOTP(key, step=STEP, digits=6)
    totp.time = time.time() + steps_ahead * STEP
    return f"{totp.token():06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code ``device`` has not accepted before: a code is good once, so a second sign-in
    within the same 30 seconds uses the next step's (within the app's allowed drift)."""
    device.refresh_from_db()
    now = int(time.time() // STEP)
    totp = TOTP(device.bin_key, step=device.step, digits=device.digits)
    totp.time = max(now, device.last_t + 1) * STEP + 1
    return f"{totp.token():06d}"
