"""Reading import runs for the data team's pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, F, QuerySet, Value, When

from locus.access.interchange import require_importer
from locus.access.models import Worker
from locus.interchange import files, registry, services
from locus.interchange.core import CREATED, REJECTED, UNCHANGED, UPDATED
from locus.interchange.models import ImportRun, RunState

OUTCOMES = (CREATED, UPDATED, UNCHANGED, REJECTED)
RECORD_KINDS = {
    "child": "Children",
    "person": "People",
    "cin_episode": "CIN episodes",
    "assessment": "Assessments",
    "cin_plan": "CIN plans",
    "section47": "Section 47 enquiries",
    "cp_plan": "Child protection plans",
}
RUNNING = (RunState.CHECKING, RunState.IMPORTING)


def runs(viewer: Worker) -> QuerySet[ImportRun]:
    """Every run, newest first, for a worker who may import, each with ``kind_label``: what
    the pages call its kind ("CIN census return (XML)", not "cin")."""
    require_importer(viewer)
    said = [When(kind=k, then=Value(i.label)) for k, i in registry.importers().items()]
    return (
        ImportRun.objects.select_related("uploaded_by")
        .annotate(kind_label=Case(*said, default=F("kind"), output_field=CharField()))
        .order_by("-created_at", "-id")
    )


def kinds() -> list[tuple[str, str]]:
    """The importers, for the upload form: (kind, what the page calls it), the format it
    takes added where the name does not already say it."""
    return sorted(
        (k, i.label if i.accepts in i.label else f"{i.label}: {i.accepts}")
        for k, i in registry.importers().items()
    )


@dataclass(frozen=True)
class CountRow:
    label: str
    cells: tuple[int, ...]


def count_rows(report: dict[str, Any] | None) -> list[CountRow]:
    """A report's counts as a table: one row a record kind, a column an outcome."""
    counts = (report or {}).get("counts", {})
    order = list(RECORD_KINDS)

    def place(kind: str) -> tuple[int, str]:
        return (order.index(kind) if kind in order else len(order), kind)

    return [
        CountRow(
            RECORD_KINDS.get(kind, kind.replace("_", " ").capitalize()),
            tuple(int(counts[kind].get(o, 0)) for o in OUTCOMES),
        )
        for kind in sorted(
            counts, key=lambda k: (list(RECORD_KINDS).index(k) if k in RECORD_KINDS else 99, k)
        )
    ]


@dataclass(frozen=True)
class RunPage:
    run: ImportRun
    label: str
    running: bool
    done: int
    total: int
    percent: int
    check_counts: list[CountRow]
    apply_counts: list[CountRow]
    can_confirm: bool
    can_cancel: bool
    can_retry: bool
    problems_total: int
    problems: list[dict[str, Any]]
    people: list[int]  # the records Locus holds that any problem names, for the audit


def run_page(run: ImportRun) -> RunPage:
    """What a run's page shows: its progress (from the progress file while a pass runs, as
    the row is not written until the pass's transaction ends), its reports and its steps."""
    done, total = run.progress_done, run.progress_total
    running = run.state in RUNNING
    if running and (progress := files.read_progress(run.stored_path)):
        done, total = progress[0], progress[1]
    report = run.apply_report if run.apply_report else run.check_report
    try:
        label = registry.importer(run.kind).label
    except ValueError:
        label = run.kind
    return RunPage(
        run=run,
        label=label,
        running=running,
        done=done,
        total=total,
        percent=min(100, done * 100 // total) if total else 0,
        check_counts=count_rows(run.check_report),
        apply_counts=count_rows(run.apply_report),
        can_confirm=run.state == RunState.CHECKED,
        can_cancel=run.state in services.CANCELLABLE,
        can_retry=services.stalled(run),
        problems_total=int((report or {}).get("problems_total", 0)),
        problems=list((report or {}).get("problems", [])),
        people=people_named(report),
    )


def people_named(report: dict[str, Any] | None) -> list[int]:
    """The ids of the people a report's problems name (a record holding the UPN a return
    gives another child, say), every problem's, kept in the report or not."""
    return [int(pk) for pk in (report or {}).get("people", ())]


def people_shown(page: RunPage, problems: Iterable[dict[str, Any]]) -> list[int]:
    """The ids of the people ``problems`` name: the problems a run's page lists (a page of
    ``page.problems``), so the page's read is logged as about those it shows and no other.
    A report kept before each problem said whom it names gives every one the report names
    (the audit then says more than was shown, never less)."""
    shown = list(problems)
    if any("about" not in problem for problem in shown):
        return page.people
    return sorted({int(problem["about"]) for problem in shown if problem["about"]})


def rejects_people(run: ImportRun) -> list[int]:
    """The people the rejects file of ``run`` names: it lists every problem of the import,
    not only the report's first (:data:`~locus.interchange.core.MAX_PROBLEMS_KEPT`), and
    the report counts whom every one names."""
    return people_named(run.apply_report)


def rejects_file(run: ImportRun) -> Any:
    """The rejects file of a valid-only import, opened for reading, or None."""
    if not run.rejects_path:
        return None
    path = files.absolute(run.rejects_path)
    return path.open("rb") if path.is_file() else None
