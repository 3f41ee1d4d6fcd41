"""Documents attached to a child's record, a context case or a peer group mapping meeting.

A document is the thing a worker names (a title, a kind, a date); its bytes are
its versions: uploading a replacement adds a version and keeps the ones before
it, so what a meeting or a decision relied on can still be read. Nothing here is
deleted by a worker: "removing" a document hides it from every page and keeps the
row (and its bytes) for the audit trail, until the retention purge
(``services.document_version_purge``) deletes the bytes.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Team, set_aside_fields
from locus.common.modelkit import dated_indexes, exactly_one, once_each, optional_fk


class DocumentKind(models.TextChoices):
    REPORT = "report", "Report"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    MINUTES = "minutes", "Minutes or notes of a meeting"
    LETTER = "letter", "Letter or email"
    CONSENT = "consent", "Consent or agreement"
    PHOTO = "photo", "Photograph or image"
    COURT = "court", "Court or legal document"
    OTHER = "other", "Other"


class Document(models.Model):
    # Exactly one of these three is set (the constraint below): the record the document
    # belongs to decides who may read it (``access/documents.py``). PROTECT: a record's
    # documents are purged with their bytes (services.document_version_purge) before the
    # record itself, so no file is left on disk without a row that names it.
    person = optional_fk("people.Person", "documents")
    case = optional_fk("casework.ContextCase", "documents")
    meeting = optional_fk("cocase.Meeting", "documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    dated = models.DateField(help_text="The date the document bears (a letter's, a report's).")
    description = models.TextField(blank=True)
    uploaded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    # Kept from the upload: a manager of this team replaces or removes the document
    # (access/documents.py), not of whichever team the uploader moves to later.
    uploader_team = optional_fk(
        Team, help_text="The uploader's team when uploaded: its managers may change it."
    )
    removed_at, removed_by, removed_reason = set_aside_fields()

    class Meta:
        ordering = ["-dated", "-id"]
        indexes = dated_indexes("dated", "person", "case", "meeting")
        constraints = [exactly_one("document_belongs_to_one_record", "person", "case", "meeting")]

    def __str__(self) -> str:
        return self.title

    def audit_people(self) -> list[object]:
        """Whom the document's audit events speak of beside its person
        (``audit.services.people_of``), whom its title, description and file name may name: a
        meeting's paper, the meeting's own (its children and the people in its map), as its
        minutes may; a context case's, the case's children (``ContextCase.linked_child_ids``:
        in incidents at its context, named in its referrals, on its plan, the group's current
        members, a home's residents), as its assessment and conferences may."""
        if self.meeting_id is not None:
            return self.meeting.audit_people()
        if self.case_id is not None:
            return sorted(self.case.linked_child_ids())
        return []


class DocumentVersion(models.Model):
    """One upload of a document's bytes. The latest is the document as it stands."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Generated (never the uploaded name), so nothing about the file, the child or the
    # uploader shows on disk or in a bucket, and no name can be guessed.
    stored_name = models.CharField(max_length=200, unique=True)
    # The uploaded name, sanitised: shown on pages and given back as the download's name.
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, help_text="Sniffed from the bytes.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    # Set when the retention purge deleted the bytes: the row stays, for the trail.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [once_each("document_version_number", ["document", "number"])]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def audit_people(self) -> list[object]:
        """Whom the version's audit events speak of (``audit.services.people_of``): its
        document's, whose file's name they hold."""
        return [self.document.person_id, *self.document.audit_people()]
