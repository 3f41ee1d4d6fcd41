"""A note is corrected (or marked entered in error) by its author or a manager of the team
the author was in when they wrote it (``CaseNote.author_team``), not the team the author is
in now. Move the author to another team and the manager of the team they wrote the note in
keeps correcting it, while the new team's manager, who had no part in that team's work
(though, seeing the child agency-wide, she may write on them herself), may not rewrite it."""

from __future__ import annotations

import pytest

from locus.access.notes import can_correct_note
from locus.common.errors import NotPermitted
from locus.notes.services import note_correct, note_mark_in_error
from tests.factories import World, client_for, make_manager, move_worker
from tests.notes.helpers import write
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


def test_a_note_stays_with_the_team_it_was_written_in(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    assert note.author_team_id == world.csc_team_a.pk
    new_manager = make_manager(world.system, team=world.csc_team_b)
    assert not can_correct_note(new_manager, note)  # before: not her team's

    move_worker(world.social_worker, world.csc_team_b)  # as the admin site does
    note.refresh_from_db()

    assert not can_correct_note(new_manager, note)
    with pytest.raises(NotPermitted):
        note_mark_in_error(actor=new_manager, note=note, reason="On the wrong record")
    assert can_correct_note(world.team_manager, note)
    note_correct(actor=world.team_manager, note=note, reason="Spelling", summary="Home visit")


def test_the_note_page_names_the_team_the_note_was_written_in(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    move_worker(world.social_worker, world.csc_team_b)

    page = client_for(world.team_manager).get(url("note", note.pk)).content.decode()

    written_by = page.split("Written by", 1)[1].split("</dd>", 1)[0]
    assert world.csc_team_a.name in written_by
    assert world.csc_team_b.name not in written_by
