"""The dispute form's list of what a person may say is wrong, for a record with more notes
and links than a form can show: a few shown, the rest found by a search, the cut said."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.common.services import today
from locus.notes.models import CaseNote
from locus.rectification.models import Dispute, ReceivedHow
from tests.factories import World, client_for, make_association
from tests.list_search import find, select_choices
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db

NOTES = 25


@pytest.fixture
def noted(world: World) -> list[CaseNote]:
    """Ciara's record, with :data:`NOTES` notes ("Visit ref01"...) and an association
    with Paddy, whom the social worker does not see."""
    make_association(world.system, person=world.csc_child, other=world.police_child)
    return [
        write(world.social_worker, world.csc_child, summary=f"Visit ref{i:02d}")
        for i in range(1, NOTES + 1)
    ]


def _url(world: World) -> str:
    return reverse("dispute-new", args=[world.csc_child.pk])


def _answers(**data: Any) -> dict[str, Any]:
    return {
        "account": "I was not there that day.",
        "received_how": ReceivedHow.PHONE,
        "received_on": today().strftime("%d/%m/%Y"),
        **data,
    }


def test_a_long_record_s_items_say_the_list_is_cut(world: World, noted: list[CaseNote]) -> None:
    html = client_for(world.social_worker).get(_url(world)).text
    match = re.search(r"Showing 20 of (\d+)\. Search to narrow the list\.", html)
    assert match and int(match.group(1)) > NOTES
    assert len(select_choices(html, "about")) == 20
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    shown_notes = [v for v in select_choices(html, "about") if v.startswith("note:")]
    assert len(event.detail["notes_shown"]) == len(shown_notes)


def test_find_narrows_the_items_keeping_the_account_typed(
    world: World, noted: list[CaseNote]
) -> None:
    client = client_for(world.social_worker)
    html = find(client, _url(world), _answers(), "about", "visit ref1")
    assert not Dispute.objects.exists()
    assert select_choices(html, "about") == [f"note:{n.pk}" for n in reversed(noted[9:19])]
    assert "Showing all 10 matching &lsquo;visit ref1&rsquo;." in html
    assert "I was not there that day." in html
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert sorted(event.detail["notes_shown"]) == sorted(n.pk for n in noted[9:19])
    assert event.detail["searched"] == ["visit ref1"]


def test_a_person_the_recorder_may_not_see_is_not_found_by_name(
    world: World, noted: list[CaseNote]
) -> None:
    name = world.police_child.full_name
    html = find(client_for(world.social_worker), _url(world), _answers(), "about", name)
    assert f"No items of the record match &lsquo;{name}&rsquo;" in html
    assert select_choices(html, "about") == []


def test_an_item_chosen_outside_the_narrowed_list_is_recorded(
    world: World, noted: list[CaseNote]
) -> None:
    client = client_for(world.social_worker)
    chosen = noted[0]  # the oldest: not among the twenty shown first
    answers = _answers(about=f"note:{chosen.pk}", about_search="ref2")
    html = client.post(_url(world), {**answers, "narrow": "about"}).text
    assert f'<option value="note:{chosen.pk}" selected>' in html
    assert "The one you chose stays on the list." in html
    saved = client.post(_url(world), {**answers, "about_searched": "ref2"})
    assert saved.status_code == 302
    assert Dispute.objects.get().note == chosen
