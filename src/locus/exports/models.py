"""An export prepared in the background (docs/exports.md): who asked, for what, how far it got.

The file itself lives under the data folder (``settings.DATA_DIR / "exports"``), named by the
run's id and a random token; this row says whether it is ready. A file is written under a
temporary name and renamed only when complete, so a run that died halfway never offers a file.
"""

from __future__ import annotations

from django.db import models

from locus.common.models import JobState


class ExportRun(models.Model):
    asked_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    list_key = models.CharField(max_length=40)  # a key of exports.specs.SPECS, or "annex-a"
    title = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)  # the page's filters, as text
    fmt = models.CharField(max_length=4)  # "csv" or "xlsx"
    state = models.CharField(max_length=10, choices=JobState.choices)
    rows_done = models.PositiveIntegerField(default=0)  # progress while it runs
    row_count = models.PositiveIntegerField(null=True, blank=True)  # once done
    # The ids of the records exported, for the read logged on each download.
    row_keys = models.JSONField(default=list, blank=True)
    people_named = models.JSONField(default=list, blank=True)  # the people its rows named
    # The asker's role, scope and team when the file was made (``access.exports.sight_of``):
    # a file downloads only while they are the same. Empty (a run from before it was
    # recorded, or not yet made): withdrawn.
    made_with = models.JSONField(default=dict, blank=True)
    # Of ``people_named``, those it gave as a forum share shows them (seen only through one
    # when it was made): the others must still be seen in the asker's own right.
    people_shared = models.JSONField(default=list, blank=True)
    # The withheld homes whose address it gave: the asker must still be allowed to see where.
    addresses_shown = models.JSONField(default=list, blank=True)
    file_name = models.CharField(max_length=200, blank=True)  # under DATA_DIR/exports, once done
    problem = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["asked_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.fmt.upper()}), {self.get_state_display()}"


class PseudonymKey(models.Model):
    """A named key for the pseudonymised analysis extract: the same key gives the same
    pseudonyms in every extract made with it, so analyses can be joined over time. Made by an
    administrator; the secret is never shown again once made (it is used, not read)."""

    name = models.CharField(max_length=60, unique=True)
    secret = models.CharField(max_length=128, editable=False)
    created_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
