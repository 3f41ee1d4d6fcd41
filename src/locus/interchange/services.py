"""Writing import runs: upload, dry run, confirm, cancel, retry.

Each step is a service (atomic, audited). The passes themselves run as background tasks
(``tasks.py``); a step that starts one commits the run's new state first and then asks for
the task, so the task always finds the state its step left.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from django.db import transaction

from locus.access.interchange import require_importer
from locus.access.models import Worker
from locus.common import clock
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.common.services import create_audited, save_changes
from locus.interchange import files, registry
from locus.interchange.models import ImportRun, RunState

# An import whose progress file has not moved for this long is taken as killed (its worker
# died): the data team may start it again. The pass writes its progress every half second.
STALLED_SECONDS = 120

# Nothing of these has been imported (a failed import rolled back whole).
CANCELLABLE = (RunState.UPLOADED, RunState.CHECKING, RunState.CHECKED, RunState.FAILED)


class Upload(Protocol):
    """An uploaded file, as Django gives it (or any object with these)."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


def run_create(*, actor: Worker, kind: str, upload: Upload) -> ImportRun:
    """Keep the uploaded file and record a run for it. A file past the size limit is refused
    before a byte of it is stored."""
    require_importer(actor)
    errors: dict[str, list[str]] = {}
    if kind not in registry.importers():
        errors["kind"] = ["Choose what kind of file this is"]
    size = upload.size or 0
    if size > files.max_bytes():
        errors["file"] = [files.too_big_message(size)]
    elif size == 0:
        errors["file"] = ["The file is empty"]
    if errors:
        raise ValidationFailed(errors)
    try:
        stored = files.store(upload.chunks(), upload.name or "upload")
    except ValueError as exc:  # more bytes came than the upload said
        raise ValidationFailed(str(exc), field="file") from None
    try:
        with transaction.atomic():
            return create_audited(
                actor,
                ImportRun,
                kind=kind,
                original_name=files.clean_name(upload.name or "upload"),
                stored_path=stored.relative,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
                created_at=clock.now(),
            )
    except BaseException:
        files.remove_folder(stored.relative)
        raise


@transaction.atomic
def _move(
    actor: Worker, run: ImportRun, allowed: Iterable[str], message: str, **fields: Any
) -> ImportRun:
    """Move ``run`` to a new state, re-reading it under the write lock so two clicks (or a
    click and a task) cannot both move it."""
    require_importer(actor)
    fresh = ImportRun.objects.select_for_update().get(pk=run.pk)
    if fresh.state not in tuple(allowed):
        raise InvalidTransition(message)
    return save_changes(actor=actor, obj=fresh, fields=fields)


def _enqueue(run: ImportRun, apply: bool) -> ImportRun:
    # Imported here: the tasks module loads the importers' registry and the backend.
    from locus.interchange import tasks

    chosen = tasks.apply_import if apply else tasks.check_import
    result = chosen.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def run_check(*, actor: Worker, run: ImportRun) -> ImportRun:
    """Start the dry run: read everything, write nothing, report."""
    moved = _move(
        actor,
        run,
        (RunState.UPLOADED,),
        "This file has already been checked.",
        state=RunState.CHECKING,
        progress_done=0,
        progress_total=run.size,
        error="",
    )
    return _enqueue(moved, apply=False)


def run_confirm(*, actor: Worker, run: ImportRun, valid_only: bool) -> ImportRun:
    """Import, after the dry run: everything (refused when the dry run found problems), or
    with ``valid_only`` the valid records, the rejected ones written to a file."""
    if run.state == RunState.CHECKED and not valid_only:
        problems = int((run.check_report or {}).get("problems_total", 0))
        if problems:
            raise ValidationFailed(
                f"The dry run found {problems} problem{'' if problems == 1 else 's'}, so "
                "importing everything would import nothing. Import the valid records only, "
                "or correct the file and upload it again.",
                field="valid_only",
            )
    moved = _move(
        actor,
        run,
        (RunState.CHECKED,),
        "Only a file whose dry run has finished without failing can be imported, and only once.",
        state=RunState.IMPORTING,
        valid_only=bool(valid_only),
        confirmed_by=actor,
        confirmed_at=clock.now(),
        progress_done=0,
        progress_total=run.size,
    )
    return _enqueue(moved, apply=True)


def stalled(run: ImportRun) -> bool:
    """An import that was started and is no longer running: it failed, or its worker was
    killed (its progress has not moved for ``STALLED_SECONDS``)."""
    if run.confirmed_at is None:
        return False
    if run.state == RunState.FAILED:
        return True
    if run.state != RunState.IMPORTING:
        return False
    progress = files.read_progress(run.stored_path)
    if progress is None:
        return (clock.now() - run.confirmed_at).total_seconds() > STALLED_SECONDS
    return progress[2] > STALLED_SECONDS


def run_retry(*, actor: Worker, run: ImportRun) -> ImportRun:
    """Start a confirmed import again after it failed or its worker was killed. The import is
    one transaction, so the failed attempt wrote nothing and the new one starts afresh.

    The import is written in the name of ``actor``, who starts it again: the run records
    them as confirming it (whoever confirmed the first attempt stays in the run's trail).
    """
    if not stalled(run):
        raise InvalidTransition("Only an import that failed or stopped can be started again.")
    moved = _move(
        actor,
        run,
        (RunState.FAILED, RunState.IMPORTING),
        "Only an import that failed or stopped can be started again.",
        state=RunState.IMPORTING,
        error="",
        confirmed_by=actor,
        confirmed_at=clock.now(),
        progress_done=0,
        progress_total=run.size,
    )
    return _enqueue(moved, apply=True)


def run_cancel(*, actor: Worker, run: ImportRun) -> ImportRun:
    """Drop a run before it is imported: nothing of it is imported."""
    return _move(
        actor,
        run,
        CANCELLABLE,
        "An import that has started or finished cannot be cancelled.",
        state=RunState.CANCELLED,
        finished_at=clock.now(),
    )
