"""Reads of a worker's own exports: nobody else's, an administrator's neither."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db.models import QuerySet

from locus.access import exports as rules
from locus.access.models import Worker
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.common.ids import parse_id
from locus.common.models import JobState
from locus.exports.models import ExportRun
from locus.exports.services import export_folder, may_take

MY_EXPORTS_SHOWN = 50


def runs_for(viewer: Worker) -> QuerySet[ExportRun]:
    """The viewer's own exports, newest first (the latest ``MY_EXPORTS_SHOWN``)."""
    return ExportRun.objects.filter(asked_by=viewer).defer(
        "row_keys", "people_named", "people_shared", "addresses_shown"
    )[:MY_EXPORTS_SHOWN]


def run_of(viewer: Worker, run_id: object) -> ExportRun:
    """One of the viewer's own exports; anyone else's, or none, is "not found"."""
    run = ExportRun.objects.filter(pk=parse_id(run_id)).first()
    if run is None or not rules.owns_export(viewer, run.asked_by_id):
        raise NotPermitted("not found")
    return run


def _prepared(run: ExportRun) -> rules.Prepared:
    return rules.Prepared(
        run.list_key,
        run.made_with,
        run.people_named,
        run.row_keys,
        shared=run.people_shared,
        addresses=run.addresses_shown,
    )


def still_theirs(viewer: Worker, run: ExportRun) -> bool:
    """Whether the viewer, who asked for ``run``, may still take its file: they may still
    take that export, with the sight it was made with (``access.exports.withdrawn_files``)."""
    return may_take(viewer, run.list_key) and not rules.withdrawn_files(
        viewer, {run.pk: _prepared(run)}
    )


def withdrawn(viewer: Worker, runs: Iterable[ExportRun]) -> set[int]:
    """Of the viewer's ready runs, those they may no longer take (My exports says why): every
    run checked together, so the page's queries do not grow with them."""
    ready = [r.pk for r in runs if r.state == JobState.DONE and r.file_name]
    full = list(
        ExportRun.objects.filter(pk__in=ready).only(
            "id",
            "list_key",
            "people_named",
            "row_keys",
            "made_with",
            "people_shared",
            "addresses_shown",
        )
    )
    gone = rules.withdrawn_files(viewer, {run.pk: _prepared(run) for run in full})
    return gone | {run.pk for run in full if not may_take(viewer, run.list_key)}


def ready_file(viewer: Worker, run_id: object) -> tuple[ExportRun, Path]:
    """The viewer's own export and its file, when ready, not expired and still theirs to
    take (:func:`still_theirs`); else "not found"."""
    run = run_of(viewer, run_id)
    path = export_folder() / run.file_name if run.file_name else None
    if (
        run.state != JobState.DONE
        or run.expires_at <= clock.now()
        or path is None
        or not path.is_file()
        or not still_theirs(viewer, run)
    ):
        raise NotPermitted("not found")
    return run, path
