"""The linked-cases page does per-link work (sentences, records, need-to-know lookups) only for
the links it shows: a caseload at a busy place has thousands of weaker links, summarised by
holding team from the columns (``locus bench pages`` times it at borough size)."""

from __future__ import annotations

from typing import Any

import pytest

from locus.audit.models import AccessEvent
from locus.linked import selectors
from locus.people.services import allocation_create
from tests.factories import START, World, make_person
from tests.linked.test_linked_pages import HARMED, incident, linked, page

pytestmark = pytest.mark.django_db
__all__ = ["linked"]  # the fixture, used by name

EXTRA = 12


def test_the_page_words_and_names_only_the_links_it_shows(
    linked: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = linked
    incident(w, w.park, [(w.csc_child, HARMED)], 40)
    extras = set()
    for n in range(EXTRA):  # each only at the park within days of Ciara's incident there
        other = make_person(w.system, given_name="Park", family_name=f"Child{n}")
        allocation_create(actor=w.system, person=other, worker=w.yjs_worker, start=START)
        incident(w, w.park, [(other, HARMED)], 41 + n % 5)
        extras.add(other.pk)
    worded: list[Any] = []
    asked: set[int] = set()
    words, visible = selectors._Wording.words, selectors.visible_person_ids

    def count_words(self: Any, link: Any) -> Any:
        worded.append(link)
        return words(self, link)

    def count_visible(viewer: Any, ids: Any, **kwargs: Any) -> set[int]:
        ids = set(ids)
        asked.update(ids)
        return visible(viewer, ids, **kwargs)

    monkeypatch.setattr(selectors._Wording, "words", count_words)
    monkeypatch.setattr(selectors, "visible_person_ids", count_visible)

    html = page(w.social_worker).content.decode()
    # Yusuf (risk) and Tariq (shared incident) listed; Olu and the twelve summarised by team.
    assert "Strong evidence (2)" in html
    assert f"Weaker evidence ({EXTRA + 1})" in html
    assert f"{EXTRA} linked cases (" in html  # the YJS team's count
    assert len(worded) == 2
    assert not asked & extras  # nobody's sight of the summarised children was looked up
    event = AccessEvent.objects.filter(record_type="linked.case").latest("id")
    assert event.detail["summarised"] == EXTRA + 1
    assert event.detail["unnamed"] + len(event.detail["named"]) == 2
