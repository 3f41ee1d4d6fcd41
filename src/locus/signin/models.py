"""The record of every second-factor event: kept for the lockout and for the auditors.

The devices themselves are django-otp's (``otp_totp.TOTPDevice`` for the authenticator
app, ``otp_static.StaticDevice`` holding the recovery codes). A password attempt is an
``audit.SignInEvent``; a code attempt is one of these, so that re-entering a right
password never clears the wrong codes that followed it.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import optional_worker


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
