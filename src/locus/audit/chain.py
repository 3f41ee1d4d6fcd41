"""The audit trail's hash chain: each row sealed to the one before it.

Three streams (reads, changes, sign-ins), each numbered 1, 2, 3... by ``seq``.
A row's ``row_hash`` is SHA-256 over its stream, seq, plain columns (who, when,
what, which record, about whom), the digest of its content and the ``prev_hash``
it links to (the row_hash of the row before it in the stream). Changing a column,
removing a row or slipping one in breaks either the row's own hash or the link
of the row after it, and :mod:`locus.audit.verify` says which.

The content (a read's purpose and detail, a change's before and after) enters
the row hash as its own digest, ``content_digest``: a purge may blank the content
(``services.redact_about``) and the chain still verifies, because the digest
stays; the verifier checks content against its digest only where it is not
redacted.

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
from typing import Any

import orjson

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
# (succeeded, worker) change once after sealing and are not in the hash.
SIGN_IN = Stream(
    "signin",
    (("username", _text), ("at", _utc), ("ip_address", _text), ("while_locked", _flag)),
    (),
)
STREAMS = (ACCESS, CHANGE, SIGN_IN)
BY_NAME = {s.name: s for s in STREAMS}

CHAIN_FIELDS = ("seq", "prev_hash", "row_hash", "content_digest")

_PLAIN_JSON = frozenset({str, int, bool, type(None), list, tuple, dict})


def _plain_json(values: list[Any]) -> bool:
    """True when ``values`` and all they hold are str, int, bool, None, list, tuple or
    dict (no float: a float's text depends on the writer): the database gives such
    values back as they are, so they need no round trip before hashing."""
    while values:
        if not set(map(type, values)) <= _PLAIN_JSON:
            return False
        inner: list[Any] = []
        for v in values:
            if type(v) is dict:
                if not all(type(k) is str for k in v):
                    return False
                inner.extend(v.values())
            elif type(v) in (list, tuple):
                inner.extend(v)
        values = inner
    return True


def _as_stored(value: Any) -> Any:
    """``value`` as a JSON column gives it back (json.dumps then json.loads)."""
    return json.loads(json.dumps(value))


def _canonical(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an int past 64 bits, say: the standard library's canonical form
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digests(contents: Sequence[Sequence[Any]]) -> list[str]:
    """The content digest of each row's content values (a whole batch at once)."""
    if not contents:
        return []
    flat = [v for content in contents for v in content]
    if not _plain_json(flat):
        contents = [_as_stored(list(content)) for content in contents]
    return [hashlib.sha256(_canonical(list(c))).hexdigest() for c in contents]


def content_digest(content: Sequence[Any]) -> str:
    return content_digests([content])[0]


def row_hash(stream: Stream, seq: int, plain: Sequence[Any], digest: str, prev: str) -> str:
    """The hash of one row: its place, its plain columns (canonical), content, link."""
    return hashlib.sha256(
        orjson.dumps([stream.name, seq, *plain, digest, prev], option=orjson.OPT_SORT_KEYS)
    ).hexdigest()


def plain_values(stream: Stream, get: Callable[[str], Any]) -> list[Any]:
    return [norm(get(name)) for name, norm in stream.plain]


def seal_batch(
    stream: Stream,
    items: Sequence[Any],
    *,
    get: Callable[[Any, str], Any],
    put: Callable[[Any, str, Any], None],
    seq: int,
    prev: str,
) -> tuple[int, str]:
    """Number and hash ``items`` (rows not sealed yet), after ``seq`` and ``prev`` (the
    stream's head); returns the new head. Pure: the caller holds the head's lock."""
    if seq < 0 or len(prev) != 64:
        raise ValueError("seq, prev: not a stream head")
    digests = (
        content_digests([[get(item, name) for name in stream.content] for item in items])
        if stream.content
        else [""] * len(items)
    )
    times: dict[Any, str] = {}  # a bulk batch shares its "at": made canonical once
    for item, digest in zip(items, digests, strict=True):
        seq += 1
        values = []
        for name, norm in stream.plain:
            value = get(item, name)
            if norm is _utc:
                text = times.get(value)
                if text is None:
                    text = times[value] = _utc(value)
                values.append(text)
            else:
                values.append(norm(value))
        sealed = row_hash(stream, seq, values, digest, prev)
        put(item, "seq", seq)
        put(item, "prev_hash", prev)
        put(item, "row_hash", sealed)
        put(item, "content_digest", digest)
        prev = sealed
    return seq, prev


def get_attr(obj: Any, name: str) -> Any:
    return getattr(obj, name)


def put_attr(obj: Any, name: str, value: Any) -> None:
    setattr(obj, name, value)


def get_key(row: dict[str, Any], name: str) -> Any:
    return row.get(name)


def put_key(row: dict[str, Any], name: str, value: Any) -> None:
    row[name] = value


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
