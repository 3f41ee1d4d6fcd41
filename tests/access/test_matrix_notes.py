"""The permission matrix for case notes: persona x subject x action.

Cells: ``C`` read, write and correct (the social worker's note), ``W`` read and
write, ``R`` read only, ``-`` nothing (404 for the note, the chronology and the
note form; no write). Every layer is asked: the scope (``notes_visible_to``),
the lookups (``access_note``, ``access_subject``, which answer 404 exactly as
for a missing id), the policies and the services (``NotPermitted``, nothing
written). The rules are in ``access/notes.py`` and ``access/RULES.md``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from locus.access import notes as rules
from locus.access.services import break_glass_request
from locus.casework.reference import ensure_reference_data
from locus.common.errors import NotPermitted
from locus.notes.models import CaseNote, NoteRevision
from locus.notes.services import note_correct, note_mark_in_error
from tests.access.test_matrix_break_glass import REASON
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import World, nothing_written
from tests.notes.helpers import write

# fmt: off
NOTES_TABLE = {
    #                sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "csc_child":   " C    W    C    -    -    -    -    -    -    W ",
    "group":       " C    W    C    -    W    -    -    -    -    W ",
    "case":        " C    W    C    W    W    R    W    -    -    W ",
}
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for subject, row in NOTES_TABLE.items():
        cells = row.split()
        assert len(cells) == len(PERSONAS)
        for persona, cell in zip(PERSONAS, cells, strict=True):
            cases.append(pytest.param(subject, persona, cell, id=f"{subject}-{persona}"))
    return cases


def _subject(world: World, name: str) -> Any:
    if name == "case":
        from tests.casework.helpers import open_case

        return open_case(world)  # on the shopping centre, referred by the partner
    return getattr(world, name)


KIND = {"csc_child": "person", "group": "group", "case": "case"}


@pytest.mark.parametrize(("subject_name", "persona", "cell"), _cases())
def test_notes_matrix(world: World, subject_name: str, persona: str, cell: str) -> None:
    ensure_reference_data()
    subject = _subject(world, subject_name)
    note = write(world.social_worker, subject)
    worker = world.persona(persona)
    kind = KIND[subject_name]

    # Read: the note, the chronology's subject, the scope; forbidden looks like missing.
    reads = cell != "-"
    assert rules.notes_visible_to(worker).filter(pk=note.pk).exists() is reads
    assert rules.can_read_notes_on(worker, subject) is reads
    with pytest.raises(Http404) as missing:
        rules.access_note(worker, note.pk + 1000)
    if reads:
        assert rules.access_note(worker, str(note.pk)) == note
        assert rules.access_subject(worker, kind, subject.pk) == subject
    else:
        with pytest.raises(Http404) as forbidden:
            rules.access_note(worker, note.pk)
        assert str(forbidden.value) == str(missing.value)
        with pytest.raises(Http404):
            rules.access_subject(worker, kind, subject.pk)

    # Write.
    writes = cell in "WC"
    assert rules.can_write_note_on(worker, subject) is writes
    if writes:
        write(worker, subject, summary="Matrix")
    else:
        with nothing_written(CaseNote), pytest.raises(NotPermitted):
            write(worker, subject, summary="Matrix")

    # Correct and strike out the social worker's note.
    corrects = cell == "C"
    assert rules.can_correct_note(worker, note) is corrects
    if corrects:
        note_correct(actor=worker, note=note, reason="Matrix", summary="Corrected")
        note_mark_in_error(actor=worker, note=note, reason="Matrix")
    else:
        with nothing_written(CaseNote, NoteRevision), pytest.raises(NotPermitted):
            note_correct(actor=worker, note=note, reason="Matrix", summary="Corrected")
        with nothing_written(CaseNote, NoteRevision), pytest.raises(NotPermitted):
            note_mark_in_error(actor=worker, note=note, reason="Matrix")


def test_break_glass_reads_the_notes_and_writes_none(world: World) -> None:
    """An emergency's sight reads the record, notes included; it adds nothing to it, and
    names no child it opened in a note elsewhere."""
    note = write(world.social_worker, world.csc_child)
    worker = world.other_social_worker
    assert break_glass_request(
        actor=worker, person_id=world.csc_child.pk, category="missing_child", reason=REASON
    )
    assert rules.access_note(worker, note.pk) == note
    assert not rules.can_write_note_on(worker, world.csc_child)
    with nothing_written(CaseNote), pytest.raises(NotPermitted):
        write(worker, world.csc_child)
    from locus.common.errors import ValidationFailed

    with nothing_written(CaseNote), pytest.raises(ValidationFailed) as excinfo:
        write(worker, world.other_child, children=[world.csc_child])
    assert list(excinfo.value.errors) == ["children"]


def test_an_author_who_no_longer_sees_the_child_no_longer_corrects(world: World) -> None:
    """Correcting needs sight of the subject now, not only authorship: a youth justice
    worker whose case closed cannot go on rewriting what was written about the child."""
    from locus.common import clock
    from locus.people.services import allocation_end

    note = write(world.yjs_worker, world.yjs_child)
    assert rules.can_correct_note(world.yjs_worker, note)
    allocation_end(
        actor=world.admin,
        allocation=world.yjs_child.allocations.get(),
        end=clock.today(),
        reason="The case closed",
    )
    assert not rules.can_correct_note(world.yjs_worker, note)
    with nothing_written(CaseNote, NoteRevision), pytest.raises(NotPermitted):
        note_correct(actor=world.yjs_worker, note=note, reason="Late", summary="Changed")
