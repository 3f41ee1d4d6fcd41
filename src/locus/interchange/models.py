"""One import of one file: what was uploaded, how far it has got, and what it found.

A run moves through its states in order (``RunState``): the file is uploaded, checked (the
dry run, which writes nothing), and, once someone of the data team has read the dry run's
report and confirmed, imported in one transaction. Either pass may fail (the message is
kept) and an unconfirmed run may be cancelled. The file stays in the data folder beside
the run, so the report can always be traced to the bytes it was made from.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import optional_worker


class RunState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ImportRun(models.Model):
    kind = models.CharField(max_length=40, help_text="The importer's name (registry).")
    # The uploaded name, sanitised: shown on pages only. The bytes are kept under a
    # generated name (``stored_path``, relative to the data folder's imports/).
    original_name = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=300, unique=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.UPLOADED)
    # Bytes read of ``progress_total`` in the pass under way (the importers report bytes).
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    check_report = models.JSONField(null=True, blank=True)  # core.Report.as_dict()
    apply_report = models.JSONField(null=True, blank=True)
    valid_only = models.BooleanField(default=False)
    rejects_path = models.CharField(max_length=300, blank=True)
    confirmed_by = optional_worker()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True, help_text="Why the run failed, in words.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
