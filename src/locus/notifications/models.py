"""Notifications: a line in a worker's My work saying something needs them.

A notification is about a record (``record_type`` and ``record_id``, named as the audit
trail names records, and the ``url`` of its page), so that it can be forgotten when the
record goes. Its ``text`` names the kind of thing and a date, never a child: a worker who
loses sight of the record must not keep its details in their notifications. Opening the
link goes through the record's own access check (404 if they may not see it any more).
"""

from __future__ import annotations

from django.db import models

from locus.common.modelkit import once_where_set


class NotificationKind(models.TextChoices):
    MEETING_INVITATION = "meeting_invitation", "Meeting invitation"
    MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled"
    SIGN_OFF_REQUEST = "sign_off_request", "Sign-off request"
    TRANSFER_TO_ACCEPT = "transfer_to_accept", "Transfer to accept"
    TRANSFER_DECLINED = "transfer_declined", "Transfer declined"
    TRANSFER_WITHDRAWN = "transfer_withdrawn", "Transfer withdrawn"
    ACTION_ASSIGNED = "action_assigned", "Action assigned"
    REVIEW_DUE = "review_due", "Review due"
    ACTION_DUE = "action_due", "Action due"
    BREAK_GLASS_REVIEW = "break_glass_review", "Emergency access review"
    HOLD_LIFTED = "hold_lifted", "Legal hold lifted"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    # An administrator set the worker's password or reset their second factor: said at once,
    # with who and when, so that nobody signs in as a worker unknown to them.
    SIGN_IN_CHANGED = "sign_in_changed", "Your sign-in was changed"
    # An account's sight needs a second person (access/provisioning.py): its confirmer is
    # asked, and the administrator who asked is told of a refusal.
    ACCESS_TO_CONFIRM = "access_to_confirm", "Access to confirm"
    ACCESS_REFUSED = "access_refused", "Access refused"
    # A deactivated account still held children's cases: each team's managers (else the
    # administrators) are told how many, to pass them on (``access.services``).
    CASES_TO_PASS_ON = "cases_to_pass_on", "Cases to pass on"
    # A mapping meeting's proposer moved to another agency: the managers of the team she
    # proposed it from organise it now, and are told (``access.services``).
    MEETING_TO_ORGANISE = "meeting_to_organise", "Meeting to organise"


class Notification(models.Model):
    recipient = models.ForeignKey(
        "access.Worker", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    text = models.CharField(max_length=200, help_text="What it is, without naming a child.")
    url = models.CharField(max_length=300, help_text="The page of the record it is about.")
    record_type = models.CharField(max_length=100, help_text="app_label.model of the record.")
    record_id = models.PositiveBigIntegerField()
    due_on = models.DateField(
        null=True, blank=True, help_text="For a reminder: the date it is due (once per date)."
    )
    # A notice about one team's share of the record (a leaver's cases to pass on, told once
    # for each team they held children in): it goes once that team's share is done, whatever
    # else its reader has left (an administrator told for two teams with no manager).
    team = models.ForeignKey(
        "access.Team", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["record_type", "record_id"]),
        ]
        constraints = [
            # A reminder is sent once for a due date, however often the reminders run.
            once_where_set(
                "notification_reminder_once",
                ["recipient", "kind", "record_type", "record_id", "due_on"],
                "due_on",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk} for {self.recipient_id}: {self.get_kind_display()}"

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """A worker's choice about notification emails (no row: the default, emails on)."""

    worker = models.OneToOneField(
        "access.Worker", on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(
        default=True, help_text="Send an email (with no case details) for each notification."
    )

    def __str__(self) -> str:
        return f"Notification preference of {self.worker_id}"
