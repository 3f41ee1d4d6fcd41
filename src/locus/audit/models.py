"""The audit trail: every read of a record and every change, append-only."""

from __future__ import annotations

from django.db import models

from locus.access.models import optional_worker


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Break-glass access"


class ChangeAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    END = "end", "Ended"
    DELETE = "delete", "Deleted"


def people_field() -> models.TextField:
    """The people an event was about, as ",12,15,": so that "the record of a person"
    (every read and change about them, lists that showed them included) is one
    filter, written in the event's own INSERT rather than in a second table. Plain
    ids: the trail outlives the records it speaks of."""
    return models.TextField(blank=True, default="", editable=False)


class AuditEvent(models.Model):
    """What every read and change carries: who, when, which record, and about whom."""

    actor = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    record_type = models.CharField(max_length=40)
    people = people_field()
    # Each kind of event declares these itself (their lengths and blanks differ).
    action: str
    record_id: str

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.action} {self.record_type}:{self.record_id}"


def redacted_field() -> models.DateTimeField:
    """When a purge blanked the event's content (what it said about a person whose records
    were removed under a retention rule). The event itself stays: who, when, which record."""
    return models.DateTimeField(null=True, blank=True, editable=False)


class AccessEvent(AuditEvent):
    """A worker read a record (or a list). ``purpose`` is set when the rule asks for one."""

    action = models.CharField(max_length=12, choices=AccessAction.choices)
    record_id = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    redacted_at = redacted_field()


class ChangeEvent(AuditEvent):
    """A service wrote a record; ``before`` and ``after`` hold the changed fields only."""

    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    record_id = models.CharField(max_length=40)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    redacted_at = redacted_field()


class SignInEvent(models.Model):
    """A sign-in attempt, kept for lockout and for the auditors (no password, ever)."""

    username = models.CharField(max_length=150, db_index=True)
    worker = optional_worker()
    at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField()
    # Attempts refused because the account was already locked do not extend the lock,
    # or anyone could keep a colleague locked out for ever.
    while_locked = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        outcome = "signed in" if self.succeeded else "failed to sign in"
        return f"{self.username} {outcome} at {self.at:%Y-%m-%d %H:%M}"
