"""Profile pages: sight per persona (404 for the rest), logged reads, forms that name
their errors and write nothing, the include for the child's page, strict CSP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string

from locus.access import policies
from locus.audit.models import AccessAction, AccessEvent
from locus.common.services import today
from locus.profiles.models import ProfileItem
from locus.profiles.selectors import profile_for
from locus.profiles.services import profile_item_end
from tests.factories import World, client_for, make_association, nothing_written
from tests.peers.test_capture import SIGHTS, form_below_heading, seen_only_through
from tests.profiles.helpers import add_item
from tests.profiles.pages import assert_strict_page, errors_of, last_read, url

pytestmark = pytest.mark.django_db

# Who sees csc_child's profile page (V) and may also add to it (R).
# fmt: off
PAGE_ROW = {
    "social_worker": "R", "teammate": "R", "team_manager": "R",
    "other_social_worker": "-", "yjs_worker": "-", "police_analyst": "-",
    "school_dsl": "-", "partner_worker": "-", "auditor": "-", "admin": "R",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(PAGE_ROW.items()))
def test_profile_pages_per_persona(world: World, persona: str, cell: str) -> None:
    item = add_item(world.social_worker, world.csc_child)
    worker = world.persona(persona)
    client = client_for(worker)
    page = client.get(url("person-profile", world.csc_child.pk))
    assert page.status_code == (200 if cell != "-" else 404)
    for name, args in (
        ("person-profile-add", []),
        ("person-profile-change", [item.pk]),
        ("person-profile-end", [item.pk]),
    ):
        response = client.get(url(name, world.csc_child.pk, *args))
        assert response.status_code == (200 if cell == "R" else 404), name
    if cell == "-":
        assert b"mechanic" not in page.content


def test_the_police_read_a_profile_they_may_see_but_are_not_offered_to_change_it(
    world: World,
) -> None:
    add_item(world.admin, world.police_child, kind="interest", text="Boxing at the club")
    client = client_for(world.police_analyst)
    html = client.get(url("person-profile", world.police_child.pk)).content.decode()
    assert "Boxing at the club" in html and "Add a talent" not in html and ">Change<" not in html
    assert client.get(url("person-profile-add", world.police_child.pk)).status_code == 404


def test_reading_the_profile_is_logged(world: World) -> None:
    client_for(world.social_worker).get(url("person-profile", world.csc_child.pk))
    event = last_read(world.social_worker)
    assert event.action == AccessAction.VIEW and event.record_id == str(world.csc_child.pk)
    assert event.detail == {
        "page": "profile",
        "items_shown": [],
        "peers_shown": [],
        "places_shown": [],
    }
    client_for(world.social_worker).get(url("person-profile-add", world.csc_child.pk))
    assert last_read(world.social_worker).detail == {"page": "profile-add"}


def test_the_profile_s_read_names_its_items_and_the_peers_and_places_they_name(
    world: World,
) -> None:
    """Each item listed, current or ended, is named by id in the read, and so are the
    protective peer and the safe place the page names."""
    sw = world.social_worker
    peer = add_item(sw, world.csc_child, kind="protective_peer", peer=world.team_child)
    place = add_item(sw, world.csc_child, kind="safe_place", text="The park", place=world.park)
    ended = add_item(sw, world.csc_child, text="To be a pilot")
    profile_item_end(actor=sw, item=ended, ended_on=today(), reason="Changed her mind")
    page = client_for(sw).get(url("person-profile", world.csc_child.pk)).content.decode()
    assert world.team_child.full_name in page and world.park.name in page
    shown = last_read(sw).detail
    assert sorted(shown["items_shown"]) == sorted([peer.pk, place.pk, ended.pk])
    assert shown["peers_shown"] == [world.team_child.pk]
    assert shown["places_shown"] == [world.park.pk]


def _reads_about(person_id: int) -> list[AccessEvent]:
    """The reads the trail's search by person finds for this person."""
    return list(AccessEvent.objects.filter(people__contains=f",{person_id},"))


def test_a_protective_peer_named_on_the_profile_is_in_the_trail(world: World) -> None:
    """The profile names a protective peer (another child) in full: an auditor asking who
    read about that child finds the read, on the profile page and on the pages that change
    or end the item, as on every page that names a child."""
    item = add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="Tariq walks home with her",
        peer=world.team_child,
    )
    client = client_for(world.social_worker)
    page = client.get(url("person-profile", world.csc_child.pk))
    assert world.team_child.full_name in page.content.decode()
    event = last_read(world.social_worker)
    assert event in _reads_about(world.csc_child.pk)
    assert event in _reads_about(world.team_child.pk)
    for name in ("person-profile-change", "person-profile-end"):
        client.get(url(name, world.csc_child.pk, item.pk))
        event = last_read(world.social_worker)
        assert event.detail == {
            "page": name.replace("person-", ""),
            "item": item.pk,
            "people_shown": [world.team_child.pk],
        }
        assert event in _reads_about(world.team_child.pk)


def test_the_childs_own_page_logs_the_peers_and_moves_it_shows(world: World) -> None:
    """The child's page shows the profile (naming its protective peers) and the managed
    moves: its read names those peers for the trail's search, and lists the moves."""
    add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="Tariq walks home with her",
        peer=world.team_child,
    )
    html = client_for(world.social_worker).get(url("person", world.csc_child.pk))
    assert world.team_child.full_name in html.content.decode()
    event = last_read(world.social_worker)
    assert event.detail["peers_shown"] == [world.team_child.pk]
    assert event.detail["moves_shown"] == []
    assert event in _reads_about(world.team_child.pk)


def test_a_peer_shown_by_initials_only_is_not_logged_as_read(world: World) -> None:
    """A protective peer the reader may not see is shown by initials: the reader learnt
    nothing about that child, so the trail does not say they read about them."""
    item = add_item(
        world.admin,
        world.csc_child,
        kind="protective_peer",
        text="Olu looks out for her",
        peer=world.other_child,
    )
    client = client_for(world.social_worker)
    html = client.get(url("person-profile", world.csc_child.pk)).content.decode()
    assert world.other_child.full_name not in html and world.other_child.initials in html
    client.get(url("person-profile-change", world.csc_child.pk, item.pk))
    assert last_read(world.social_worker).detail == {"page": "profile-change", "item": item.pk}
    assert not any(e.actor == world.social_worker for e in _reads_about(world.other_child.pk))
    assert len([e for e in _reads_about(world.csc_child.pk) if e.actor == world.social_worker]) == 2


def _post(world: World, **data: Any) -> Any:
    values = {
        "kind": "trusted_adult",
        "text": "Miss Adeyemi, my form tutor",
        "own_words": "yes",
        "recorded_on": today().strftime("%d/%m/%Y"),
        **data,
    }
    return client_for(world.social_worker).post(
        url("person-profile-add", world.csc_child.pk), values
    )


def test_adding_an_item_through_the_form(world: World) -> None:
    response = _post(world)
    assert response.status_code == 302
    assert response["Location"] == url("person-profile", world.csc_child.pk)
    item = ProfileItem.objects.get(person=world.csc_child)
    assert (item.kind, item.own_words, item.recorded_by) == (
        "trusted_adult",
        True,
        world.social_worker,
    )


def test_a_form_with_problems_names_them_and_writes_nothing(world: World) -> None:
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    with nothing_written(ProfileItem):
        response = _post(world, kind="", text="", recorded_on=tomorrow)
    assert response.status_code == 200
    html = response.content.decode()
    assert errors_of(html) == [
        "Choose what kind of strength it is",
        "Say what it is, in the young person's words if you can",
    ]
    assert "<title>Error: " in html
    with nothing_written(ProfileItem):
        response = _post(world, recorded_on=tomorrow)
    assert errors_of(response.content.decode()) == [
        "The date it was said or learnt must not be in the future"
    ]


def test_a_service_refusal_lands_on_its_field(world: World) -> None:
    make_association(world.system, person=world.csc_child, other=world.team_child)
    with nothing_written(ProfileItem):
        response = _post(world, kind="talent", peer=str(world.team_child.pk))
    assert errors_of(response.content.decode()) == [
        "Only a protective peer names a person: choose 'Protective peers' or no person"
    ]


def test_the_peer_picker_offers_associates_and_search_results_the_viewer_sees(
    world: World,
) -> None:
    make_association(world.system, person=world.csc_child, other=world.team_child)
    make_association(world.system, person=world.csc_child, other=world.other_child)
    client = client_for(world.social_worker)
    html = client.get(url("person-profile-add", world.csc_child.pk)).content.decode()
    assert "Tariq Teamchild" in html and "Otherchild" not in html
    html = client.get(
        url("person-profile-add", world.csc_child.pk) + "?q=olu&kind=protective_peer"
    ).content.decode()
    assert "0 young people match" in html and "Otherchild" not in html


def test_the_add_page_logs_the_peers_its_picker_offers(world: World) -> None:
    """The peer picker names the child's associates and the search's finds: the read of
    the page is about them too, with the name searched for."""
    make_association(world.system, person=world.csc_child, other=world.team_child)
    client = client_for(world.social_worker)
    html = client.get(url("person-profile-add", world.csc_child.pk)).content.decode()
    assert world.team_child.full_name in html
    read = last_read(world.social_worker)
    assert read.detail == {"page": "profile-add", "people_shown": [world.team_child.pk]}
    assert f",{world.team_child.pk}," in read.people
    client.get(url("person-profile-add", world.csc_child.pk) + "?q=Teamchild")
    read = last_read(world.social_worker)
    assert read.detail["q"] == "Teamchild"
    assert read.detail["people_shown"] == [world.team_child.pk]


def test_a_peer_chosen_who_is_not_offered_is_refused_by_the_form(world: World) -> None:
    with nothing_written(ProfileItem):
        response = _post(world, kind="protective_peer", peer=str(world.other_child.pk))
    assert errors_of(response.content.decode()) == ["Choose a peer from the list"]


def test_change_and_end_through_the_forms(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    client = client_for(world.social_worker)
    day = today().strftime("%d/%m/%Y")
    response = client.post(
        url("person-profile-change", world.csc_child.pk, item.pk),
        {"text": "A mechanic for F1", "own_words": "yes", "changed_on": day},
    )
    assert response.status_code == 302
    new = ProfileItem.objects.get(replaces=item)
    end = url("person-profile-end", world.csc_child.pk, new.pk)
    # An ending is recorded with its reason: the page asks for it, and refuses none.
    assert "Why has it ended?" in client.get(end).content.decode()
    with nothing_written(ProfileItem):
        refused = client.post(end, {"ended_on": day})
    assert "Say why it has ended" in errors_of(refused.content.decode())
    response = client.post(end, {"ended_on": day, "reason": "He moved to another garage"})
    assert response.status_code == 302
    html = client.get(url("person-profile", world.csc_child.pk)).content.decode()
    assert "A mechanic for F1" in html and "Changed" in html


def test_an_ended_item_cannot_be_changed_and_the_page_says_why(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason="It closed")
    with nothing_written(ProfileItem):
        response = client_for(world.social_worker).post(
            url("person-profile-end", world.csc_child.pk, item.pk),
            {"ended_on": today().strftime("%d/%m/%Y"), "reason": "Again"},
        )
    assert "it is kept as history and you cannot end it" in errors_of(response.content.decode())[0]


def test_an_item_of_another_child_is_not_found(world: World) -> None:
    item = add_item(world.social_worker, world.team_child)
    client = client_for(world.social_worker)
    assert client.get(url("person-profile-end", world.csc_child.pk, item.pk)).status_code == 404
    assert client.get(url("person-profile-change", world.csc_child.pk, 999999)).status_code == 404


@pytest.mark.parametrize("name", ["person-profile", "person-profile-add", "person-profile-end"])
def test_pages_are_strict(world: World, name: str) -> None:
    item = add_item(world.social_worker, world.csc_child)
    args = [item.pk] if name == "person-profile-end" else []
    html = client_for(world.social_worker).get(url(name, world.csc_child.pk, *args)).content
    assert_strict_page(html.decode())


def test_the_include_for_the_child_s_page(world: World) -> None:
    add_item(world.social_worker, world.csc_child, kind="talent", text="Drawing", own_words=False)
    add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="He walks me home",
        peer=world.team_child,
    )
    html = render_to_string(
        "profiles/_person_profile.html",
        {"profile": profile_for(world.social_worker, world.csc_child)},
    )
    assert "Talents" in html and "Drawing" in html
    assert "<q>He walks me home</q>" in html and "Tariq Teamchild" in html
    assert "Aspirations" not in html  # an empty kind is not listed on the child's page
    empty = render_to_string(
        "profiles/_person_profile.html", {"profile": profile_for(world.admin, world.pupil)}
    )
    assert "Nothing recorded yet" in empty
    assert not AccessEvent.objects.exists()  # the include reads nothing of its own


@pytest.mark.parametrize("sight", SIGHTS)
def test_an_associate_seen_only_through_a_share_or_an_emergency_is_not_offered(
    world: World, sight: str
) -> None:
    """The profile's form offers the child's associates as protective peers. One the worker
    sees only through a forum share (the youth justice worker, Ciara) or emergency access (the
    social worker, Paddy) is not offered: naming them on the profile would be refused, as
    naming is not a way to make such sight last. An associate seen in her own right still is."""
    worker, own, unseen, seen = seen_only_through(world, sight)
    for peer in (unseen, seen):
        if peer is not None:
            make_association(world.system, person=own, other=peer, nature="protective")
    assert policies.can_view_person(worker, unseen)
    assert not policies.can_name_people(worker, [unseen])
    page = client_for(worker).get(url("person-profile-add", own.pk)).content.decode()
    form = form_below_heading(page)
    assert unseen.full_name not in form
    if seen is not None:
        assert f'<option value="{seen.pk}">{seen.full_name}</option>' in form
