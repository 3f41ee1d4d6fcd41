"""An export logged as a read of what it held: the ids of its rows and the people they name, so
the trail's search by person, and a subject access package, find the download. Here, beside the
trail, because the trail's own download is logged this way too and the trail may not depend on
the lists that exports draw (import-linter: audit knows no feature built on it)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import record_access

if TYPE_CHECKING:
    from locus.access.models import Worker

PROGRESS_EVERY = 500  # rows between reports of a background export's progress


class Sent(NamedTuple):
    """One line of a streamed download: its record's id, its cells and the people it names."""

    key: str
    cells: Sequence[object]
    people: Sequence[int]


@dataclass
class Tally:
    """What an export held, counted as its rows are written."""

    keys: list[str] = field(default_factory=list)
    people: set[int] = field(default_factory=set)
    addresses: set[int] = field(default_factory=set)  # withheld homes' addresses given
    progress: Callable[[int], None] | None = None

    def count(self, key: str, people: Any = ()) -> None:
        self.keys.append(key)
        self.people.update(people)
        if self.progress is not None and len(self.keys) % PROGRESS_EVERY == 0:
            self.progress(len(self.keys))


def export_logged(
    *, actor: Worker, record_type: str, what: str, params: dict[str, str], fmt: str, tally: Tally
) -> AccessEvent:
    """Log an export of ``what`` as a read of what it held (``tally``): its rows' ids and the
    people they named, so the trail's search by person, and a subject access package, find it."""
    return record_access(
        actor=actor,
        record_type=record_type,
        action=AccessAction.EXPORT,
        detail={
            "export": what,
            "format": fmt,
            "filters": params,
            "rows": len(tally.keys),
            "shown": tally.keys,
            "people_shown": sorted(tally.people),
        },
    )


def logged_as_sent(
    lines: Iterable[Sent],
    *,
    actor: Worker,
    record_type: str,
    what: str,
    params: dict[str, str],
    fmt: str,
) -> Generator[Sequence[object], None, None]:
    """Each line's cells, for a download streamed as it is read (too long to hold), logged as
    :func:`export_logged` logs any export once the stream ends, however it ends: a download
    stopped halfway is logged with what it sent."""
    tally = Tally()
    try:
        for line in lines:
            tally.count(line.key, line.people)
            yield line.cells
    finally:
        export_logged(
            actor=actor, record_type=record_type, what=what, params=params, fmt=fmt, tally=tally
        )
