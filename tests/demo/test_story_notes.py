"""The demo's case notes, on a small generated borough: a chronology with a story in it."""

from __future__ import annotations

import pytest

from locus.access.models import Worker
from locus.casework.reference import ensure_reference_data
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.steps.notes import add_demo_notes
from locus.notes.models import CaseNote
from locus.notes.selectors import KINDS_FOR, Filters, chronology

pytestmark = pytest.mark.django_db


def test_the_demo_writes_notes_that_fill_a_childs_chronology(borough: Summary) -> None:
    ensure_reference_data()
    add_demo_context_cases()
    story = add_demo_notes()
    sw = Worker.objects.get(username="social.worker")
    on_children = [n for n in story.notes if n.person_id is not None]
    assert len({n.person_id for n in on_children}) == 3
    assert any(n.revisions.exists() for n in on_children)  # one corrected
    assert any(n.in_error for n in on_children)  # one entered in error
    assert any(n.group_id for n in story.notes) and any(n.case_id for n in story.notes)
    child = on_children[0].person
    assert child is not None
    rows = chronology(sw, child, Filters(kinds=KINDS_FOR["person"])).events
    kinds = {e.kind for e in rows}
    assert {"note", "allocation"} <= kinds and len(rows) >= 8
    assert add_demo_notes().notes == []  # safe to call again
    assert CaseNote.objects.filter(author=sw).count() == len(
        [n for n in story.notes if n.author_id == sw.pk]
    )
