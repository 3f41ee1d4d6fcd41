"""API tokens: how a worker's own program reads Locus's JSON API as that worker."""

from __future__ import annotations

from django.db import models

from locus.access.models import Worker


class ApiToken(models.Model):
    """One bearer token of one worker. The secret itself is never stored: only its SHA-256
    (``secret_hash``) and a short ``prefix`` the worker recognises it by.

    SHA-256 rather than a slow password hash: the secret is 32 random bytes (256 bits), so
    there is nothing to guess that a slow hash would protect, and every API request must
    check it quickly. A password needs a slow hash because people choose guessable ones.
    """

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Every token expires (at most a year after it was made: api/services.py MAX_DAYS).
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Why an administrator revoked it, for its worker's tokens page (the notification telling
    # them says only that it was, and links there: free text stays out of notifications).
    revoked_reason = models.CharField(max_length=90, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


# Of two reads that both find their window's row missing, one makes it and the other's INSERT
# fails, so it counts on that row (api/services.py ``_take``).
ONE_ROW_A_WINDOW = models.UniqueConstraint(
    fields=["token", "limit", "window_start"], name="api_read_count_one_per_window"
)


class ApiReadCount(models.Model):
    """How many reads one token has made under one limit (``limit``: "minute" or "day") in
    the fixed window starting at ``window_start`` (docs/api.md, "How fast a token may read").

    A table of Locus's own, not the cache: the count goes up by one statement that checks
    and adds at once (``count = count + 1 ... WHERE count < reads``), so reads served in
    parallel are each counted; a cache's read-then-write loses all but one of them."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="read_counts")
    limit = models.CharField(max_length=16)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = "API read count"
        constraints = [ONE_ROW_A_WINDOW]

    def __str__(self) -> str:
        return f"{self.token_id} {self.limit} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
