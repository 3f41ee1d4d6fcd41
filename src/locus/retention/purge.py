"""The purge: plan what is due (``selectors.plan``), then act on it record by record.

A run writes its plan first (``PurgeItem`` rows, in one transaction), then acts on each item
in a transaction of its own, marking it done in the same transaction. Each act is
idempotent (a record already gone is "already gone"; a file already deleted is not missed),
so a run killed half-way is finished by the next call: it picks up the items not done.
Holds are read again as each person, case or note is acted on, in its own transaction, not
taken from the plan: a hold placed after the plan, even while the run is going, still keeps
the record.

What goes with a person, what is kept with their reference removed, and why, is set out in
docs/retention.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector

from locus.access import retention as rules
from locus.access.models import BreakGlass, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, redact_about, redact_reads, redact_records
from locus.casework.models import (
    ContextCase,
    ContextConference,
    ContextPlan,
    PlanAction,
    Referral,
)
from locus.common import clock
from locus.documents import files as document_files
from locus.documents.models import Document, DocumentVersion
from locus.documents.services import document_version_purge
from locus.exports.models import ExportRun
from locus.exports.services import delete_file, expire_old
from locus.interchange import files as import_files
from locus.interchange import reports as import_reports
from locus.interchange.models import ImportRun
from locus.linked import borough_evidence, clusters
from locus.mapping.models import Meeting
from locus.mapping.services import scrub_from_snapshots
from locus.notes.models import CaseNote
from locus.notifications.services import forget_all
from locus.panels.models import PanelAction
from locus.peers.models import Association, GroupMembership
from locus.people import duplicates
from locus.people.models import IdentifierQuery, Person
from locus.retention import selectors
from locus.retention.models import Outcome, PurgeItem, PurgeRun, RunState
from locus.subjectaccess.package import packages_expire
from locus.transfers.models import Transfer

Why = dict[str, Any]
M = TypeVar("M", bound=models.Model)
# What a run does to one item, given the holds read as it is acted on: returns its outcome.
Act = Callable[[Worker, PurgeItem, selectors.Holds], str]


def _why(item: PurgeItem) -> Why:
    """What the trail says of a purged record: the rule and the run, nothing it held."""
    return {"purged_under": item.rule, "purge_run": item.run_id}


def _redact_records(actor: Worker, rows: Iterable[models.Model], why: Why) -> None:
    """Blank what the trail said of these records, a record type at a time."""
    by_type: dict[str, list[object]] = defaultdict(list)
    for obj in rows:
        by_type[obj._meta.label_lower].append(obj.pk)
    for record_type, ids in by_type.items():
        redact_records(actor=actor, record_type=record_type, ids=ids, why=why)


def _delete_audited(actor: Worker, doomed: Iterable[models.QuerySet[Any]], why: Why) -> int:
    """Delete these rows, in this order, and everything that cascades from them, with one
    change event per row deleted saying the rule and the run (no content). Django's
    collector finds the cascade as the delete will do it, so the trail names every row that
    went, and blanks what its earlier events said of each (before the deletions are written,
    so those keep the rule and the run). The order matters: a row that PROTECTs another goes
    first (Django refuses to delete a protected row even when its protector would go in the
    same cascade)."""
    count = 0
    for rows in doomed:
        collector = Collector(using="default")
        collector.collect(list(rows))
        gone: list[models.Model] = [obj for objs in collector.data.values() for obj in objs]
        for fast in collector.fast_deletes:
            if not fast.model._meta.auto_created:  # a many-to-many link table: no record
                gone.extend(fast)
        _redact_records(actor, gone, why)
        for obj in gone:
            record_change(actor=actor, action=ChangeAction.DELETE, obj=obj, after=why)
        # A notification about a row that is going would lead to a page that is not there.
        forget_all(actor=actor, records=gone)
        count += len(gone)
        collector.delete()
    return count


def _documents(actor: Worker, documents: models.QuerySet[Document], why: Why) -> None:
    """Delete the documents' bytes, then their rows. The bytes go first: a purge stopped
    between the two deletes them again (a missing file is no error), never leaves them."""
    # With their documents: each version's deletion is audited as about its document's person.
    versions = DocumentVersion.objects.filter(document__in=documents).select_related("document")
    store = document_files.storage()
    for name in versions.values_list("stored_name", flat=True):
        store.delete(name)
    _delete_audited(actor, [versions, documents], why)


def _meetings_of(person: Person) -> list[Meeting]:
    """The meetings a person was a child of, or in the stored map of."""
    with_maps = Meeting.objects.exclude(map_snapshot={}).only("id", "map_snapshot")
    return [
        *Meeting.objects.filter(children__person=person).only("id"),
        *(m for m in with_maps.iterator(chunk_size=500) if person.pk in m.snapshot_person_ids()),
    ]


def _unless_held(
    model: type[M],
    held: Callable[[selectors.Holds], set[int]],
    remove: Callable[[Worker, M, Why], None],
) -> Act:
    """The act on a record a legal hold may keep: locked, then removed unless it is already
    gone or held now (by the holds read as it is acted on, not those of the plan)."""

    def act(actor: Worker, item: PurgeItem, holds: selectors.Holds) -> str:
        found = model._default_manager.select_for_update().filter(pk=item.record_id).first()
        if found is None:
            return Outcome.GONE
        if found.pk in held(holds):
            return Outcome.HELD
        remove(actor, found, _why(item))
        return Outcome.PURGED

    return act


def _person(actor: Worker, person: Person, why: Why) -> None:
    # The checks that held what they were recorded from, before they were (about the
    # records those matched, not them), are found from the check that recorded them: read
    # before that one is blanked below.
    checks = duplicates.earlier_checks(person.pk)
    # What the trail said about them is blanked first, so the events written below (which
    # are about them too) keep the rule and the run.
    redact_about([person.pk])
    redact_reads(actor=actor, ids=checks, why=why)
    # The meetings they were on or in the map of: events written before a meeting's events
    # named its people hold the map (ids and initials) without naming them.
    _redact_records(actor, _meetings_of(person), why)
    _documents(actor, Document.objects.filter(person=person), why)
    scrub_from_snapshots(actor=actor, person_ids=[person.pk], why=why)
    # The import runs' reports: the lines naming them lose their identifiers and birth date.
    import_reports.scrub_person(actor=actor, person=person, why=why)
    # Rows that PROTECT a person (they must not vanish by accident) go deliberately: an
    # emergency access to them, identifier queries about them, their transfers.
    _delete_audited(
        actor,
        [
            BreakGlass.objects.filter(person=person),
            IdentifierQuery.objects.filter(Q(person=person) | Q(conflicting=person)),
            Transfer.objects.filter(person=person),
            Person.objects.filter(pk=person.pk),
        ],
        why,
    )


def _case(actor: Worker, case: ContextCase, why: Why) -> None:
    _documents(actor, Document.objects.filter(case=case), why)
    _delete_audited(
        actor,
        [
            CaseNote.objects.filter(case=case),
            Referral.objects.filter(case=case),
            # Within the case, rows that PROTECT others: a panel's action taken from the
            # plan, the plan's actions (their goals), the plan (its conference), the
            # conferences (the assessment).
            PanelAction.objects.filter(plan_action__plan__case=case),
            PlanAction.objects.filter(plan__case=case),
            ContextPlan.objects.filter(case=case),
            ContextConference.objects.filter(case=case),
            ContextCase.objects.filter(pk=case.pk),
        ],
        why,
    )


def _update_audited(
    actor: Worker,
    item: PurgeItem,
    model: type[models.Model],
    change: Callable[[Any], None],
    outcome: str,
) -> str:
    """Change the item's row in place (blank a note, delete a file) and audit that it
    changed under the rule and run, saying nothing it held; "already gone" when no row is."""
    row = model._default_manager.filter(pk=item.record_id).first()
    if row is None:
        return Outcome.GONE
    change(row)
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=row, after=_why(item))
    return outcome


def _blank_note(row: Association | GroupMembership) -> None:
    blanks: dict[str, str] = {"end_reason": selectors.BLANKED_REASON if row.end_reason else ""}
    if isinstance(row, Association):
        blanks["note"] = ""
    type(row)._default_manager.filter(pk=row.pk).update(**blanks)


def _note(actor: Worker, item: PurgeItem, holds: selectors.Holds) -> str:
    model = Association if item.record_type == selectors.ASSOCIATION else GroupMembership
    # A hold placed on either person since the plan keeps the note (holds read again).
    row = model._default_manager.select_for_update().filter(pk=item.record_id).first()
    if row is not None and {row.person_id, getattr(row, "other_id", None)} & holds.people:
        return Outcome.HELD
    return _update_audited(actor, item, model, _blank_note, Outcome.BLANKED)


def _export(actor: Worker, item: PurgeItem, holds: selectors.Holds) -> str:
    return _update_audited(actor, item, ExportRun, delete_file, Outcome.FILE_DELETED)


def _delete_import_files(run: ImportRun) -> None:
    import_files.remove_folder(run.stored_path)  # the upload and its rejects, beside it


def _import(actor: Worker, item: PurgeItem, holds: selectors.Holds) -> str:
    return _update_audited(actor, item, ImportRun, _delete_import_files, Outcome.FILE_DELETED)


def _removed_document(actor: Worker, item: PurgeItem, holds: selectors.Holds) -> str:
    version = (
        DocumentVersion.objects.select_for_update()
        .select_related("document")
        .filter(pk=item.record_id)
        .first()
    )
    if version is None:
        return Outcome.GONE
    # A held record's removed documents are kept with it, a hold placed since the plan too.
    document = version.document
    if document.person_id in holds.people or document.case_id in holds.cases:
        return Outcome.HELD
    if version.purged_at is None:
        # The bytes first, here: the service deletes them once its transaction commits, and
        # a run killed between the two would otherwise leave them on disk for good.
        document_files.storage().delete(version.stored_name)
        document_version_purge(actor=actor, version=version)
    return Outcome.FILE_DELETED


ACTS: dict[str, Act] = {
    selectors.PERSON: _unless_held(Person, lambda holds: holds.people, _person),
    selectors.CASE: _unless_held(ContextCase, lambda holds: holds.cases, _case),
    selectors.ASSOCIATION: _note,
    selectors.MEMBERSHIP: _note,
    selectors.EXPORT: _export,
    selectors.IMPORT: _import,
    selectors.VERSION: _removed_document,
}


# The items a legal hold may keep: the holds are read again, in the item's transaction,
# just before one of these is acted on. An export or import file past its keeping time
# needs none.
HOLDABLE = frozenset(
    {
        selectors.PERSON,
        selectors.CASE,
        selectors.ASSOCIATION,
        selectors.MEMBERSHIP,
        selectors.VERSION,
    }
)


def act(actor: Worker, item: PurgeItem) -> str:
    """Act on one item (in the caller's transaction); returns its outcome. The holds are read
    now, not once for the run: a hold placed a moment ago keeps the record (a few queries an
    item, and a purge acts on a day's worth of items)."""
    holds = selectors.read_holds() if item.record_type in HOLDABLE else selectors.Holds()
    return ACTS[item.record_type](actor, item, holds)


def drop_caches() -> None:
    """Drop what the shared cache holds that was worked out from records (the borough's
    clusters of linked cases, the borough's evidence): the next read works them out again,
    without the purged records. Person ids are all they hold, but a purged id must not stay."""
    keys = [
        clusters.cache_key(days, across, weaker)
        for days in range(1, clusters.MAX_WINDOW_DAYS + 1)
        for across in (False, True)
        for weaker in (False, True)
    ]
    keys += [borough_evidence.STAMP_KEY, borough_evidence.DATA_KEY, borough_evidence.ASKED_KEY]
    # Today's hotspots and busy places hold counts only (no id), but a purged incident
    # involvement must not be counted for the rest of the day either.
    today = clock.today().isoformat()
    keys += [f"hotspots:{today}", f"busy-places:{today}:12"]
    cache.delete_many(keys)


@transaction.atomic
def purge_start(*, actor: Worker) -> PurgeRun:
    """Start a purge run (planned and acted on by ``execute``, here or in a task)."""
    rules.require(rules.can_manage_retention(actor), "purging is for the data team")
    run = PurgeRun.objects.create(started_by=actor, started_at=clock.now())
    record_change(actor=actor, action=ChangeAction.CREATE, obj=run)
    return run


def _plan(run: PurgeRun) -> None:
    with transaction.atomic():
        run = PurgeRun.objects.select_for_update().get(pk=run.pk)
        if run.planned_at is not None:
            return
        found = selectors.plan()
        PurgeItem.objects.bulk_create(
            PurgeItem(
                run=run,
                record_type=due.record_type,
                record_id=due.record_id,
                rule=due.rule,
                due_on=due.due_on,
            )
            for due in found.due
        )
        PurgeRun.objects.filter(pk=run.pk).update(planned_at=clock.now(), state=RunState.RUNNING)


def _execute(run: PurgeRun) -> PurgeRun:
    if run.state == RunState.FINISHED:
        return run
    if run.planned_at is None:
        _plan(run)
    else:  # planned before, not finished: a run stopped part-way, picked up again
        PurgeRun.objects.filter(pk=run.pk).update(resumed=models.F("resumed") + 1)
    actor = run.started_by
    for item_id in (
        selectors.run_items(run).filter(done_at__isnull=True).values_list("id", flat=True)
    ):
        with transaction.atomic():
            item = PurgeItem.objects.select_for_update().select_related("run").get(pk=item_id)
            if item.done_at is not None:
                continue
            item.outcome = act(actor, item)
            item.done_at = clock.now()
            item.save(update_fields=["outcome", "done_at"])
    if selectors.run_items(run).filter(record_type__in=(selectors.PERSON, selectors.CASE)).exists():
        drop_caches()  # again on a resumed run: harmless, and the killed run may not have
    # A subject access package is a whole copy of one child's records: the purge of its
    # person takes its file at once (and files past their keeping time go too). A list's
    # prepared file past its seven days goes now too, not only when the next export runs.
    packages_expire()
    expire_old()
    with transaction.atomic():
        run = PurgeRun.objects.select_for_update().get(pk=run.pk)
        before = {"state": run.state}
        run.state, run.finished_at = RunState.FINISHED, clock.now()
        run.save(update_fields=["state", "finished_at"])
        record_change(
            actor=actor,
            action=ChangeAction.UPDATE,
            obj=run,
            before=before,
            after={"state": run.state, "items": selectors.run_items(run).count()},
        )
    return run


def execute(run_id: int) -> PurgeRun:
    """Finish any earlier run stopped part-way, then plan and act on run ``run_id``."""
    for older in selectors.unfinished_runs().filter(id__lt=run_id):
        _execute(older)
    return _execute(PurgeRun.objects.select_related("started_by").get(pk=run_id))


def purge(*, actor: Worker) -> PurgeRun:
    """Start a run as ``actor`` and carry it out here (``locus purge --confirm --as USERNAME``)."""
    return execute(purge_start(actor=actor).pk)
