"""Exports: a list downloaded now, or prepared in the background for "My exports".

Every export is audited as a read of what it holds: the trail gets an "Exported" event with the
list, the filters, the format, how many rows and the id of every record exported (and the
people it named, so an auditor searching for a child finds the export too). A background export
is audited when its file is made and again on each download.

A background export writes its file under a temporary name and renames it only once complete
(a rename within one folder is atomic), then marks the run done: a run killed halfway leaves
its state "being prepared" or "failed" and no file offered, and can be run again.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction

from locus.access import exports as rules
from locus.access import scopes
from locus.access.models import Worker
from locus.audit.exported import Tally, export_logged
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.common.models import JobState
from locus.common.services import Problems, create_audited, save_changes
from locus.exports import writers
from locus.exports.models import ExportRun
from locus.exports.specs import ListSpec, spec_for
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import Basis

KEEP_DAYS = 7  # a prepared export is kept this long, then its file is deleted
SYNC_ROWS = 5_000  # more rows than this are prepared in the background instead
# A run "being prepared" for longer than this is taken as dead (its worker stopped): it may be
# run again. Longer than any export takes at borough size.
STALE_AFTER = dt.timedelta(hours=1)


def export_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


Writer = Callable[[Worker, dict[str, str], str, BinaryIO, Tally], None]
"""Writes one export's file for a viewer: (viewer, params, format, out, tally)."""


def write_list(spec: ListSpec) -> Writer:
    def write(
        viewer: Worker, params: dict[str, str], fmt: str, out: BinaryIO, tally: Tally
    ) -> None:
        def rows() -> Iterator[Any]:
            for line in spec.lines(viewer, params):
                tally.count(line.key, line.people)
                if line.address is not None:
                    tally.addresses.add(line.address)
                yield line.cells

        writers.write(out, fmt, spec.title, spec.columns_for(viewer), rows())

    return write


@dataclass(frozen=True)
class Download:
    name: str
    content_type: str
    content: bytes
    rows: int


def file_name(title: str, fmt: str) -> str:
    stamp = clock.now().astimezone().strftime("%Y%m%d-%H%M")
    slug = "-".join(title.lower().split())
    return f"{slug}-{stamp}.{fmt}"


@dataclass(frozen=True)
class Why:
    """Why a list that names people leaves Locus: its lawful basis, purpose and recipient."""

    basis: Basis
    purpose: str
    recipient: str = ""


def _check_why(spec: ListSpec, why: Why | None) -> None:
    if not spec.names_people:
        return
    problems = Problems()
    if why is None:
        problems.add("article6", "Choose the lawful basis for exporting a list that names people")
    else:
        sharing.check_share(problems, why.basis, why.purpose)
        problems.check(
            len(why.recipient) <= 200, "recipient", "The recipient must be 200 characters or fewer"
        )
    problems.raise_if_any()


def _shared(
    actor: Worker,
    spec: ListSpec,
    fmt: str,
    why: Why | None,
    source: Any,
    people: Any,
    until: dt.datetime | None,
    note: str,
) -> None:
    """The export's row of the sharing register (lists that name people only)."""
    if not spec.names_people or why is None:
        return
    recipients = [sharing.To(worker=actor)]
    if why.recipient.strip():
        recipients.append(sharing.To(name=why.recipient.strip()))
    sharing.record_share(
        actor=actor,
        kind=ShareKind.EXPORT,
        basis=why.basis,
        purpose=why.purpose,
        what=[f"{spec.title} ({fmt.upper()})", *spec.columns_for(actor)],
        record_ref=f"Export of {spec.title}",
        source=source,
        recipients=recipients,
        people=people,
        until=until,
        until_note=note,
    )


@dataclass(frozen=True)
class TooLong:
    """A list with more than ``more_than`` rows, too long to send now, and not asked for in
    the background: nothing was written."""

    more_than: int


def export_list(
    *,
    actor: Worker,
    key: str,
    query: Mapping[str, Any],
    fmt: str,
    limit: int | None = None,
    why: Why | None = None,
    queue: bool = True,
) -> Download | ExportRun | TooLong:
    """The list ``key`` as ``actor``'s page shows it, filtered by ``query``: the file now when
    it has at most ``limit`` rows (``SYNC_ROWS`` by default), else a background run; or, when
    not ``queue``, :class:`TooLong` and nothing written (a GET asks so: a link followed from
    anywhere must not start an export in the worker's name).

    A list that names people needs ``why`` (its lawful basis and purpose): it is a sharing,
    written to the sharing register with the export."""
    spec = spec_for(actor, key)
    writers.check_format(fmt)
    _check_why(spec, why)
    params = spec.params_from(query)
    limit = SYNC_ROWS if limit is None else limit
    # Read once: up to one row past the limit says whether it is too long to send now. A file
    # outlasts emergency access: it lists only whom the worker sees lastingly.
    with scopes.lasting_sight_only():
        lines = list(islice(spec.lines(actor, params), limit + 1))
    if len(lines) > limit:
        if not queue:
            return TooLong(limit)
        with transaction.atomic():
            run = export_run_create(actor=actor, key=key, params=params, fmt=fmt)
            # Whom it names is known once it is made (``_finish`` adds them).
            _shared(actor, spec, fmt, why, run, [], run.expires_at, "The prepared file is deleted")
        _enqueue(run)
        return run
    tally = Tally()
    for line in lines:
        tally.count(line.key, line.people)
    out = io.BytesIO()
    writers.write(out, fmt, spec.title, spec.columns_for(actor), (line.cells for line in lines))
    with transaction.atomic():
        event = export_logged(
            actor=actor, record_type=spec.record_type, what=key, params=params, fmt=fmt, tally=tally
        )
        _shared(
            actor, spec, fmt, why, event, tally.people, None, "Downloaded: kept as the ISA says"
        )
    return Download(file_name(spec.title, fmt), writers.FORMATS[fmt], out.getvalue(), len(lines))


# --- Background exports --------------------------------------------------------------------

# What a run's key names beside the lists: registered by the modules that make them (Annex A,
# with its own rule for who may ask).
PRODUCTS: dict[str, tuple[str, str, Callable[[Worker], bool], Writer]] = {}


def register(
    key: str, title: str, record_type: str, may: Callable[[Worker], bool]
) -> Callable[[Writer], Writer]:
    def add(writer: Writer) -> Writer:
        PRODUCTS[key] = (title, record_type, may, writer)
        return writer

    return add


def _product(actor: Worker, key: str) -> tuple[str, str, Writer]:
    """The title, record type and writer of export ``key`` if ``actor`` may ask for it."""
    if key in PRODUCTS:
        title, record_type, may, writer = PRODUCTS[key]
        if not may(actor):
            raise NotPermitted("not found")
        return title, record_type, writer
    spec = spec_for(actor, key)
    return spec.title, spec.record_type, write_list(spec)


def may_take(actor: Worker, key: str) -> bool:
    """Whether ``actor`` may ask for export ``key`` now (as :func:`_product` decides)."""
    try:
        _product(actor, key)
    except NotPermitted:
        return False
    return True


@transaction.atomic
def export_run_create(*, actor: Worker, key: str, params: dict[str, str], fmt: str) -> ExportRun:
    """Record ``actor``'s request for export ``key``, to be prepared in the background."""
    title, _, _ = _product(actor, key)
    writers.check_format(fmt)
    now = clock.now()
    return create_audited(
        actor,
        ExportRun,
        asked_by=actor,
        list_key=key,
        title=title,
        params={str(k): str(v) for k, v in params.items()},
        fmt=fmt,
        state=JobState.QUEUED,
        created_at=now,
        expires_at=now + dt.timedelta(days=KEEP_DAYS),
    )


def ask_for_export(*, actor: Worker, key: str, params: dict[str, str], fmt: str) -> ExportRun:
    """Record the request, then hand it to the task worker (after the row is committed)."""
    run = export_run_create(actor=actor, key=key, params=params, fmt=fmt)
    _enqueue(run)
    return run


def _enqueue(run: ExportRun) -> None:
    """Hand a committed run to the task worker."""
    from locus.exports.tasks import produce_export

    produce_export.enqueue(run.pk)
    run.refresh_from_db()


def may_run_again(run: ExportRun) -> bool:
    """A run that failed, or was being prepared so long its worker must have stopped."""
    if run.state == JobState.FAILED:
        return True
    began = run.started_at or run.created_at
    return run.state in (JobState.QUEUED, JobState.RUNNING) and (clock.now() - began > STALE_AFTER)


def run_again(*, actor: Worker, run: ExportRun) -> ExportRun:
    """Prepare a failed or stopped export again: its asker only."""
    if not rules.owns_export(actor, run.asked_by_id) or not may_run_again(run):
        raise NotPermitted("not found")
    from locus.exports.tasks import produce_export

    with transaction.atomic():
        save_changes(actor=actor, obj=run, fields={"state": JobState.QUEUED, "problem": ""})
    produce_export.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _temp_path(run: ExportRun) -> Path:
    return export_folder() / f"{run.pk}.{run.fmt}.part"


def produce(run_id: int) -> str:
    """Prepare export run ``run_id``: write its file as its asker's sight allows now, rename it
    into place, mark it done and log the export. Returns the state it ends in."""
    run = ExportRun.objects.select_related("asked_by").get(pk=run_id)
    if run.state == JobState.DONE:
        return run.state
    expire_old()
    actor = run.asked_by
    temp = _temp_path(run)
    temp.unlink(missing_ok=True)  # a killed run's leftovers
    ExportRun.objects.filter(pk=run.pk).update(
        state=JobState.RUNNING, started_at=clock.now(), rows_done=0, problem=""
    )
    try:
        # Sight is the asker's as it is now: one who lost it since asking gets nothing.
        _title, record_type, writer = _product(actor, run.list_key)
    except NotPermitted:
        ExportRun.objects.filter(pk=run.pk).update(
            state=JobState.FAILED, problem="You may no longer export this list."
        )
        return JobState.FAILED

    def progress(done: int) -> None:
        # Progress is how far along, not a record: no trail entry for each tick.
        ExportRun.objects.filter(pk=run.pk).update(rows_done=done)

    tally = Tally(progress=progress)
    try:
        with temp.open("wb") as out, scopes.lasting_sight_only():
            os.chmod(temp, 0o600)
            writer(actor, dict(run.params), run.fmt, out, tally)
    except Exception as error:
        temp.unlink(missing_ok=True)
        ExportRun.objects.filter(pk=run.pk).update(
            state=JobState.FAILED, problem=f"{type(error).__name__}: {error}"[:500]
        )
        return JobState.FAILED
    final = f"{run.pk}-{secrets.token_hex(8)}.{run.fmt}"
    os.replace(temp, export_folder() / final)
    _finish(run, actor, final, tally, record_type)
    return JobState.DONE


@transaction.atomic
def _finish(run: ExportRun, actor: Worker, final: str, tally: Tally, record_type: str) -> None:
    save_changes(
        actor=actor,
        obj=run,
        fields={
            "state": JobState.DONE,
            "file_name": final,
            "row_count": len(tally.keys),
            "rows_done": len(tally.keys),
            "finished_at": clock.now(),
        },
    )
    # What was exported is logged in full by the read below: not copied into the change too.
    # The sight it was made with, for the check on each download (``rules.withdrawn_files``).
    ExportRun.objects.filter(pk=run.pk).update(
        row_keys=tally.keys,
        people_named=sorted(tally.people),
        made_with=rules.sight_of(actor),
        people_shared=sorted(rules.seen_through_a_share(actor, tally.people)),
        addresses_shown=sorted(tally.addresses),
    )
    sharing.add_people(actor=actor, source=run, people=tally.people)
    export_logged(
        actor=actor,
        record_type=record_type,
        what=run.list_key,
        params=dict(run.params),
        fmt=run.fmt,
        tally=tally,
    )


def download_logged(*, actor: Worker, run: ExportRun) -> None:
    """Log a download of a prepared export: the same records, read again."""
    record_access(
        actor=actor,
        obj=run,
        action=AccessAction.EXPORT,
        detail={
            "export": run.list_key,
            "format": run.fmt,
            "rows": run.row_count,
            "shown": run.row_keys,
            "people_shown": run.people_named,
        },
    )


def expire_old() -> int:
    """Delete the files of exports past their keeping time; the rows stay, as the record of
    what was exported. Returns how many files went."""
    gone = 0
    for run in ExportRun.objects.filter(expires_at__lte=clock.now()).exclude(file_name=""):
        delete_file(run)
        gone += 1
    return gone


def delete_file(run: ExportRun) -> None:
    """Delete ``run``'s file, if it has one, and say so on its row (which stays)."""
    if run.file_name:
        (export_folder() / run.file_name).unlink(missing_ok=True)
    ExportRun.objects.filter(pk=run.pk).update(file_name="")
