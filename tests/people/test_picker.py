"""The person picker (people/picker.py) on the forms that name people: the incident record
form, adding a person to an incident, and adding a member to a peer group.

It searches only the people the worker may name, so a search reveals no one else, not
even as a count; every search is audited with what was searched and the ids shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.incidents.models import Incident, Involvement
from locus.peers.services import group_create
from locus.people.picker import choice_label
from locus.people.selectors import PICK_LIMIT, with_fields
from tests.factories import DOB, World, client_for, make_person, nothing_written
from tests.incidents.test_pages import _post
from tests.peers.group_helpers import join

pytestmark = pytest.mark.django_db

NEW = "/incidents/new/"
OUT_OF_SCOPE = ("Otherchild", "Olu", "Yjschild", "Yusuf", "Policechild", "Paddy")


def _record(world: World, **changes: Any) -> dict[str, Any]:
    """The record form's answers with no one chosen yet."""
    return _post(world, **{"person_1": "", **changes})


def _find(client: Any, world: World, name: str, **more: Any) -> Any:
    """Press Find on the record form's first person, with ``name`` typed."""
    with nothing_written(Incident, Involvement):
        return client.post(NEW, _record(world, find="person_1", person_1_name=name, **more))


@pytest.fixture
def social(world: World) -> Any:
    return client_for(world.social_worker)


def test_find_lists_only_the_people_the_worker_may_name(world: World, social: Any) -> None:
    response = _find(social, world, "child")
    page = response.content.decode()
    assert "Cscchild" in page and "Teamchild" in page
    assert not [name for name in OUT_OF_SCOPE if name in page]
    # The form is shown again with its answers kept, nothing judged.
    assert "There is a problem" not in page and "Phone taken near the gates." in page


def test_a_search_matching_only_hidden_people_reads_as_one_matching_nobody(
    world: World, social: Any
) -> None:
    hidden = _find(social, world, "Otherchild").context["form"].picks["person_1"].pick
    nobody = _find(social, world, "Zzyzx").context["form"].picks["person_1"].pick
    assert (hidden.found, hidden.more) == (nobody.found, nobody.more) == ([], False)
    page = _find(social, world, "Otherchild").content.decode()
    assert "No one you may name matches" in page and "Olu" not in page


def test_more_match_counts_only_the_nameable(world: World, social: Any) -> None:
    """PICK_LIMIT people she may name and three she may not, all "Manyname": the list is
    full but says no more match, where a count of everyone would have said so."""
    for _ in range(PICK_LIMIT):
        make_person(world.social_worker, given_name="Manyname")  # recorded by her: seen
    for _ in range(3):
        make_person(world.yjs_worker, given_name="Manyname")
    pick = _find(social, world, "manyname").context["form"].picks["person_1"].pick
    assert len(pick.found) == PICK_LIMIT and pick.more is False
    make_person(world.social_worker, given_name="Manyname")
    pick = _find(social, world, "manyname").context["form"].picks["person_1"].pick
    assert len(pick.found) == PICK_LIMIT and pick.more is True


def test_the_date_of_birth_narrows_the_search(world: World, social: Any) -> None:
    twin = make_person(world.social_worker, given_name="Twin", date_of_birth=DOB)
    other = make_person(
        world.social_worker, given_name="Twin", date_of_birth=DOB.replace(year=DOB.year - 1)
    )
    both = _find(social, world, "twin").context["form"].picks["person_1"].pick
    assert {p.pk for p in both.found} == {twin.pk, other.pk}
    one = _find(social, world, "twin", person_1_born=DOB.strftime("%d/%m/%Y"))
    assert [p.pk for p in one.context["form"].picks["person_1"].pick.found] == [twin.pk]
    assert f"born {DOB:%-d %B %Y}" in one.content.decode()


def test_each_search_is_audited_with_what_was_searched_and_the_ids_shown(
    world: World, social: Any
) -> None:
    _find(social, world, "child", person_1_born="")
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.action == AccessAction.SEARCH
    assert event.detail["page"] == "incident-new"
    assert event.detail["searched"] == [{"name": "child"}]
    assert event.detail["people_shown"] == sorted([world.csc_child.pk, world.team_child.pk])


def test_find_then_choose_then_record(world: World, social: Any) -> None:
    found = _find(social, world, "Teamchild")
    assert [p.pk for p in found.context["form"].picks["person_1"].pick.found] == [
        world.team_child.pk
    ]
    response = social.post(NEW, _record(world, person_1=str(world.team_child.pk)))
    assert response.status_code == 302
    incident = Incident.objects.get(summary="Phone taken near the gates.")
    assert list(incident.involvements.values_list("person_id", "role")) == [
        (world.team_child.pk, "harmed")
    ]


def test_a_chosen_person_stays_chosen_while_another_row_is_searched(
    world: World, social: Any
) -> None:
    response = social.post(
        NEW,
        _record(
            world, find="person_2", person_1=str(world.csc_child.pk), person_2_name="Teamchild"
        ),
    )
    picks = response.context["form"].picks
    assert picks["person_1"].pick.chosen == world.csc_child
    assert [p.pk for p in picks["person_2"].pick.found] == [world.team_child.pk]
    page = response.content.decode()
    assert f'name="person_1" type="radio" value="{world.csc_child.pk}" checked' in page


def test_a_posted_id_of_someone_hidden_is_neither_named_nor_offered(
    world: World, social: Any
) -> None:
    with nothing_written(Incident, Involvement):
        response = social.post(NEW, _record(world, person_1=str(world.other_child.pk)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Otherchild" not in page and "Olu" not in page
    assert 'href="#id_person_1"' in page and 'id="id_person_1"' in page


def test_a_search_with_the_form_costs_a_fixed_number_of_queries(world: World, social: Any) -> None:
    for _ in range(PICK_LIMIT + 2):
        make_person(world.social_worker, given_name="Manyname")
    search = _record(world, find="person_1", person_1_name="manyname")
    social.post(NEW, search)
    with CaptureQueriesContext(connection) as ctx:
        social.post(NEW, search)
    # Sign-in and session (7 here: session, worker, break-glass twice, its save in a
    # savepoint), then the matches (one query however many), the places offered, the
    # search's access event (its row, and its chain head read locked and moved on).
    assert len(ctx.captured_queries) == 12


def test_the_group_member_form_uses_the_same_picker_and_audits_it(world: World) -> None:
    group = group_create(actor=world.social_worker, name="Station lot")
    client = client_for(world.social_worker)
    url = reverse("group-member-add", args=[group.pk])
    page = client.post(url, {"find": "person", "person_name": "child"}).content.decode()
    assert "Cscchild" in page and not [name for name in OUT_OF_SCOPE if name in page]
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (event.action, event.detail["page"]) == (AccessAction.SEARCH, "group-member-add")
    assert event.detail["people_shown"] == sorted([world.csc_child.pk, world.team_child.pk])


def test_the_involvement_add_form_finds_by_name(world: World) -> None:
    incident = world.police_incident
    client = client_for(world.police_analyst)
    url = reverse("involvement-add", args=[incident.pk])
    found = client.post(url, {"find": "person", "person_name": "Adult", "role": "present"})
    assert [p.pk for p in found.context["form"].picks["person"].pick.found] == [world.adult.pk]
    assert "Cscchild" not in found.content.decode()
    added = client.post(url, {"person": world.adult.pk, "role": "present", "reason": "Seen"})
    assert added.status_code == 302
    assert incident.involvements.filter(person=world.adult, role="present").exists()


def test_enter_in_another_box_saves_once_the_search_boxes_are_empty(
    world: World, social: Any
) -> None:
    """Enter in a text box presses the form's first button, a Find: with no name typed, the
    post is the save the worker meant; after a search the name box is emptied for it."""
    found = _find(social, world, "Teamchild").content.decode()
    assert 'name="person_1_name" type="text" value=""' in found
    assert "Found for &lsquo;Teamchild&rsquo;" in found
    response = social.post(NEW, _record(world, find="person_1", person_1=str(world.team_child.pk)))
    assert response.status_code == 302
    assert Incident.objects.filter(summary="Phone taken near the gates.").exists()


def test_another_agency_s_worker_finds_only_their_own(world: World) -> None:
    page = _find(client_for(world.yjs_worker), world, "child").content.decode()
    assert "Yjschild" in page and "Cscchild" not in page and "Teamchild" not in page


def test_who_may_not_record_cannot_search_through_the_form(world: World) -> None:
    client = client_for(world.auditor)
    before = AccessEvent.objects.filter(actor=world.auditor, action=AccessAction.SEARCH).count()
    response = client.post(NEW, _record(world, find="person_1", person_1_name="child"))
    assert response.status_code == 404
    after = AccessEvent.objects.filter(actor=world.auditor, action=AccessAction.SEARCH).count()
    assert after == before
    # A police analyst sees the group through a child she sees, but runs no group.
    join(world.system, world.group, world.police_child)
    police = client_for(world.police_analyst)
    assert police.get(reverse("group", args=[world.group.pk])).status_code == 200
    url = reverse("group-member-add", args=[world.group.pk])
    assert police.post(url, {"find": "person", "person_name": "child"}).status_code == 404


def test_a_choice_whose_name_is_not_shown_says_a_person_never_a_child(world: World) -> None:
    """A picker's list may hold young people and adults. A person on it whose name the viewer
    is not shown (one the list never read the viewer's fields for: fail closed) reads by
    initials as "a person not shared with you", for a child as for an adult: the words do not
    tell which."""
    assert choice_label(world.csc_child) == "CC (a person not shared with you)"
    assert choice_label(world.adult) == "AA (a person not shared with you)"
    (named,) = with_fields(world.social_worker, [world.csc_child], seen=True)
    assert choice_label(named).startswith("Ciara Cscchild")
