"""The audit trail: every read of a record and every change, append-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db import models, transaction

from locus.access.models import optional_worker
from locus.audit import chain
from locus.common.modelkit import dated_meta


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Break-glass access"
    # Reads refused: an API token past its rate limit (api/throttling.py).
    REFUSED = "refused", "Refused"


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


def chain_fields() -> tuple[models.Field, ...]:
    """Where a row sits in its stream's hash chain (see :mod:`locus.audit.chain`).
    Empty only on a row written around the services (the verifier names it)."""
    return (
        models.BigIntegerField(null=True, blank=True, unique=True, editable=False),
        models.CharField(max_length=64, blank=True, default="", editable=False),
        models.CharField(max_length=64, blank=True, default="", editable=False),
        models.CharField(max_length=64, blank=True, default="", editable=False),
    )


def _seq_of(item: Any) -> Any:
    return item.get("seq") if isinstance(item, dict) else item.seq


class ChainedManager(models.Manager):
    """``bulk_create`` seals the rows too, so no way of writing through Django leaves a
    row out of the chain."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            self.model.seal_new_rows(objs)  # type: ignore[attr-defined]
            return super().bulk_create(objs, *args, **kwargs)


class Chained(models.Model):
    """A table of the trail whose rows are sealed into a hash chain as they are written:
    one at a time by ``save`` (``create``), many at once by ``common.bulk``, which calls
    :meth:`seal_new_rows` in the inserting transaction."""

    stream: ClassVar[chain.Stream]
    seq, prev_hash, row_hash, content_digest = chain_fields()
    objects = ChainedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or self.seq is not None:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            type(self).seal_new_rows([self])
            super().save(*args, **kwargs)

    @classmethod
    def seal_new_rows(cls, items: Sequence[Any]) -> None:
        """Seal the rows among ``items`` (instances, or ``{attname: value}`` dicts) that
        are not sealed yet, in order, after the stream's head; must run in the
        transaction that inserts them."""
        if not items:
            return
        if set(map(type, items)) == {dict}:  # a bulk path's rows: no call of ours per row
            seal = [item for item in items if item.get("seq") is None]
        else:
            seal = [item for item in items if _seq_of(item) is None]
        if not seal:
            return
        seal_rows(ChainHead, cls.stream, seal)


def seal_rows(heads: Any, stream: chain.Stream, items: Sequence[Any]) -> None:
    """Seal new rows ``items`` of ``stream`` after its head, kept in ``heads`` (the
    ChainHead model, or a data migration's historical copy of it), in the inserting
    transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit rows are sealed inside the transaction that writes them")
    head = locked_head(heads, stream.name)
    head.seq, head.row_hash = chain.seal_batch(stream, items, seq=head.seq, prev=head.row_hash)
    head.save(update_fields=["seq", "row_hash"])


def locked_head(heads: Any, stream: str) -> Any:
    """The stream's head in ``heads`` (see :meth:`ChainHead.locked`), locked until the
    transaction ends, made the first time."""
    found = heads.objects.select_for_update().filter(stream=stream).first()
    if found is not None:
        return found
    # Every stream's head at once (a new database's first audit write), so that no
    # later write costs more queries than another; a writer that made them first wins.
    heads.objects.bulk_create([heads(stream=s.name) for s in chain.STREAMS], ignore_conflicts=True)
    return heads.objects.select_for_update().get(stream=stream)


class AuditEvent(Chained):
    """What every read and change carries: who, when, which record, and about whom."""

    # No index of its own: the (actor, at) index below leads with it and serves every lookup by
    # actor (the trail's filter, a worker's deletion check), and every read and write adds a row,
    # so an index fewer is less work on each (a bulk import writes hundreds of thousands).
    actor = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="+", db_index=False
    )
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

    stream = chain.ACCESS

    action = models.CharField(max_length=12, choices=AccessAction.choices)
    record_id = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    redacted_at = redacted_field()


class ChangeEvent(AuditEvent):
    """A service wrote a record; ``before`` and ``after`` hold the changed fields only."""

    stream = chain.CHANGE

    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    record_id = models.CharField(max_length=40)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    redacted_at = redacted_field()


class SignInEvent(Chained):
    """A sign-in attempt, kept for lockout and for the auditors (no password, ever)."""

    stream = chain.SIGN_IN

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


class ChainHead(models.Model):
    """The last seq and row hash of one stream of the trail: what the next row links to.
    Locked while a writer seals, so writers take turns; the verifier also checks that no
    row was removed from the end (the head names a seq the table no longer has)."""

    stream = models.CharField(max_length=10, primary_key=True)
    seq = models.BigIntegerField(default=0)
    row_hash = models.CharField(max_length=64, default=chain.GENESIS)

    def __str__(self) -> str:
        return f"{self.stream} {self.seq}"

    @classmethod
    def locked(cls, stream: str) -> ChainHead:
        """The stream's head, locked until the transaction ends (made the first time)."""
        head: ChainHead = locked_head(cls, stream)
        return head


class ChainCheck(models.Model):
    """One run of the chain's verification, from the command or the auditor's page: what
    the page shows as "last verified". The problems found are kept (the first hundred).
    Asked for from the page, it runs in the background: ``finished_at`` is empty until then."""

    at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    by = optional_worker()
    since = models.DateField(null=True, blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    heads_checked = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)

    Meta = dated_meta("at")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.problem_count} problems"

    @property
    def ok(self) -> bool:
        return self.finished_at is not None and self.problem_count == 0
