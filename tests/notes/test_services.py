"""Writing, correcting and striking out case notes: each rule, each message, nothing
half-written, the audit trail in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.audit.models import ChangeAction, ChangeEvent
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.notes.models import CaseNote, NoteRevision
from locus.notes.services import note_correct, note_mark_in_error, note_record
from tests.factories import World, changes_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.notes.helpers import write

MODELS = (CaseNote, NoteRevision)


def _errors(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return excinfo.value.errors


def test_a_note_on_a_child_is_written_with_who_was_there_and_whom_it_names(world: World) -> None:
    note = write(
        world.social_worker,
        world.csc_child,
        contact_at=dt.time(16, 30),
        present="Her mother",
        present_workers=[world.teammate],
        children=[world.csc_child, world.team_child],
    )
    note.refresh_from_db()
    assert note.person == world.csc_child and note.author == world.social_worker
    assert set(note.children.all()) == {world.csc_child, world.team_child}
    assert list(note.present_workers.all()) == [world.teammate]
    (event,) = changes_for(note)
    assert event.action == ChangeAction.CREATE
    assert event.after["children"] == sorted([world.csc_child.pk, world.team_child.pk])
    assert event.after["contact_at"] == "16:30:00"


def test_every_bad_field_is_named_and_nothing_is_written(world: World) -> None:
    tomorrow = clock.today() + dt.timedelta(days=1)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        note_record(
            actor=world.social_worker,
            subject=world.csc_child,
            kind="other",
            kind_other="",
            contact_on=tomorrow,
            summary="  ",
            text="",
            present="x" * 2001,
        )
    errors = _errors(excinfo)
    assert errors == {
        "kind_other": ["Say what kind of contact it was"],
        "contact_on": ["The date of the contact must not be in the future"],
        "present": ["This must be 2000 characters or fewer"],
        "summary": ["Enter a summary"],
        "text": ["Enter the note"],
    }


def test_a_kind_and_a_date_are_needed(world: World) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        write(world.social_worker, world.csc_child, kind="gossip", contact_on=None)
    assert _errors(excinfo) == {
        "kind": ["Choose the kind of contact"],
        "contact_on": ["Enter the date of the contact"],
    }


def test_a_contact_before_the_child_was_born_is_refused(world: World) -> None:
    born = world.csc_child.date_of_birth
    assert born is not None
    with pytest.raises(ValidationFailed) as excinfo:
        write(world.social_worker, world.csc_child, contact_on=born - dt.timedelta(days=1))
    assert _errors(excinfo) == {
        "contact_on": ["The date of the contact must not be before the date of birth"]
    }


def test_a_time_later_today_is_refused(world: World, frozen_clock: FrozenClock) -> None:
    frozen_clock.at(dt.date(2026, 3, 2))  # noon
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        write(
            world.social_worker, world.csc_child, contact_on=clock.today(), contact_at=dt.time(13)
        )
    assert _errors(excinfo) == {"contact_at": ["The time of the contact must not be in the future"]}
    assert write(
        world.social_worker, world.csc_child, contact_on=clock.today(), contact_at=dt.time(11)
    )


def test_naming_a_child_the_author_may_not_see_is_refused_on_the_field(world: World) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        write(world.social_worker, world.csc_child, children=[world.csc_child, world.police_child])
    assert _errors(excinfo) == {
        "children": ["You may name only children you can see: take out any you cannot"]
    }


def test_other_needs_its_words_and_they_are_kept(world: World) -> None:
    note = write(world.social_worker, world.csc_child, kind="other", kind_other="Court hearing")
    assert note.kind_label == "Court hearing"
    plain = write(world.social_worker, world.csc_child, kind="call", kind_other="ignored")
    assert plain.kind_other == "" and plain.kind_label == "Telephone or video call"


@pytest.mark.parametrize("persona", ["police_analyst", "other_social_worker", "auditor"])
def test_a_worker_who_may_not_see_the_child_writes_nothing(world: World, persona: str) -> None:
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        write(world.persona(persona), world.csc_child)


def test_notes_on_a_group_and_a_case(world: World) -> None:
    from tests.casework.helpers import open_case

    on_group = write(world.social_worker, world.group, kind="observation")
    case = open_case(world)
    on_case = write(world.social_worker, case, kind="meeting")
    assert on_group.group == world.group and on_group.subject == "group"
    assert on_case.case == case and on_case.subject == "case"
    with pytest.raises(TypeError):
        write(world.social_worker, world.park)


def test_a_correction_keeps_the_old_wording_with_who_when_and_why(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    old_text = note.text
    note_correct(
        actor=world.social_worker,
        note=note,
        reason="Wrong friend's address: it was the flat on Mare Street",
        text="Seen alone. She said she had stayed at a friend's flat on Mare Street.",
    )
    note.refresh_from_db()
    assert "Mare Street" in note.text
    (revision,) = note.revisions.all()
    assert revision.text == old_text and revision.corrected_by == world.social_worker
    assert revision.reason.startswith("Wrong friend's address")
    update = ChangeEvent.objects.filter(
        record_id=str(note.pk), record_type="notes.casenote", action=ChangeAction.UPDATE
    ).get()
    assert update.before == {"text": old_text, "correction_reason": None}
    assert update.after["correction_reason"].startswith("Wrong")


def test_a_correction_needs_a_reason_and_a_change(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        note_correct(actor=world.social_worker, note=note, reason=" ", summary="")
    assert _errors(excinfo) == {
        "summary": ["Enter a summary"],
        "reason": ["Say why the note is corrected"],
    }
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        note_correct(actor=world.social_worker, note=note, reason="Typo", text=note.text)
    assert _errors(excinfo) == {
        "text": ["Nothing was changed: change the note, or go back without saving"]
    }


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("social_worker", True),  # the author
        ("team_manager", True),  # the author's manager
        ("teammate", False),  # sees the child, did not write it
        ("admin", False),  # sees everyone; an IT role does not rewrite practice
        ("other_social_worker", False),
    ],
)
def test_who_may_correct(world: World, persona: str, allowed: bool) -> None:
    note = write(world.social_worker, world.csc_child)
    worker = world.persona(persona)
    if allowed:
        note_correct(actor=worker, note=note, reason="Spelling", summary="Home visit")
        note_mark_in_error(actor=worker, note=note, reason="On the wrong record")
        assert note.in_error
    else:
        with nothing_written(*MODELS), pytest.raises(NotPermitted):
            note_correct(actor=worker, note=note, reason="Spelling", summary="Home visit")
        with nothing_written(*MODELS), pytest.raises(NotPermitted):
            note_mark_in_error(actor=worker, note=note, reason="On the wrong record")


def test_entered_in_error_keeps_the_note_with_who_when_and_why(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        note_mark_in_error(actor=world.social_worker, note=note, reason="")
    assert _errors(excinfo) == {"reason": ["Say why the note was entered in error"]}
    note_mark_in_error(actor=world.social_worker, note=note, reason="Written on the wrong child")
    note.refresh_from_db()
    assert note.in_error and note.in_error_by == world.social_worker
    assert CaseNote.objects.filter(pk=note.pk).exists()
    assert changes_for(note)[-1].after["in_error_reason"] == "Written on the wrong child"
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as excinfo:
        note_mark_in_error(actor=world.social_worker, note=note, reason="Again")
    assert _errors(excinfo) == {"reason": ["This note is already marked entered in error"]}
    with nothing_written(*MODELS), pytest.raises(InvalidTransition):
        note_correct(actor=world.social_worker, note=note, reason="Late fix", summary="Fixed")


def _as_loaded(note: CaseNote) -> CaseNote:
    """The note as a page (another tab) loaded it before the others saved."""
    return CaseNote.objects.get(pk=note.pk)


def test_two_corrections_at_once_keep_both_wordings_in_the_history(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    original, first_tab, second_tab = note.text, _as_loaded(note), _as_loaded(note)
    note_correct(
        actor=world.social_worker, note=first_tab, reason="Her words", text="FIRST CORRECTION"
    )
    note_correct(
        actor=world.team_manager, note=second_tab, reason="Add a fact", text="SECOND CORRECTION"
    )
    # The second keeps what the note said when it was saved (the first correction), not what
    # its page loaded: no wording vanishes from the note's history.
    kept = list(note.revisions.order_by("id").values_list("text", flat=True))
    assert kept == [original, "FIRST CORRECTION"]
    note.refresh_from_db()
    assert note.text == "SECOND CORRECTION"


def test_a_note_struck_out_meanwhile_is_not_corrected_nor_struck_out_again(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    correcting, striking = _as_loaded(note), _as_loaded(note)
    note_mark_in_error(actor=world.social_worker, note=note, reason="On the wrong child")
    with nothing_written(*MODELS), pytest.raises(InvalidTransition, match="entered in error"):
        note_correct(actor=world.team_manager, note=correcting, reason="Typo", text="New words")
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        note_mark_in_error(actor=world.team_manager, note=striking, reason="A duplicate")
    assert _errors(refused) == {"reason": ["This note is already marked entered in error"]}
    note.refresh_from_db()
    assert (note.in_error_by, note.in_error_reason) == (world.social_worker, "On the wrong child")
