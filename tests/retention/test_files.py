"""Files the purge deletes: a purged child's documents, import uploads in the data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from locus.documents.models import Document, DocumentVersion
from locus.documents.services import document_remove
from locus.interchange import files as import_files
from locus.interchange.models import ImportRun, RunState
from locus.interchange.services import run_create
from locus.people.models import Person
from locus.retention import purge, selectors, services
from locus.retention.models import HeldKind, Outcome, RuleKind
from tests.documents.helpers import attach, document_store, stored_files
from tests.factories import World
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver

__all__ = ["document_store"]
SEVEN_YEARS = 7 * 366


def imported(world: World) -> ImportRun:
    upload = SimpleUploadedFile("people.csv", b"given_name,family_name\nA,B\n")
    run = run_create(actor=world.admin, kind="people", upload=upload)
    ImportRun.objects.filter(pk=run.pk).update(state=RunState.IMPORTED)
    return run


def test_a_purged_childs_documents_go_bytes_and_rows(
    frozen_clock: FrozenClock, world: World, document_store: Path
) -> None:
    child = leaver(world.system)
    document = attach(world.admin, child)
    assert stored_files(document_store)
    frozen_clock.advance(days=SEVEN_YEARS)
    purge.purge(actor=world.admin)
    assert not Person.objects.filter(pk=child.pk).exists()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not DocumentVersion.objects.filter(document_id=document.pk).exists()
    assert stored_files(document_store) == []


def test_an_import_upload_goes_after_its_time(frozen_clock: FrozenClock, world: World) -> None:
    run = imported(world)
    folder = import_files.absolute(run.stored_path).parent
    frozen_clock.advance(days=29)
    purge.purge(actor=world.admin)
    assert folder.is_dir()
    frozen_clock.advance(days=2)
    purge.purge(actor=world.admin)
    assert not folder.exists()
    assert ImportRun.objects.filter(pk=run.pk).exists()  # the record of the import stays


def test_any_import_upload_goes_when_a_person_is_purged(
    frozen_clock: FrozenClock, world: World
) -> None:
    leaver(world.system)
    frozen_clock.advance(days=SEVEN_YEARS)
    run = imported(world)  # a day old: its contents are not read back, so it may hold them
    frozen_clock.advance(days=1)
    purge.purge(actor=world.admin)
    assert not import_files.absolute(run.stored_path).parent.exists()


def test_a_removed_documents_bytes_go_6_years_after_removal_and_its_row_stays(
    frozen_clock: FrozenClock, world: World, document_store: Path
) -> None:
    document = attach(world.social_worker, world.csc_child)
    document_remove(actor=world.social_worker, document=document, reason="Wrong child's file")
    kept = attach(world.social_worker, world.csc_child, title="Still on the record")
    frozen_clock.advance(days=6 * 365)
    assert not selectors.plan().ids(RuleKind.REMOVED_DOCUMENT)
    frozen_clock.advance(days=3)
    assert len(selectors.plan().ids(RuleKind.REMOVED_DOCUMENT)) == 1
    purge.purge(actor=world.admin)
    version = DocumentVersion.objects.get(document=document)
    assert version.purged_at is not None  # the row stays, for the trail
    assert stored_files(document_store) == [
        document_store / DocumentVersion.objects.get(document=kept).stored_name
    ]
    assert not selectors.plan().ids(RuleKind.REMOVED_DOCUMENT)  # once


def test_a_hold_placed_after_the_plan_keeps_a_removed_documents_bytes(
    frozen_clock: FrozenClock, world: World, document_store: Path
) -> None:
    """Proceedings may need what was removed from a child's record as well as what is on it:
    a hold placed between a run's plan and its acts keeps the removed document's bytes."""
    document = attach(world.social_worker, world.csc_child)
    document_remove(actor=world.social_worker, document=document, reason="Wrong child's file")
    frozen_clock.advance(days=6 * 365 + 3)
    run = purge.purge_start(actor=world.admin)
    purge._plan(run)
    assert run.items.filter(record_type=selectors.VERSION).count() == 1
    services.hold_place(
        actor=world.admin,
        held_kind=HeldKind.PERSON,
        held_id=world.csc_child.pk,
        reason="care",
        detail="Proceedings, ref ZC26C00042",
        review_on=frozen_clock.today + dt.timedelta(days=90),
    )
    purge.execute(run.pk)
    (item,) = run.items.filter(record_type=selectors.VERSION)
    assert item.outcome == Outcome.HELD
    assert DocumentVersion.objects.get(document=document).purged_at is None
    assert len(stored_files(document_store)) == 1
