"""Checking the audit trail's hash chain (``locus audit verify`` and the chain page).

Each stream is walked in seq order. For every row the verifier recomputes its hash
from its columns and the ``prev_hash`` it carries ("is the row as it was sealed?")
and compares ``prev_hash`` with the hash of the row before it ("is it where it was
sealed?"). Together these name what happened:

* **edited**: the row's columns no longer give its hash (its link still fits);
* **content changed**: the content (purpose and detail, before and after) no longer
  gives the digest sealed into the row, and the row was not redacted;
* **deleted**: a seq is missing, or the stream's head names a seq past the last row;
* **inserted**: a row that fits neither its own hash nor the chain (a raw insert with a
  made-up hash), a row past the stream's recorded head, or one with no seq at all;
* **redacted without a purge**: content blanked though no purge removed anyone it
  was about (a purge deletes the person, and the trail has that change) nor redacted
  its record (a redaction by record writes a change row naming the records:
  ``services.redact_records``) nor redacted the event itself by its id (a change row
  naming the events: ``services.redact_reads``);
* **head mismatch**: a day head kept outside the database (``--heads``) no longer
  matches its row: the chain was rewritten after the heads were exported.

This module only reads; :mod:`locus.audit.services` records a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Max, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from locus.audit import chain
from locus.audit.models import AccessEvent, ChainHead, ChangeEvent, SignInEvent
from locus.common.ids import parse_ids

MODELS: dict[str, Any] = {"access": AccessEvent, "change": ChangeEvent, "signin": SignInEvent}
CHUNK = 5000
SIGN_IN = "audit.signinevent"  # the record type of a sign-in's settlement (services)
REDACTION = "audit.redaction"  # the record type of a redaction by record (services)
# Where an event's record type and id sit among its stream's plain columns.
RECORD_AT = chain.CHANGE.plain_names.index("record_type")

EDITED = "edited"
CONTENT = "content changed"
DELETED = "deleted"
INSERTED = "inserted"
REDACTED = "redacted without a purge"
HEAD = "head mismatch"


@dataclass(frozen=True)
class Problem:
    stream: str
    seq: int | None
    id: int | None
    kind: str
    message: str

    def line(self) -> str:
        return f"{self.stream} seq {self.seq} id {self.id}: {self.kind}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    rows: int = 0
    heads_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            heads = f", {self.heads_checked} exported heads match" if self.heads_checked else ""
            return f"Audit chain verified: {self.rows} rows in {len(MODELS)} streams{heads}."
        return f"Audit chain: {len(self.problems)} problems in {self.rows} rows."


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _purged_people() -> set[int]:
    """The people a purge removed: the trail keeps each deletion of a person."""
    ids = ChangeEvent.objects.filter(record_type="people.person", action="delete").values_list(
        "record_id", flat=True
    )
    return set(parse_ids(ids))


def _redacted_records() -> set[tuple[str, str]]:
    """The records whose events a purge redacted by record: (record type, id)."""
    found: set[tuple[str, str]] = set()
    rows = ChangeEvent.objects.filter(record_type=REDACTION).values_list("record_id", "after")
    for record_type, after in rows:
        ids = after.get("ids") if isinstance(after, dict) else None
        if isinstance(ids, list):
            found.update((record_type, str(pk)) for pk in ids)
    return found


@dataclass(frozen=True)
class Purged:
    """What purges removed, for the "redacted without a purge" check."""

    people: set[int]
    records: set[tuple[str, str]]

    def covers(
        self, record_type: str, record_id: str, people: str, event: tuple[str, str] = ("", "")
    ) -> bool:
        """Whether a purge removed the event's people or its record, or redacted the event
        itself by its id (``event``: its table's label and its id; ``redact_reads``)."""
        return (
            bool(_people(people) & self.people)
            or (record_type, record_id) in self.records
            or event in self.records
        )


def purges() -> Purged:
    """What every purge so far removed, as the trail records it."""
    return Purged(_purged_people(), _redacted_records())


def _people(text: str) -> set[int]:
    return {int(p) for p in text.split(",") if p.isdecimal()}


def _rows(model: Any, names: list[str], first_seq: int | None) -> Iterator[tuple[Any, ...]]:
    rows = model.objects.filter(seq__isnull=False)
    if first_seq is not None:
        rows = rows.filter(seq__gte=first_seq)
    return rows.order_by("seq").values_list(*names).iterator(chunk_size=CHUNK)


def _first_seq(model: Any, since: dt.date | None) -> int | None:
    if since is None:
        return None
    found = model.objects.filter(seq__isnull=False, at__gte=start_of(since)).aggregate(
        first=Min("seq")
    )["first"]
    return -1 if found is None else found


def verify_stream(
    stream: chain.Stream,
    *,
    since: dt.date | None = None,
    purged: Purged | None = None,
    settled: dict[int, Any] | None = None,
) -> Result:
    """Walk one stream in seq order (from the first row on ``since``, linked to the row
    before it) and report what does not fit."""
    model = MODELS[stream.name]
    redactable = bool(stream.blanks)
    names = [
        "id",
        "seq",
        "prev_hash",
        "row_hash",
        "content_digest",
        *stream.plain_names,
        *stream.content,
        *(["redacted_at", "people"] if redactable else []),
        *(["succeeded", "worker_id"] if stream is chain.SIGN_IN else []),
    ]
    result = Result()
    found = result.problems

    def problem(kind: str, seq: int | None, pk: int | None, message: str) -> None:
        found.append(Problem(stream.name, seq, pk, kind, message))

    head = ChainHead.objects.filter(stream=stream.name).values_list("seq", "row_hash").first()
    head_seq = head[0] if head is not None else None
    first = _first_seq(model, since)
    last_seq: int = 0
    last_hash: str | None = chain.GENESIS
    if first is not None:
        # Linked to the row before the first one checked (when none is left: trusted).
        earlier = model.objects.filter(seq__isnull=False)
        if first != -1:
            earlier = earlier.filter(seq__lt=first)
        before = earlier.order_by("-seq").values_list("seq", "row_hash").first()
        last_seq, last_hash = before or (max(first - 1, 0), None)
    rows = _rows(model, names, first) if first != -1 else iter(())
    while batch := list(islice(rows, CHUNK)):
        last_seq, last_hash = _check(
            stream, batch, (last_seq, last_hash), head_seq, problem, purged, settled
        )
        result.rows += len(batch)
    if head_seq is not None and head_seq > last_seq:
        problem(
            DELETED,
            last_seq + 1,
            None,
            f"seq {last_seq + 1} to {head_seq} missing at the end (the stream's head names them)",
        )
    elif head is not None and head_seq == last_seq and last_hash not in (None, head[1]):
        problem(EDITED, last_seq, None, "the last row's hash is not the stream's recorded head")
    for pk in model.objects.filter(seq__isnull=True).values_list("id", flat=True):
        result.rows += 1
        problem(INSERTED, None, pk, "a row with no place in the chain (written around it)")
    return result


def _check(
    stream: chain.Stream,
    rows: list[tuple[Any, ...]],
    last: tuple[int, str | None],
    head_seq: int | None,
    problem: Any,
    purged: Purged | None,
    settled: dict[int, Any] | None = None,
) -> tuple[int, str | None]:
    """Check a batch of rows (in seq order) after the last accepted row (seq, hash)."""
    last_seq, last_hash = last
    label = MODELS[stream.name]._meta.label_lower  # an event redacted by its id: its table
    plain_at = 5
    content_at = plain_at + len(stream.plain)
    extra_at = content_at + len(stream.content)
    contents = [list(row[content_at:extra_at]) for row in rows]
    digests = chain.content_digests(contents) if stream.content else [""] * len(rows)
    for row, digest in zip(rows, digests, strict=True):
        pk, seq, prev, sealed, sealed_digest = row[:5]
        values = row[plain_at:content_at]
        plain = [norm(v) for (_, norm), v in zip(stream.plain, values, strict=True)]
        own = chain.row_hash(stream, seq, plain, sealed_digest, prev) == sealed
        links = last_hash is None or prev == last_hash
        if not own and not links:
            problem(INSERTED, seq, pk, "neither its hash nor its link fits: not written here")
            continue  # the next row is checked against the row before this one
        if head_seq is not None and seq > head_seq:
            problem(INSERTED, seq, pk, f"past the stream's recorded head (seq {head_seq})")
            continue
        if not own:
            problem(EDITED, seq, pk, "its columns no longer give its hash")
        elif not links and seq > last_seq + 1:
            gone = f"seq {last_seq + 1}" + (f" to {seq - 1}" if seq > last_seq + 2 else "")
            problem(DELETED, last_seq + 1, None, f"{gone} missing before id {pk}")
        elif not links:
            problem(
                EDITED,
                seq,
                pk,
                f"its link is not the hash of seq {last_seq}: that row was rewritten,"
                " or this one put in its place",
            )
        elif seq != last_seq + 1:
            problem(EDITED, seq, pk, f"seq {seq} follows seq {last_seq}")
        if settled is not None and stream is chain.SIGN_IN:
            _check_outcome(row[extra_at:], settled.get(pk), seq, pk, problem)
        if stream.blanks:
            redacted_at, people = row[extra_at:]
            blank = list(row[content_at:extra_at]) == list(stream.blanks)
            record_type, record_id = values[RECORD_AT : RECORD_AT + 2]
            if (
                redacted_at is not None
                and purged is not None
                and not purged.covers(record_type, record_id, people, (label, str(pk)))
            ):
                problem(
                    REDACTED, seq, pk, "content blanked, but no purge removed its people or record"
                )
            if not (redacted_at is not None and blank) and digest != sealed_digest:
                problem(CONTENT, seq, pk, "its content no longer gives the digest sealed in it")
        last_seq, last_hash = seq, sealed
    return last_seq, last_hash


def _check_outcome(
    outcome: tuple[Any, ...], settlement: Any, seq: int, pk: int, problem: Any
) -> None:
    """A sign-in shown as succeeded must have been settled so, for the same worker, by the
    change row written when it happened (its outcome is not in its own hash)."""
    succeeded, worker_id = outcome
    if succeeded and (settlement is None or settlement != worker_id):
        problem(EDITED, seq, pk, "shown as signed in, which the trail never recorded")
    elif not succeeded and settlement is not None:
        problem(EDITED, seq, pk, "shown as failed, but the trail recorded it signed in")


def _settlements() -> dict[int, Any]:
    """The sign-ins the trail recorded as succeeded: attempt id to worker id."""
    found: dict[int, Any] = {}
    rows = ChangeEvent.objects.filter(record_type=SIGN_IN, action="update").values_list(
        "record_id", "after"
    )
    for record_id, after in rows:
        if record_id.isdecimal() and isinstance(after, dict):
            found[int(record_id)] = after.get("worker_id")
    return found


def verify(*, since: dt.date | None = None, heads: Iterable[chain.Head] = ()) -> Result:
    """Check every stream (from ``since``) and, given exported day heads, that each still
    matches its row."""
    result = Result()
    purged = purges()
    settled = _settlements()
    for stream in chain.STREAMS:
        part = verify_stream(stream, since=since, purged=purged, settled=settled)
        result.rows += part.rows
        result.problems.extend(part.problems)
    for head in heads:
        if since is not None and head.day < since:
            continue
        result.heads_checked += 1
        found = (
            MODELS[head.stream].objects.filter(seq=head.seq).values_list("id", "row_hash").first()
        )
        if found is None:
            result.problems.append(
                Problem(head.stream, head.seq, None, HEAD, f"the head of {head.day} is gone")
            )
        elif found[1] != head.row_hash:
            result.problems.append(
                Problem(
                    head.stream,
                    head.seq,
                    found[0],
                    HEAD,
                    f"not the head exported for {head.day}: the chain was rewritten since",
                )
            )
    return result


def day_heads(*, since: dt.date | None = None, until: dt.date | None = None) -> list[chain.Head]:
    """Each day's head in each stream: the hash of the last row written that day (local
    days, as the trail's pages show them), oldest day first."""
    heads: list[chain.Head] = []
    for stream in chain.STREAMS:
        model = MODELS[stream.name]
        rows = model.objects.filter(seq__isnull=False)
        if since is not None:
            rows = rows.filter(at__gte=start_of(since))
        if until is not None:
            rows = rows.filter(at__lt=start_of(until + dt.timedelta(days=1)))
        last = dict(
            rows.annotate(day=TruncDate("at"))
            .values("day")
            .annotate(last=Max("seq"))
            .values_list("day", "last")
            .order_by()
        )
        hashes = dict(
            model.objects.filter(seq__in=list(last.values())).values_list("seq", "row_hash")
        )
        heads.extend(
            chain.Head(day, stream.name, seq, hashes[seq])
            for day, seq in last.items()
            if seq in hashes
        )
    heads.sort(key=lambda h: (h.day, h.stream))
    return heads
