"""What every import has in common: the problems it finds, its report, and its two passes.

An importer reads one kind of file (a CIN census return, SSDA903 tables, a flat CSV or
XLSX list). It works in two passes over the file, so that nothing is written before the
data team has seen what would happen:

- :meth:`Importer.check` (the dry run) reads the whole file, streaming it, and writes
  nothing. It reports every invalid record with where it is (a line, or an XPath) and the
  rule it breaks, and counts what would be created, updated and left alone.
- :meth:`Importer.apply` reads the file again and writes, all in one transaction: either
  every record goes in, or (when ``valid_only`` is asked for) every valid one does and the
  rejected ones are listed in the report. A failure part way (an error, a killed worker)
  rolls the whole transaction back, so a rerun starts from the same place.

Both passes call ``progress(done, total)`` as they go, where ``total`` is the file's size
in bytes and ``done`` how far the reader has got, so the command line and the page can
show a progress bar without counting the records first.
"""

from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from locus.access.models import Worker
    from locus.people.models import Person

Progress = Callable[[int, int], None]

# The report keeps at most this many problems in full (the counts stay exact): a file with a
# wrong column gives the same problem on every line, and a report of a million lines helps
# nobody. The rejects file written for a valid-only import lists every rejected record.
MAX_PROBLEMS_KEPT = 1000

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
REJECTED = "rejected"


def no_progress(done: int, total: int) -> None:
    """The progress callback for callers that show none."""


def differences(held: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    """Those of ``wanted``'s values that the record ``held`` does not hold already."""
    return {k: v for k, v in wanted.items() if getattr(held, k) != v}


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Within the block, Python's cycle collector does not run (it runs as usual after).

    An import holds hundreds of thousands of live objects (the rows it is about to write, the
    keys it has seen), and the collector walks all of them each time it runs: at 20,000
    children that was a sixth of the processor time, for nothing (the rows are not garbage).
    Reference counting still frees everything as usual; only cycles wait for the end. The
    collector is the process's: imports run in the task worker (``interchange.tasks``), whose
    other work meanwhile goes without it too, for the minutes an import takes at most.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, in words the data team can act on.

    ``where`` is how to find it: ``"line 14"`` for a CSV, an XPath such as
    ``"/Message/Children/Child[3]/ChildIdentifiers/UPN"`` (with its line) for XML.
    ``field`` names the column or element, ``rule`` the rule broken (a short stable
    code such as ``"date"``, ``"code"``, ``"required"``, ``"duplicate"``, ``"schema"``)
    and ``message`` says it plainly. ``record`` is the record's key (its LAchildID, say)
    when it is known, so a reject can be traced to the source system. ``about`` is the id of
    the record Locus holds that the message names, if any (set by :meth:`Report.problem`):
    a page showing the problem is logged as a read of it. The rejects file leaves it out.
    """

    where: str
    field: str
    rule: str
    message: str
    record: str = ""
    about: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
            "record": self.record,
            "about": self.about,
        }


# Where every problem goes as well as the report, while a caller listens (the runner writing
# a valid-only import's rejects file): the report keeps the first MAX_PROBLEMS_KEPT, the
# rejects file must list them all, and importers need not know about it.
_problem_sink: ContextVar[Callable[[Problem], None] | None] = ContextVar(
    "locus_import_problem_sink", default=None
)


@contextmanager
def problems_to(sink: Callable[[Problem], None]) -> Iterator[None]:
    """Hand every problem any :class:`Report` records in this block to ``sink`` too."""
    token = _problem_sink.set(sink)
    try:
        yield
    finally:
        _problem_sink.reset(token)


class FileRejected(Exception):
    """The file as a whole cannot be read (truncated XML, wrong namespace or schema year,
    a missing column, the wrong encoding, too big): nothing in it is imported."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(f"{problem.where}: {problem.field}: {problem.message}")


@dataclass
class Report:
    """What a pass found: counts per record kind and outcome, and the problems.

    ``counts["person"]["created"]`` is how many people were (or, in a dry run, would be)
    created. ``problems_total`` counts every problem; ``problems`` keeps the first
    :data:`MAX_PROBLEMS_KEPT`. ``people`` holds the ids of the records Locus holds that any
    problem is about (a record holding the UPN a return gives another child, say), every
    one, kept or not: the rejects file lists every problem, so downloading it is logged as a
    read of them all. Each problem names its own (``Problem.about``): a page showing some of
    the problems is logged as a read of theirs only.
    """

    kind: str
    dry_run: bool
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    records_read: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    people: set[int] = field(default_factory=set)

    def count(self, record_kind: str, outcome: str, n: int = 1) -> None:
        # Called for every record read: no Counter made (for setdefault) when one is held.
        counter = self.counts.get(record_kind)
        if counter is None:
            counter = self.counts[record_kind] = Counter()
        counter[outcome] += n

    def problem(self, problem: Problem, *, about: Person | None = None) -> None:
        """Add ``problem``; ``about`` is the record Locus holds that it names, if any."""
        # A record the import is about to create (no id yet) is nobody Locus holds.
        if about is not None and about.pk is not None:
            self.people.add(about.pk)
            problem = replace(problem, about=about.pk)
        self.problems_total += 1
        sink = _problem_sink.get()
        if sink is not None:
            sink(problem)
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return self.problems_total == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "counts": {k: dict(v) for k, v in sorted(self.counts.items())},
            "problems": [p.as_dict() for p in self.problems],
            "problems_total": self.problems_total,
            "records_read": self.records_read,
            "details": self.details,
            "people": sorted(self.people),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            kind=data["kind"],
            dry_run=data["dry_run"],
            counts={k: Counter(v) for k, v in data["counts"].items()},
            problems=[Problem(**p) for p in data["problems"]],
            problems_total=data["problems_total"],
            records_read=data["records_read"],
            details=data.get("details", {}),
            people=set(data.get("people", ())),
        )


class Importer(ABC):
    """One kind of file. Importers are listed in :mod:`locus.interchange.registry`."""

    # The name on the command line (``locus import cin FILE``) and in the database.
    kind: str
    # What the page calls it ("CIN census return (XML)").
    label: str
    # The file names it takes, for the upload form ("XML", "CSV or XLSX").
    accepts: str

    @abstractmethod
    def check(self, path: Path, *, progress: Progress = no_progress) -> Report:
        """The dry run: read everything, write nothing, report. Raises :class:`FileRejected`
        when the file as a whole cannot be read."""

    def apply(
        self,
        path: Path,
        *,
        by: Worker,
        valid_only: bool = False,
        progress: Progress = no_progress,
    ) -> Report:
        """Write, in one transaction, and audit as ``by``. Without ``valid_only`` any problem
        means nothing is written (:class:`FileRejected` or the report with problems and no
        writes, ``report.details["written"] = False``)."""
        # Every importer's rules of who writes and of all-or-valid, kept here so that none can
        # get them wrong: ``by`` is an active administrator as the pass begins (the one who
        # confirmed it may have left, or lost the role, while it waited for the task worker).
        # Imported here: this module is read before Django is set up (``locus.cli``).
        from locus.access.interchange import require_importer

        require_importer(by)
        with transaction.atomic(), cycles_uncollected():
            report = self.write_pass(path, by=by, valid_only=valid_only, progress=progress)
            written = valid_only or report.ok
            if not written:
                transaction.set_rollback(True)
        report.details["written"] = written
        return report

    @abstractmethod
    def write_pass(self, path: Path, *, by: Worker, valid_only: bool, progress: Progress) -> Report:
        """The apply's pass, inside its transaction (:meth:`apply` has checked that ``by`` may
        import): read the file and write. Without ``valid_only`` it may stop writing at the
        first problem: :meth:`apply` rolls everything back then."""
