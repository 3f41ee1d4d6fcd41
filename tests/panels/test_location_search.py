"""The agenda form's locations, in a borough with more places than a form can show: a few
shown, the rest found by a search, the cut said in words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.audit.models import AccessEvent
from locus.common.forms import LIST_LIMIT
from locus.panels.models import PanelMeeting
from locus.places.models import Context, ContextKind
from tests.factories import World, client_for, make_context
from tests.list_search import find, select_choices
from tests.panels.helpers import set_up
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db

PLACES = 22


@pytest.fixture
def borough(world: World) -> list[Context]:
    """:data:`PLACES` open spaces ("Green01"...), and a home no one has told the social
    worker of ("Flat 9, Hidden Court")."""
    make_context(world.system, kind=ContextKind.HOME, name="Flat 9, Hidden Court")
    return [make_context(world.system, name=f"Green{i:02d}") for i in range(1, PLACES + 1)]


def _url(meeting: PanelMeeting) -> str:
    return url("panel-item", meeting.pk)


def _item(**data: Any) -> dict[str, Any]:
    return {"kind": "location", "reason": "Young people gather here after school", **data}


def test_a_borough_s_places_say_the_list_is_cut(world: World, borough: list[Context]) -> None:
    html = client_for(world.social_worker).get(_url(set_up(world))).text
    match = re.search(r"Showing 20 of (\d+)\. Search to narrow the list\.", html)
    assert match and int(match.group(1)) >= PLACES
    assert len(select_choices(html, "context")) == 20


def test_find_narrows_the_places_keeping_the_reason_typed(
    world: World, borough: list[Context]
) -> None:
    meeting = set_up(world)
    html = find(client_for(world.social_worker), _url(meeting), _item(), "context", "green1")
    assert not meeting.items.exists()
    assert select_choices(html, "context") == [str(c.pk) for c in borough[9:19]]
    assert "Young people gather here after school" in html
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert read.detail["places_searched"] == ["green1"]


def test_a_home_the_organiser_may_not_see_is_not_found_by_name(
    world: World, borough: list[Context]
) -> None:
    html = find(
        client_for(world.social_worker), _url(set_up(world)), _item(), "context", "Hidden Court"
    )
    assert "No locations match &lsquo;Hidden Court&rsquo;" in html
    assert select_choices(html, "context") == []


def test_a_place_chosen_outside_the_narrowed_list_is_put_on_the_agenda(
    world: World, borough: list[Context]
) -> None:
    meeting = set_up(world)
    client = client_for(world.social_worker)
    chosen = borough[-1]
    answers = _item(context=str(chosen.pk), context_search="green0")
    html = client.post(_url(meeting), {**answers, "narrow": "context"}).text
    assert f'<option value="{chosen.pk}" selected>' in html
    saved = client.post(_url(meeting), {**answers, "context_searched": "green0"})
    assert saved.status_code == 302
    assert meeting.items.get().context == chosen


def test_the_places_are_narrowed_and_counted_in_the_database(
    world: World, borough: list[Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many places the borough has, the page reads the few it shows (and one more,
    to know the list is cut) and counts the rest in the database, in as many queries. Before,
    every place the organiser sees was read, then searched and counted in memory."""
    meeting = set_up(world)
    client = client_for(world.social_worker)
    loaded: list[Context] = []
    original = Context.from_db.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Context], *args: Any) -> Context:
        made = original(cls, *args)
        loaded.append(made)
        return made

    monkeypatch.setattr(Context, "from_db", classmethod(counting))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as opened:
            assert client.get(_url(meeting)).status_code == 200
        with CaptureQueriesContext(connection) as found:
            find(client, _url(meeting), _item(), "context", "green")
        return len(opened), len(found)

    few = queries()
    for i in range(PLACES + 1, 3 * PLACES):
        make_context(world.system, name=f"Green{i:02d}")
    loaded.clear()
    many = queries()
    assert many == few
    assert 0 < len(loaded) <= 2 * (LIST_LIMIT + 1)
    html = find(client, _url(meeting), _item(), "context", "green")
    assert re.search(rf"Showing 20 of {3 * PLACES - 1} matching", html)


def test_a_place_the_organiser_may_not_pick_is_never_found_nor_kept(
    world: World, borough: list[Context]
) -> None:
    """Neither by its name, nor its kind, nor its id posted as chosen (a crafted post): the
    home the organiser was never told of is not offered, counted nor saved."""
    meeting = set_up(world)
    client = client_for(world.social_worker)
    hidden = Context.objects.get(name="Flat 9, Hidden Court")
    for words in ("flat 9", "hid", "home"):
        html = find(client, _url(meeting), _item(context=str(hidden.pk)), "context", words)
        assert str(hidden.pk) not in select_choices(html, "context")
        assert "Hidden Court" not in html
    saved = client.post(_url(meeting), _item(context=str(hidden.pk)))
    assert saved.status_code == 200 and not meeting.items.exists()


def test_the_search_finds_a_word_s_start_in_the_name_or_kind(
    world: World, borough: list[Context]
) -> None:
    """Each word begins a word of the place's name or of its kind ("Park or open space"), not
    somewhere inside one: "reen" finds no green."""
    meeting = set_up(world)
    client = client_for(world.social_worker)
    park = make_context(world.system, name="Albion Rec")
    html = find(client, _url(meeting), _item(), "context", "open alb")
    assert select_choices(html, "context") == [str(park.pk)]
    assert "No locations match &lsquo;reen&rsquo;" in find(
        client, _url(meeting), _item(), "context", "reen"
    )


def test_a_person_list_with_no_one_in_it_says_where_people_come_from(world: World) -> None:
    """The agenda form's "Person" answers were a heading over nothing when the search found no
    one (or the organiser holds no caseload): the page now says where people come from."""
    client, page = client_for(world.social_worker), _url(set_up(world))
    assert "No one to offer here yet" not in client.get(page).text
    html = client.get(page, {"q": "Nobody-by-this-name"}).text
    assert "No one to offer here yet: find a person by name above." in html
