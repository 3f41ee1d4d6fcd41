"""Subject access requests (UK GDPR Art 15) and the packages made to answer them.

A request is a governance record: it outlives the person it is about. A purge under the
retention rules sets ``person`` to null and keeps ``person_ref`` (an id and the LA child ID,
never a name), so the log still says a request was received, answered and when.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from locus.access.models import recorded_fields
from locus.common.modelkit import described_when
from locus.common.models import JobState


class Requester(models.TextChoices):
    SUBJECT = "subject", "The young person"
    PARENT = "parent", "A parent or carer on their behalf"
    REPRESENTATIVE = "representative", "A representative or solicitor"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    EXTENDED = "extended", "Extended"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS, RequestStatus.EXTENDED)
CLOSED_STATUSES = (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class RefusalGround(models.TextChoices):
    """The only grounds Art 12(5) gives for refusing a request outright."""

    UNFOUNDED = "unfounded", "Manifestly unfounded"
    EXCESSIVE = "excessive", "Manifestly excessive"


class SubjectAccessRequest(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    received_on = models.DateField()
    requester = models.CharField("who asked", max_length=20, choices=Requester.choices)
    # The parent's or representative's name and how to reach them; blank when the young
    # person asked themselves (their name is on their record, not copied here).
    requester_detail = models.CharField(max_length=300, blank=True)
    identity_checked_on = models.DateField(null=True, blank=True)
    identity_check = models.CharField("how identity was checked", max_length=300, blank=True)
    # Governance: outlives a purge of the person (SET_NULL), keeping a plain reference.
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subject_access_requests",
    )
    person_ref = models.CharField(max_length=60)
    due_on = models.DateField(help_text="One calendar month from receipt.")
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    refusal_ground = models.CharField(max_length=10, choices=RefusalGround.choices, blank=True)
    # The day it was completed, refused or withdrawn.
    completed_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recorded_by, recorded_at = recorded_fields()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["assigned_to", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("received_on")), name="sar_due_after_receipt"
            ),
            models.CheckConstraint(
                condition=models.Q(extended_to__isnull=True) | ~models.Q(extension_reason=""),
                name="sar_extension_has_reason",
            ),
            described_when("sar_refusal_has_ground", "status", "refused", "refusal_ground"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def deadline(self) -> dt.date:
        """The statutory deadline now: the extended one, if extended."""
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SubjectAccessPackage(models.Model):
    """One export made for a request: a ZIP of the PDF, the JSON and the documents' files,
    held under the data folder (``DATA_DIR/subject-access``) by a random name. Prepared in
    the background (a long record's PDF takes a while): ``state`` says how far it got."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="packages"
    )
    made_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()  # when it was asked for
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    problem = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    disclose_staff = models.BooleanField(default=False)
    include_restricted = models.BooleanField(default=False)
    # Restricted police incidents go in only after the reporting force was consulted (DPA 2018
    # Sch 2 Part 1 para 2): who was consulted, when, and what they said, kept with the export.
    # (The day is required by the service; exports made before it was kept have none.)
    police_consulted = models.CharField(
        "police officer consulted", max_length=300, blank=True, help_text="Name, role and force."
    )
    police_consulted_on = models.DateField("day the police were consulted", null=True, blank=True)
    police_outcome = models.TextField(
        "outcome of consulting the police", blank=True, help_text="What they agreed, and why."
    )
    file_name = models.CharField(max_length=200, blank=True)  # once ready; "" when deleted
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    redactions = models.PositiveIntegerField(default=0)
    # What it held, for the read logged on each download (record keys, never content).
    contents = models.JSONField(default=dict, blank=True)
    # Release needs a second person (access/subjectaccess.py): another member of the data
    # team, named when the export is asked for, checks it and approves it, with the reason.
    # Until then only they may download it (to check it); nobody may send it.
    approver = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_reason = models.TextField(blank=True)
    # Or the named approver returns it unapproved, saying why: it is never released nor
    # downloaded again (its file is deleted at once) and its maker makes a new one.
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # The approver may be changed (the one named is away) before they decide: by whom, when,
    # and why (the latest change; each one is in the trail).
    approver_changed_by = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approver_changed_at = models.DateTimeField(null=True, blank=True)
    approver_change_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True)
                | (models.Q(approver__isnull=False) & ~models.Q(approval_reason="")),
                name="sar_package_approval_named_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | (
                    models.Q(approver__isnull=False)
                    & models.Q(approved_at__isnull=True)
                    & ~models.Q(return_reason="")
                ),
                name="sar_package_returned_unapproved_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(include_restricted=False)
                | (~models.Q(police_consulted="") & ~models.Q(police_outcome="")),
                name="sar_package_restricted_after_police_consulted",
            ),
        ]

    def __str__(self) -> str:
        return f"Package {self.pk} for {self.request_id}"

    def audit_people(self) -> list[object]:
        """Whom the export's events speak of (``audit.services.people_of``): its request's
        person, whose records it copies and whom the reasons typed about it (approval,
        return, a new approver, the police consulted) may name; so the trail's search by
        them finds every step of the disclosure, and their purge blanks what it said."""
        return [self.request.person_id]

    @property
    def ready(self) -> bool:
        """Prepared and its file still held: not yet deleted (``KEEP_DAYS`` after it was
        made, at once on a purge or when returned). Only a ready export is checked, approved
        or returned, and downloaded."""
        return self.state == JobState.DONE and bool(self.file_name)

    @property
    def lost(self) -> bool:
        """Failed, or prepared and its file deleted since: nobody will check it (make a new
        one)."""
        return self.state == JobState.FAILED or (self.state == JobState.DONE and not self.ready)

    @property
    def removed_documents_left_out(self) -> int:
        """How many documents removed from the person's record (kept, hidden, until the
        retention purge) the export left out: one may have been put on the wrong child's
        record. Told to its approver, never to the requester."""
        return int(self.contents.get("removed_documents", 0))

    @property
    def released(self) -> bool:
        """Approved for release by the named approver: the data team may send it."""
        return self.approved_at is not None

    @property
    def returned(self) -> bool:
        """Returned unapproved by the named approver: never released, never downloaded."""
        return self.returned_at is not None
