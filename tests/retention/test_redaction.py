"""What the trail kept of a purged record's content goes with it, wherever the events sit:
a meeting's map, a document version's file name, a context case's own events; and the
chain still verifies afterwards."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from locus import cli
from locus.audit.describe import describe
from locus.audit.models import AccessEvent, ChangeAction, ChangeEvent
from locus.audit.services import (
    REDACTED_FIELDS,
    REDACTION,
    people_of,
    record_access,
    redact_records,
    write_event,
)
from locus.audit.verify import verify
from locus.casework import services as casework
from locus.common.services import create_audited, save_changes
from locus.documents.models import Document, DocumentVersion
from locus.mapping.models import Meeting, MeetingChild
from locus.people.models import Person
from locus.retention import purge
from locus.retention.models import RuleKind
from tests.casework.helpers import assessed_case, refreshed, request_closure
from tests.documents.helpers import document_store
from tests.factories import World
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver
from tests.retention.test_purge import SEVEN_YEARS, audit_text, meeting_with

__all__ = ["document_store"]

Event = AccessEvent | ChangeEvent
MEETING = Meeting._meta.label_lower
CASE = "casework.contextcase"


def events_of(record_type: str, record_id: object) -> list[Event]:
    found = {"record_type": record_type, "record_id": str(record_id)}
    return [*AccessEvent.objects.filter(**found), *ChangeEvent.objects.filter(**found)]


def content(event: Event) -> list[Any]:
    if isinstance(event, AccessEvent):
        return [event.purpose, event.detail]
    return [event.before, event.after]


def values(data: Any) -> Iterator[Any]:
    """Every value in a JSON document, with the keys of its dicts."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from values(value)
    elif isinstance(data, list):
        for value in data:
            yield from values(value)
    else:
        yield data


def speaks_of(event: Event, person: Person) -> bool:
    """Does the event's content hold the person's id (as a map's node or a listed id) or
    their initials?"""
    said = list(values(content(event)))
    return person.initials in said or f"p{person.pk}" in said or person.pk in said


def assert_chain_verifies(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``locus audit verify`` finds no problem."""
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path))
    out = io.StringIO()
    assert cli.main(["audit", "verify"], out=out) == 0, out.getvalue()
    assert out.getvalue().startswith("Audit chain verified: ")


def test_a_purged_childs_id_and_initials_leave_every_meeting_event(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    child = leaver(world.system, given_name="Quentin", family_name="Xylo")
    meeting = meeting_with(world, world.csc_child, child)
    # An event written before a meeting's events named its people: the map, about nobody.
    write_event(
        ChangeEvent,
        actor=world.social_worker,
        action=ChangeAction.UPDATE,
        record_type=MEETING,
        record_id=str(meeting.pk),
        after={"map_snapshot": meeting.map_snapshot},
    )
    with transaction.atomic():
        MeetingChild.objects.create(meeting=meeting, person=child)
        changed = save_changes(
            actor=world.social_worker, obj=meeting, fields={"notes": "Mapped the group."}
        )
    # From now on a meeting's events name its children and the people in its map.
    assert {world.csc_child.pk, child.pk} <= set(people_of(changed))
    read = record_access(
        actor=world.social_worker, obj=meeting, detail={"held_by_only": [child.pk]}
    )
    assert f",{child.pk}," in read.people
    assert any(speaks_of(e, child) for e in events_of(MEETING, meeting.pk))
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    meeting_events = events_of(MEETING, meeting.pk)
    assert meeting_events and not [e.pk for e in meeting_events if speaks_of(e, child)]
    assert_chain_verifies(monkeypatch, tmp_path)


def test_a_purged_documents_file_name_leaves_the_trail(
    frozen_clock: FrozenClock,
    world: World,
    document_store: object,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    child = leaver(world.system)
    file_name = "quentin-xylo-school-report.pdf"
    with transaction.atomic():
        document = create_audited(
            world.social_worker,
            Document,
            person=child,
            title="School report",
            kind="report",
            dated=dt.date(2026, 1, 5),
            uploaded_by=world.social_worker,
            uploaded_at=child.created_at,
        )
        version = create_audited(
            world.social_worker,
            DocumentVersion,
            document=document,
            number=1,
            stored_name="a1b2c3",
            original_name=file_name,
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=world.social_worker,
            uploaded_at=child.created_at,
        )
    # The version's own event now names the document's person.
    created = ChangeEvent.objects.get(record_type="documents.documentversion", action="create")
    assert created.people == f",{child.pk},"
    # As one written before the fix did: the file's name, about nobody.
    write_event(
        ChangeEvent,
        actor=world.social_worker,
        action=ChangeAction.CREATE,
        record_type="documents.documentversion",
        record_id=str(version.pk),
        after={"original_name": file_name},
    )
    assert file_name in audit_text()
    frozen_clock.advance(days=SEVEN_YEARS)

    run = purge.purge(actor=world.admin)

    assert not DocumentVersion.objects.filter(pk=version.pk).exists()
    assert file_name not in audit_text()
    deleted = ChangeEvent.objects.get(
        record_type="documents.documentversion", record_id=str(version.pk), action="delete"
    )
    assert deleted.after == {"purged_under": RuleKind.CHILD_NO_PLAN, "purge_run": run.pk}
    assert_chain_verifies(monkeypatch, tmp_path)


def test_a_purged_context_cases_events_are_blanked(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    case = assessed_case(world, recommendation="close")
    request_closure(world, case, outcome="nfa", reason="The Quentin Xylo estate is safe now")
    casework.closure_approve(actor=world.team_manager, case=refreshed(case))
    record_access(actor=world.team_manager, obj=case, purpose="Checking the Xylo closure")
    assert "Quentin Xylo" in audit_text() and "Xylo closure" in audit_text()
    frozen_clock.advance(days=SEVEN_YEARS)

    run = purge.purge(actor=world.admin)

    assert "Xylo" not in audit_text()
    case_events = events_of("casework.contextcase", case.pk)
    kept = [e for e in case_events if any(content(e))]
    # Only the purge's own deletion says anything: the rule and the run.
    assert [(e.action, e.after) for e in kept] == [
        ("delete", {"purged_under": RuleKind.CONTEXT_CASE, "purge_run": run.pk})
    ]
    assert all(e.redacted_at is not None for e in case_events if e not in kept)
    assert_chain_verifies(monkeypatch, tmp_path)


def test_a_redaction_by_record_must_be_one_a_purge_wrote(world: World) -> None:
    case = assessed_case(world)
    before = len(events_of("casework.contextcase", case.pk))
    assert before
    # Blanked by hand, with no redaction row: the verifier names each event.
    for model, blanks in REDACTED_FIELDS:
        model.objects.filter(record_type="casework.contextcase", record_id=str(case.pk)).update(
            redacted_at=case.opened_at, **blanks
        )
    assert {p.kind for p in verify().problems} == {"redacted without a purge"}
    assert len(verify().problems) == before


def test_a_redaction_by_record_is_recorded_once_and_verifies(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    case = assessed_case(world)
    why = {"purged_under": RuleKind.CONTEXT_CASE.value, "purge_run": 1}
    with transaction.atomic():
        blanked = redact_records(
            actor=world.system, record_type="casework.contextcase", ids=[case.pk], why=why
        )
        assert blanked == len(events_of("casework.contextcase", case.pk)) > 0
        # A second call finds nothing left to blank and records nothing more.
        assert (
            redact_records(
                actor=world.system, record_type="casework.contextcase", ids=[case.pk], why=why
            )
            == 0
        )
    marker = ChangeEvent.objects.get(record_type=REDACTION)
    assert marker.record_id == "casework.contextcase" and marker.people == ""
    assert marker.after == {"ids": [str(case.pk)], **why}
    assert_chain_verifies(monkeypatch, tmp_path)


@pytest.mark.django_db(transaction=True)
def test_redact_records_runs_only_inside_the_purges_transaction(world: World) -> None:
    why = {"purged_under": RuleKind.CONTEXT_CASE.value, "purge_run": 1}
    with pytest.raises(RuntimeError, match="inside the purge's transaction"):
        redact_records(actor=world.system, record_type="casework.contextcase", ids=[1], why=why)


def test_redact_records_refuses_the_redactions_own_rows(world: World) -> None:
    why = {"purged_under": RuleKind.CONTEXT_CASE.value, "purge_run": 1}
    with pytest.raises(ValueError, match="record_type"):
        redact_records(actor=world.system, record_type=REDACTION, ids=[1], why=why)


def test_a_redaction_row_covers_only_the_records_it_names(world: World) -> None:
    case = assessed_case(world)
    place = "places.context"
    why = {"purged_under": RuleKind.CONTEXT_CASE.value, "purge_run": 1}
    with transaction.atomic():
        redact_records(actor=world.system, record_type=CASE, ids=[case.pk], why=why)
    assert verify().ok
    # Another record's events blanked by hand: the row about the case does not cover them.
    for model, blanks in REDACTED_FIELDS:
        model.objects.filter(record_type=place, record_id=str(world.park.pk)).update(
            redacted_at=case.opened_at, **blanks
        )
    found = verify().problems
    assert found and {p.kind for p in found} == {"redacted without a purge"}
    assert {(p.stream, p.id) for p in found} == {
        (type(e).stream.name, e.pk) for e in events_of(place, world.park.pk)
    }


def test_the_trail_says_a_redaction_plainly(world: World) -> None:
    case = assessed_case(world)
    why = {"purged_under": RuleKind.CONTEXT_CASE.value, "purge_run": 1}
    with transaction.atomic():
        redact_records(actor=world.system, record_type=CASE, ids=[case.pk], why=why)
    marker = ChangeEvent.objects.get(record_type=REDACTION)
    (row,) = describe([marker], viewer=world.persona("auditor"))
    assert row.description.startswith(f"Changed the audit trail redaction #{CASE}")
