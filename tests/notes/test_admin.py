"""The admin shows case notes read only: no delete, no change, no add. A note is corrected
or struck out on its own pages, which keep the history."""

from __future__ import annotations

import pytest

from locus.notes.models import CaseNote, NoteRevision
from locus.notes.services import note_correct
from tests.factories import World, client_for
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db


def test_the_admin_neither_deletes_nor_changes_a_note(world: World) -> None:
    note = write(world.social_worker, world.csc_child, summary="Kept as written")
    note_correct(actor=world.social_worker, note=note, reason="Typo", summary="Kept, corrected")
    client = client_for(world.admin)
    base = f"/admin/notes/casenote/{note.pk}"
    assert client.get(f"{base}/change/").status_code == 200  # read it
    for url in (f"{base}/delete/", "/admin/notes/casenote/add/"):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"post": "yes"}).status_code in (403, 404), url
    client.post(f"{base}/change/", {"summary": "Rewritten", "text": "Gone"})
    client.post(
        "/admin/notes/casenote/",
        {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
    )
    revision = note.revisions.get()
    assert client.get(f"/admin/notes/noterevision/{revision.pk}/delete/").status_code in (403, 404)
    note.refresh_from_db()
    assert note.summary == "Kept, corrected"
    assert CaseNote.objects.filter(pk=note.pk).exists() and NoteRevision.objects.count() == 1


def test_the_admin_site_is_not_for_other_workers(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    response = client_for(world.social_worker).get(f"/admin/notes/casenote/{note.pk}/change/")
    assert response.status_code in (302, 403, 404)
