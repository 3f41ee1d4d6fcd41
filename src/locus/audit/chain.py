"""The audit trail's hash chain: each row sealed to the one before it.

Three streams (reads, changes, sign-ins), each numbered 1, 2, 3... by ``seq``.
A row's ``row_hash`` is SHA-256 over its stream, seq, plain columns (who, when,
what, which record, about whom), the digest of its content and the ``prev_hash``
it links to (the row_hash of the row before it in the stream). Changing a column,
removing a row or slipping one in breaks either the row's own hash or the link
of the row after it, and :mod:`locus.audit.verify` says which.

The content (a read's purpose and detail, a change's before and after) enters
the row hash as its own digest, ``content_digest``: a purge may blank the content
(``services.redact_about``, ``services.redact_records``) and the chain still
verifies, because the digest stays; the verifier checks content against its
digest only where it is not redacted.

Rows are sealed as they are written, in the writing transaction: one at a time
through the models' ``save`` (``write_event``, ``create``), many at once through
``common.bulk`` (``seal_new_rows``), which hashes a whole batch in one pass with
no query per row. Each stream's last seq and hash are kept in a
:class:`~locus.audit.models.ChainHead` row, locked while a writer seals (on
PostgreSQL ``SELECT ... FOR UPDATE``; SQLite's write lock already serialises
writers), so two writers never take the same seq.

What is hashed is the value as the database gives it back, so that the verifier,
reading the row later, computes the same bytes: times as UTC ISO text to the
microsecond, ids as numbers, text as text, JSON as orjson writes it with sorted
keys after the same round trip the database makes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from django.db import models

GENESIS = "0" * 64  # what the first row of a stream links to


def _utc(value: Any) -> str:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError(f"at: an aware datetime is needed to seal an audit row, not {value!r}")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any) -> bool:
    return bool(value)


_IP: models.GenericIPAddressField = models.GenericIPAddressField(null=True)


def _ip(value: Any) -> str | None:
    """An address as the database keeps it: IPv6 in its short form, none for blank."""
    return _IP.get_prep_value(value) or None


@dataclass(frozen=True)
class Stream:
    """How one audit table is chained: its name, the plain columns hashed as they are
    (each with how to make the value canonical), the content columns hashed as a digest
    and what a redaction leaves in them."""

    name: str
    plain: tuple[tuple[str, Callable[[Any], Any]], ...]
    content: tuple[str, ...]
    blanks: tuple[Any, ...] = ()

    @property
    def plain_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.plain)


_EVENT = (
    ("actor_id", _int),
    ("at", _utc),
    ("action", _text),
    ("record_type", _text),
    ("record_id", _text),
    ("people", _text),
)
ACCESS = Stream("access", _EVENT, ("purpose", "detail"), ("", {}))
CHANGE = Stream("change", _EVENT, ("before", "after"), ({}, {}))
# A sign-in attempt is written as failed before the password is checked (so that a
# kill mid-check still counts it) and marked succeeded after: the outcome columns
# (succeeded, worker) change once after sealing and are not in the hash. The success is
# sealed as a change row of its own (services.settle_sign_in), which the verifier holds
# the attempt to.
SIGN_IN = Stream(
    "signin",
    (("username", _text), ("at", _utc), ("ip_address", _ip), ("while_locked", _flag)),
    (),
)
STREAMS = (ACCESS, CHANGE, SIGN_IN)
BY_NAME = {s.name: s for s in STREAMS}

CHAIN_FIELDS = ("seq", "prev_hash", "row_hash", "content_digest")

# orjson writes dicts with sorted keys; a date or dataclass it would write and json.dumps
# would not (so the database never holds one) is refused like any other unknown value.
_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _canonical(value: Any) -> bytes:
    """``value`` (JSON the database holds) as canonical bytes.

    orjson's text of a value equals its text of what the database gives back for it: a
    tuple is written as a list either way, a float as the shortest text that reads back
    as the same float. What orjson refuses (a key that is not a string, an int past 64
    bits) is made what the database gives back first (json.dumps, json.loads), then
    written by orjson, or where it still refuses, by json.dumps with sorted keys."""
    try:
        return orjson.dumps(value, option=_JSON)
    except TypeError:
        stored = json.loads(json.dumps(value))
    try:
        return orjson.dumps(stored, option=_JSON)
    except TypeError:
        return json.dumps(
            stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()


def content_digests(contents: Iterable[Sequence[Any]]) -> list[str]:
    """The content digest of each row's content values (a whole batch at once)."""
    sha, dumps = hashlib.sha256, orjson.dumps
    rows = list(contents)
    try:
        # The usual case in one loop with no call of ours per row (a bulk import seals a
        # hundred thousand): orjson writes a tuple as the list _canonical would make of it.
        return [sha(dumps(c, option=_JSON)).hexdigest() for c in rows]
    except TypeError:  # a value orjson refuses: each row its own way, as _canonical says
        return [sha(_canonical(list(c))).hexdigest() for c in rows]


def content_digest(content: Sequence[Any]) -> str:
    return content_digests([content])[0]


def row_hash(stream: Stream, seq: int, plain: Sequence[Any], digest: str, prev: str) -> str:
    """The hash of one row: its place, its plain columns (canonical), content, link."""
    return hashlib.sha256(orjson.dumps([stream.name, seq, *plain, digest, prev])).hexdigest()


# The value types each canonical form leaves as they are: a column of only these is
# taken whole, with no call per value (a bulk import seals a hundred thousand rows).
_KEPT: dict[Any, frozenset[type]] = {
    _int: frozenset({int, type(None)}),
    _text: frozenset({str, type(None)}),
    _flag: frozenset({bool}),
}


def _canonical_column(norm: Callable[[Any], Any], column: list[Any]) -> list[Any]:
    types = set(map(type, column))
    if types <= _KEPT.get(norm, frozenset()):
        return column
    if norm is _utc and len(column) > 1:  # a batch shares its "at": each made canonical once
        memo = {value: _utc(value) for value in set(column)}
        return list(map(memo.__getitem__, column))
    return list(map(norm, column))


def seal_batch(stream: Stream, items: Sequence[Any], *, seq: int, prev: str) -> tuple[int, str]:
    """Number and hash ``items`` (new rows: model instances, or ``{attname: value}``
    dicts), in order, after ``seq`` and ``prev`` (the stream's head), setting their chain
    fields; returns the new head. Pure: the caller holds the head's lock. A column at a
    time, then one loop of two hashes a row."""
    if seq < 0 or len(prev) != 64:
        raise ValueError("seq, prev: not a stream head")
    if not items:
        return seq, prev
    dicts = isinstance(items[0], dict)
    pick = itemgetter if dicts else attrgetter

    def column(name: str) -> list[Any]:
        return list(map(pick(name), items))

    if stream.content:
        digests = content_digests(zip(*map(column, stream.content), strict=True))
    else:
        digests = [""] * len(items)
    plain = [_canonical_column(norm, column(name)) for name, norm in stream.plain]
    name = stream.name
    sha, dumps = hashlib.sha256, orjson.dumps
    links, hashes = [], []
    for values, digest in zip(zip(*plain, strict=True), digests, strict=True):
        seq += 1
        links.append(prev)
        prev = sha(dumps([name, seq, *values, digest, prev])).hexdigest()
        hashes.append(prev)
    first = seq - len(items) + 1
    if dicts:
        for row, number, link, sealed, digest in zip(
            items, range(first, seq + 1), links, hashes, digests, strict=True
        ):
            row["seq"], row["prev_hash"], row["row_hash"], row["content_digest"] = (
                number,
                link,
                sealed,
                digest,
            )
    else:
        for obj, number, link, sealed, digest in zip(
            items, range(first, seq + 1), links, hashes, digests, strict=True
        ):
            obj.seq, obj.prev_hash, obj.row_hash, obj.content_digest = number, link, sealed, digest
    return seq, prev


@dataclass(frozen=True)
class Head:
    """A day's head: the last row of a stream written that day, to keep outside."""

    day: dt.date
    stream: str
    seq: int
    row_hash: str

    def line(self) -> str:
        return f"{self.day.isoformat()} {self.stream} {self.seq} {self.row_hash}"


def heads_text(heads: Iterable[Head], *, written: dt.datetime) -> str:
    """Day heads as the plain lines ``locus audit heads`` writes and ``verify`` reads."""
    lines = [
        "# Locus audit trail day heads: day, stream, last seq that day, its row hash.",
        f"# Written {_utc(written)}. Keep a copy outside the database.",
        *(h.line() for h in heads),
    ]
    return "\n".join(lines) + "\n"


def parse_heads(text: str) -> list[Head]:
    """The heads in a heads file; ValueError naming the line for anything else."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        try:
            if len(parts) != 4:
                raise ValueError("four parts are needed: day, stream, seq, hash")
            day = dt.date.fromisoformat(parts[0])
            if parts[1] not in BY_NAME:
                raise ValueError(f"unknown stream {parts[1]!r}")
            seq = int(parts[2])
            digest = parts[3].lower()
            if seq < 1 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError("the seq or the hash is not well formed")
        except ValueError as e:
            raise ValueError(f"heads file line {number}: {e}") from None
        found.append(Head(day, parts[1], seq, digest))
    return found
