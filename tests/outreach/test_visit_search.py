"""The visit form's list of young people to name, at a place linked to more of them than a
form can show: a few shown, the rest found by a search, the cut said in words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from locus.audit.models import AccessEvent
from locus.incidents.models import InvolvementRole
from locus.outreach import selectors
from locus.outreach.models import Visit, VisitPlan
from locus.people.models import Person
from locus.people.services import allocation_create
from tests.factories import World, client_for, make_incident, make_person
from tests.frozen_clock import FrozenClock
from tests.list_search import find, ticked_choices
from tests.outreach.helpers import park_case, plan

CROWD = 25  # more than the form shows (20)


@pytest.fixture
def crowded_plan(world: World, frozen_clock: FrozenClock) -> VisitPlan:
    """The park's plan, the park linked (by an incident the social worker sees) to
    :data:`CROWD` young people she holds, family names Walker01 to Walker25."""
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    park_case(world)
    crowd = []
    for i in range(1, CROWD + 1):
        person = make_person(world.system, given_name="Young", family_name=f"Walker{i:02d}")
        allocation_create(
            actor=world.system, person=person, worker=world.social_worker, start=dt.date(2026, 1, 5)
        )
        crowd.append((person, InvolvementRole.HARMED))
    make_incident(world.system, context=world.park, reporting_agency=world.csc, involvements=crowd)
    return plan(world)


def _url(visit_plan: VisitPlan) -> str:
    return f"/outreach/plans/{visit_plan.pk}/visit/"


def _walker(number: int) -> Person:
    return Person.objects.get(family_name=f"Walker{number:02d}")


def _answers(world: World) -> dict[str, Any]:
    return {
        "on": "20/11/2026",
        "start_time": "16:00",
        "went": [str(world.social_worker.pk)],
        "observed": "Quiet by the skate park.",
        "met_count": "3",
        "engaged_count": "2",
    }


def test_a_long_list_of_young_people_says_it_is_cut_and_how_to_find_the_rest(
    world: World, crowded_plan: VisitPlan
) -> None:
    total = selectors.nameable_people(world.social_worker, crowded_plan).count()
    assert total >= CROWD
    html = client_for(world.social_worker).get(_url(crowded_plan)).text
    assert f"Showing 20 of {total}. Search to narrow the list." in html
    assert len(ticked_choices(html, "people")) == 20
    assert 'name="people_search"' in html and 'name="narrow" value="people"' in html
    # The read is logged with the twenty shown, not the whole list.
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert len(event.detail["people_shown"]) == 20


def test_find_narrows_the_list_and_keeps_every_answer_typed(
    world: World, crowded_plan: VisitPlan
) -> None:
    client = client_for(world.social_worker)
    html = find(client, _url(crowded_plan), _answers(world), "people", "walker2")
    assert not Visit.objects.exists()
    assert "There is a problem" not in html
    wanted = {str(_walker(n).pk) for n in (20, 21, 22, 23, 24, 25)}
    assert ticked_choices(html, "people") == wanted
    assert "Showing all 6 matching &lsquo;walker2&rsquo;." in html
    assert "Quiet by the skate park." in html and 'value="20/11/2026"' in html
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert event.detail["searched"] == ["walker2"]
    assert sorted(event.detail["people_shown"]) == sorted(int(i) for i in wanted)


def test_a_child_the_recorder_may_not_see_is_never_found_nor_counted(
    world: World, crowded_plan: VisitPlan
) -> None:
    """Paddy, harmed at the park in a police incident, is linked to the place but not seen
    by the social worker: searched by his exact name, he is neither listed nor counted."""
    client = client_for(world.social_worker)
    name = world.police_child.full_name
    html = find(client, _url(crowded_plan), _answers(world), "people", name)
    assert f"No young people match &lsquo;{name}&rsquo;" in html
    echoed = html.replace(f"&lsquo;{name}&rsquo;", "").replace(f'value="{name}"', "")
    assert world.police_child.family_name not in echoed  # only the words typed, echoed
    assert str(world.police_child.pk) not in ticked_choices(html, "people")
    # Nor may his id be posted as chosen: it is refused as one not offered.
    posted = client.post(_url(crowded_plan), {**_answers(world), "people": [world.police_child.pk]})
    assert posted.status_code == 200 and "Choose young people from the list" in posted.text


def test_a_young_person_chosen_before_a_search_stays_chosen_and_is_saved(
    world: World, crowded_plan: VisitPlan
) -> None:
    client = client_for(world.social_worker)
    chosen = _walker(25)
    searched = {**_answers(world), "people": [str(chosen.pk)], "people_search": "walker03"}
    html = client.post(_url(crowded_plan), {**searched, "narrow": "people"}).text
    assert ticked_choices(html, "people") == {str(_walker(3).pk), str(chosen.pk)}
    assert re.search(rf'value="{chosen.pk}" checked', html)
    assert "The one you chose stays on the list." in html
    # Saved from the narrowed form (Enter pressed in another box: the search unchanged).
    saved = client.post(
        _url(crowded_plan),
        {**searched, "people_searched": "walker03", "narrow": "people"},
    )
    assert saved.status_code == 302
    assert list(Visit.objects.get().people.values_list("person", flat=True)) == [chosen.pk]


def test_a_chosen_value_that_is_no_record_id_is_refused_on_the_field(
    world: World, crowded_plan: VisitPlan
) -> None:
    """A crafted post whose chosen young person is a number no record id can be (beyond the
    database's integers) is refused on the field as any other value not offered."""
    posted = client_for(world.social_worker).post(
        _url(crowded_plan), {**_answers(world), "people": ["9" * 25, "-3", "1.5"]}
    )
    assert posted.status_code == 200 and "Choose young people from the list" in posted.text


def test_the_search_finds_the_start_of_a_name_s_words_in_the_database(
    world: World, crowded_plan: VisitPlan
) -> None:
    """ "ann" finds Anna (given name), Mary-Ann (a word inside a family name) and Annie (known
    as), whatever the case; not Joanne, whose name only holds the letters. Before, each word
    was found anywhere in a name."""
    linked = [
        make_person(world.system, given_name="Anna", family_name="Smith"),
        make_person(world.system, given_name="Joanne", family_name="Walsh"),
        make_person(world.system, given_name="Lily", family_name="Mary-Ann"),
        make_person(world.system, given_name="Bea", family_name="Lowe", known_as="ANNIE"),
    ]
    for person in linked:
        allocation_create(
            actor=world.system, person=person, worker=world.social_worker, start=dt.date(2026, 1, 5)
        )
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(p, InvolvementRole.HARMED) for p in linked],
    )
    html = find(
        client_for(world.social_worker), _url(crowded_plan), _answers(world), "people", "ANN"
    )
    anna, _joanne, lily, bea = linked
    assert ticked_choices(html, "people") == {str(anna.pk), str(lily.pk), str(bea.pk)}
    html = find(
        client_for(world.social_worker), _url(crowded_plan), _answers(world), "people", "anna smi"
    )
    assert ticked_choices(html, "people") == {str(anna.pk)}
