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
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    case = models.ForeignKey(
        "casework.ContextCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    meeting = models.ForeignKey(
        "cocase.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    dated = models.DateField(help_text="The date the document bears (a letter's, a report's).")
    description = models.TextField(blank=True)
    uploaded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-dated", "-id"]
        indexes = [
            models.Index(fields=["person", "dated"]),
            models.Index(fields=["case", "dated"]),
            models.Index(fields=["meeting", "dated"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, case__isnull=True, meeting__isnull=True)
                    | models.Q(person__isnull=True, case__isnull=False, meeting__isnull=True)
                    | models.Q(person__isnull=True, case__isnull=True, meeting__isnull=False)
                ),
                name="document_belongs_to_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.title


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
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"
