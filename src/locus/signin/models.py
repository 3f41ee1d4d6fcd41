"""The record of every second-factor event: kept for the lockout and for the auditors.

The authenticator app is django-otp's ``otp_totp.TOTPDevice``. The recovery codes are a
django-otp device of Locus's own (:class:`RecoveryCodeDevice`): django-otp's
``otp_static.StaticDevice`` keeps its codes in plain text, these keep only a keyed hash
(:mod:`locus.signin.recovery`). A password attempt is an ``audit.SignInEvent``; a code
attempt is one of these, so that re-entering a right password never clears the wrong codes
that followed it.
"""

from __future__ import annotations

from django.db import models
from django_otp.models import Device, TimestampMixin

from locus.access.models import Worker, optional_worker
from locus.common import clock
from locus.signin.recovery import code_matches, kept_form, normal_form


class SecondFactorKind(models.TextChoices):
    ENROLLED = "enrolled", "Set up a second factor"
    VERIFIED = "verified", "Signed in with a code"
    RECOVERY_CODE_USED = "recovery", "Signed in with a recovery code"
    FAILED = "failed", "Entered a wrong code"
    # Refused without checking because the username or the address was locked out: like
    # SignInEvent.while_locked, these do not extend the lock.
    REFUSED = "refused", "Refused while locked"
    RESET = "reset", "Second factor reset"


class SecondFactorEvent(models.Model):
    worker = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=SecondFactorKind.choices)
    # Who did it when it was not the worker: the administrator who reset the factor.
    actor = optional_worker()
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["worker", "kind", "at"]),
            models.Index(fields=["ip_address", "kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class RecoveryCodeDevice(TimestampMixin, Device):
    """A worker's single-use recovery codes, as one django-otp device (found by
    ``devices_for_user`` and ``match_token``, kept by the OTP middleware like any other).

    No throttling of django-otp's own: Locus's sign-in lockout counts every code attempt
    (as ``OTP_STATIC_THROTTLE_FACTOR = 0`` did for the device this replaces)."""

    # django-otp's field, with no manager on the worker: devices are found by user, and a
    # worker's codes are never reached from the worker (nor typed there, for mypy).
    user: models.ForeignKey[Worker, Worker] = models.ForeignKey(
        "access.Worker",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The user that this device belongs to.",
    )

    def add_codes(self, codes: list[str]) -> None:
        """Keep ``codes`` as hashes only: the caller shows them once and forgets them."""
        RecoveryCode.objects.bulk_create(RecoveryCode.made(self, code) for code in codes)

    def verify_token(self, token: str) -> bool:
        """Whether ``token`` is one of the codes left; if so it is used up. Every code is
        compared (no early stop), each in constant time. The caller holds the device's row
        lock, so one code cannot sign in twice at once."""
        if not normal_form(str(token)):
            return False
        match = None
        for kept in self.codes.all():
            if kept.matches(token) and match is None:
                match = kept
        if match is None or not RecoveryCode.objects.filter(pk=match.pk).delete()[0]:
            return False
        self.last_used_at = clock.now()
        self.save(update_fields=["last_used_at"])
        return True


class RecoveryCode(models.Model):
    """One recovery code, kept as a salted, keyed hash: reading this table gives no code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        # Never the salt or the digest: neither helps anyone reading a list or a log.
        return f"Recovery code {self.pk} of device {self.device_id}"

    @classmethod
    def made(cls, device: RecoveryCodeDevice, code: str) -> RecoveryCode:
        salt, digest = kept_form(code)
        return cls(device=device, salt=salt, digest=digest)

    def matches(self, code: str) -> bool:
        return code_matches(code, self.salt, self.digest)
