"""The case-note form's children to name, for an author whose team holds more children than a
form can show: a few shown, the rest found by a search, the cut said in words."""

from __future__ import annotations

import re

import pytest

from locus.audit.models import AccessEvent
from locus.notes.models import CaseNote
from locus.people.models import Person
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_association, make_person
from tests.list_search import find, ticked_choices
from tests.notes.test_views import _form
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db

CASELOAD = 24  # with her own and her team's children, more than the form shows (20)


@pytest.fixture
def caseload(world: World) -> list[Person]:
    """Children held by the social worker, family names Caseload01 to Caseload24."""
    held = []
    for i in range(1, CASELOAD + 1):
        child = make_person(world.system, given_name="Child", family_name=f"Caseload{i:02d}")
        allocation_create(actor=world.system, person=child, worker=world.social_worker, start=START)
        held.append(child)
    return held


def _add(world: World) -> str:
    return url("note-add", "person", world.csc_child.pk)


def test_a_caseload_longer_than_the_form_shows_says_so(
    world: World, caseload: list[Person]
) -> None:
    html = client_for(world.social_worker).get(_add(world)).text
    match = re.search(r"Showing 20 of (\d+)\. Search to narrow the list\.", html)
    assert match and int(match.group(1)) >= CASELOAD + 1
    assert len(ticked_choices(html, "children")) == 20
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert len(event.detail["people_shown"]) == 20


def test_find_narrows_the_children_keeping_what_was_typed(
    world: World, caseload: list[Person]
) -> None:
    tens = {str(c.pk) for c in caseload[9:19]}  # Caseload10 to Caseload19
    html = find(client_for(world.social_worker), _add(world), _form(), "children", "caseload1")
    assert not CaseNote.objects.exists()
    assert ticked_choices(html, "children") == tens
    assert "Showing all 10 matching &lsquo;caseload1&rsquo;." in html
    assert "Home visit after the missing episode" in html


def test_a_child_the_author_may_not_see_is_not_found_by_name(
    world: World, caseload: list[Person]
) -> None:
    """Paddy is Ciara's associate, so a note on her would offer him, but the social worker
    does not see him: searched by his exact name, he is neither listed nor counted."""
    make_association(world.system, person=world.csc_child, other=world.police_child)
    name = world.police_child.full_name
    html = find(client_for(world.social_worker), _add(world), _form(), "children", name)
    assert f"No children match &lsquo;{name}&rsquo;" in html
    assert str(world.police_child.pk) not in ticked_choices(html, "children")


def test_a_child_chosen_outside_the_narrowed_list_is_saved(
    world: World, caseload: list[Person]
) -> None:
    client = client_for(world.social_worker)
    chosen = caseload[-1]
    answers = _form(children=[str(chosen.pk)], children_search="Cscchild")
    html = client.post(_add(world), {**answers, "narrow": "children"}).text
    assert ticked_choices(html, "children") == {str(world.csc_child.pk), str(chosen.pk)}
    assert "The one you chose stays on the list." in html
    saved = client.post(_add(world), {**answers, "children_searched": "Cscchild"})
    assert saved.status_code == 302
    assert list(CaseNote.objects.get().children.all()) == [chosen]
