"""The two passes of an import as background tasks (``locus worker`` runs them).

Each task reads its run, runs its importer's pass over the kept file, and records what it
found. It writes the run's progress as it goes (``files.ProgressFile``: at most twice a
second). Any error marks the run failed with the message; the import pass is one
transaction with the run's new state, so a failure (or a killed worker) leaves nothing of
the file written, and the run can be started again (``services.run_retry``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from locus.access.interchange import require_importer
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.common.services import save_changes
from locus.interchange import files, registry
from locus.interchange.core import FileRejected, Report, problems_to
from locus.interchange.models import ImportRun, RunState

log = logging.getLogger(__name__)

CONFIRMER_GONE = (
    "Nothing was imported: whoever confirmed the import may no longer import (they left, or "
    "are no longer an administrator). Another member of the data team may start it again."
)


class RunProgress:
    """The progress callback a pass is given: the progress file, and the run's row when the
    file was written (so the row moves at the same pace)."""

    def __init__(self, run: ImportRun) -> None:
        self.run_id = run.pk
        self.file = files.ProgressFile(run.stored_path)

    def __call__(self, done: int, total: int) -> None:
        if self.file(done, total):
            ImportRun.objects.filter(pk=self.run_id).update(
                progress_done=max(0, done), progress_total=max(0, total)
            )


def _fail(run_id: int, state_was: str, message: str, **fields: Any) -> None:
    """Mark the run failed (in a transaction of its own, after the pass's rolled back)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.state != state_was:
            return  # cancelled meanwhile
        actor = run.confirmed_by or run.uploaded_by
        save_changes(
            actor=actor,
            obj=run,
            fields={
                "state": RunState.FAILED,
                "error": message[:2000],
                "finished_at": clock.now(),
                **fields,
            },
        )


def _unexpected(exc: BaseException) -> str:
    log.exception("import failed")
    return f"The import stopped with an unexpected error: {type(exc).__name__}: {exc}"


def _pass_failed(run: ImportRun, state_was: str, exc: Exception, *, dry_run: bool) -> str:
    """Mark the run failed by a pass's error (called in its ``except``, for the log): a file
    rejected as a whole is the pass's report, with the one problem; an import whose confirmer
    may no longer import says so; any other is logged."""
    if isinstance(exc, NotPermitted):
        _fail(run.pk, state_was, CONFIRMER_GONE)
    elif isinstance(exc, FileRejected):
        report = Report(kind=run.kind, dry_run=dry_run)
        report.problem(exc.problem)
        field = "check_report" if dry_run else "apply_report"
        _fail(run.pk, state_was, exc.problem.message, **{field: report.as_dict()})
    else:
        _fail(run.pk, state_was, _unexpected(exc))
    return RunState.FAILED


@task()
def check_import(run_id: int) -> str:
    """The dry run of run ``run_id``; returns the state it left the run in."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state != RunState.CHECKING:
        return str(run.state)
    path = files.absolute(run.stored_path)
    try:
        report = registry.importer(run.kind).check(path, progress=RunProgress(run))
    except Exception as exc:
        return _pass_failed(run, RunState.CHECKING, exc, dry_run=True)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.state != RunState.CHECKING:
            return str(run.state)
        save_changes(
            actor=run.uploaded_by,
            obj=run,
            fields={
                "state": RunState.CHECKED,
                "check_report": report.as_dict(),
                "progress_done": run.size,
                "progress_total": run.size,
            },
        )
    return RunState.CHECKED


def _apply(run: ImportRun) -> None:
    """The import and the run's new state, in one transaction."""
    assert run.confirmed_by is not None
    # Whoever confirmed it may have left, or lost the role, while it waited for this worker.
    require_importer(run.confirmed_by)
    importer = registry.importer(run.kind)
    path = files.absolute(run.stored_path)
    with transaction.atomic():
        if run.valid_only:
            with files.rejects_writer(run.stored_path) as (rejects, sink), problems_to(sink):
                report = importer.apply(
                    path, by=run.confirmed_by, valid_only=True, progress=RunProgress(run)
                )
        else:
            rejects = ""
            report = importer.apply(path, by=run.confirmed_by, progress=RunProgress(run))
        fields: dict[str, Any] = {
            "apply_report": report.as_dict(),
            "rejects_path": rejects,
            "finished_at": clock.now(),
            "progress_done": run.size,
            "progress_total": run.size,
        }
        if report.details.get("written") is False:
            fields.update(
                state=RunState.FAILED,
                error=f"Nothing was imported: the file has {report.problems_total} problem(s).",
            )
        else:
            fields["state"] = RunState.IMPORTED
        fresh = ImportRun.objects.select_for_update().get(pk=run.pk)
        save_changes(actor=run.confirmed_by, obj=fresh, fields=fields)


@task()
def apply_import(run_id: int) -> str:
    """The import of run ``run_id`` (confirmed); returns the state it left the run in."""
    run = ImportRun.objects.select_related("confirmed_by").get(pk=run_id)
    if run.state != RunState.IMPORTING:
        return str(run.state)
    try:
        _apply(run)
    except Exception as exc:
        _forget_rejects(run)
        return _pass_failed(run, RunState.IMPORTING, exc, dry_run=False)
    return str(ImportRun.objects.values_list("state", flat=True).get(pk=run_id))


def _forget_rejects(run: ImportRun) -> None:
    """A rejects file of an import that rolled back lists rejects of nothing: removed."""
    path = files.absolute(files.beside(run.stored_path, files.REJECTS_FILE))
    path.unlink(missing_ok=True)
