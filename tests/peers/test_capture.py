"""The peer group information capture form: record, change and end peers through the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from locus.access import policies
from locus.access.fields import PersonField, fields_visible_to
from locus.access.models import AgencyKind, Role, Worker
from locus.audit.models import AccessEvent
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.peers.models import Association, PeerMapPurpose
from locus.people import selectors as people
from locus.people.models import Person
from locus.people.services import allocation_create
from tests.factories import (
    START,
    World,
    client_for,
    make_agency,
    make_association,
    make_context,
    make_person,
    make_team,
    make_worker,
    nothing_written,
)
from tests.mapping.helpers import held_meeting
from tests.peers.test_map_print_emergency import _emergency as emergency

pytestmark = pytest.mark.django_db

DAY = START.strftime("%d/%m/%Y")


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "q": "",
        "other": "",
        "other_label": "",
        "relationship": "friend",
        "nature": "protective",
        "peer_role": "core",
        "open_to_social_care": "",
        "open_to_youth_justice": "",
        "source": "young_person",
        "confidence": "high",
        "valid_from": DAY,
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _url(name: str, world: World, *args: Any) -> str:
    return reverse(name, args=[world.csc_child.pk, *args])


def _known(world: World, **fields: Any) -> Association:
    values: dict[str, Any] = {"other": world.team_child, "nature": "protective", **fields}
    return make_association(world.system, person=world.csc_child, **values)


def test_record_a_known_peer_found_by_name(world: World) -> None:
    client = client_for(world.social_worker)
    page = client.get(_url("person-peer-add", world) + "?q=tariq").content.decode()
    assert f'<option value="{world.team_child.pk}" selected>Tariq Teamchild' in page
    response = client.post(
        _url("person-peer-add", world),
        _form(
            q="tariq",
            other=world.team_child.pk,
            nature="risk",
            peer_role="leading",
            contexts=[world.park.pk, world.group.pk],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == _url("person-peers", world)
    association = Association.objects.get()
    assert (association.person, association.other, association.nature) == (
        world.csc_child,
        world.team_child,
        "risk",
    )
    assert (association.peer_role, association.recorded_by) == ("leading", world.social_worker)
    assert set(association.contexts.all()) == {world.park, world.group}
    html = client.get(response["Location"]).content.decode()
    assert "Peer recorded" in html and "Leading or influential" in html


def test_record_a_peer_not_yet_known_with_what_the_worker_was_told(world: World) -> None:
    response = client_for(world.social_worker).post(
        _url("person-peer-add", world),
        _form(other_label="older male known as T", open_to_youth_justice="yes", nature="risk"),
    )
    assert response.status_code == 302
    association = Association.objects.get()
    assert (association.other, association.other_label) == (None, "older male known as T")
    assert (association.open_to_youth_justice, association.open_to_social_care) == (True, None)


def test_the_peer_picker_finds_only_people_the_worker_may_see(world: World) -> None:
    client = client_for(world.social_worker)
    page = client.get(_url("person-peer-add", world) + "?q=olu").content.decode()
    assert "Otherchild" not in page and "0 people match" in page
    # Posting a hidden person's id directly is refused like any unknown choice.
    with nothing_written(Association):
        response = client.post(
            _url("person-peer-add", world), _form(q="olu", other=world.other_child.pk)
        )
    assert response.status_code == 200
    assert 'href="#id_other"' in response.content.decode()


def test_the_peer_search_shows_no_date_of_birth_a_share_did_not_carry(world: World) -> None:
    """The youth justice worker sat on the meeting that shared Ciara (her name, age and
    status; not her date of birth). Recording a peer for his own child, he searches "Ciara":
    her person page withholds her date of birth from him, and the search offers her not at
    all (a share is not sight to record against)."""
    held_meeting(world)
    yjs = world.yjs_worker
    ciara = world.csc_child
    (seen,) = people.with_fields(yjs, [ciara], seen=True)
    assert PersonField.DATE_OF_BIRTH not in people.visible_fields(seen)
    born = f"{ciara.date_of_birth:%d/%m/%Y}"
    assert born not in client_for(yjs).get(reverse("person", args=[ciara.pk])).text
    url = reverse("person-peer-add", args=[world.yjs_child.pk])
    page = client_for(yjs).get(url, {"q": "Ciara"}).text
    assert ciara.full_name not in page  # seen through the share: not someone to record
    assert born not in page


SIGHTS = ["share", "emergency"]


def seen_only_through(world: World, sight: str) -> tuple[Worker, Person, Person, Person | None]:
    """A worker, her own child, a child she sees only through ``sight`` (a forum share: the
    youth justice worker and Ciara; emergency access: the social worker and Paddy), and a
    child she sees in her own right whom her own may be linked to (None for the first)."""
    if sight == "share":
        held_meeting(world)
        return world.yjs_worker, world.yjs_child, world.csc_child, None
    emergency(world.social_worker, world.police_child)
    return world.social_worker, world.csc_child, world.police_child, world.team_child


def form_below_heading(html: str) -> str:
    """A page from its heading on: the emergency's banner above names whom it opened, on
    every page."""
    return html.split("<h1", 1)[1]


@pytest.mark.parametrize("page", ["person-peer-add", "person-profile-add"])
@pytest.mark.parametrize("sight", SIGHTS)
def test_the_peer_search_offers_only_people_the_worker_may_record_against(
    world: World, page: str, sight: str
) -> None:
    """A worker searching for a peer to record (a relationship, or a protective peer on a
    profile) is offered only people she may name in a record: not a child she sees only
    through a forum share (the youth justice worker, Ciara) nor one she sees only through
    emergency access (the social worker, Paddy), whom the record would then refuse. She is
    told no one matches; a child she sees in her own right is still found."""
    worker, own, unseen, seen = seen_only_through(world, sight)
    assert policies.can_view_person(worker, unseen)
    with pytest.raises(NotPermitted):  # what the record would say to the choice
        make_association(worker, person=own, other=unseen)
    client = client_for(worker)
    found = client.get(reverse(page, args=[own.pk]), {"q": unseen.family_name}).text
    form = form_below_heading(found)
    assert re.search(r"\b0 (young )?people match", form), form
    assert unseen.full_name not in form
    if seen is not None:
        found = client.get(reverse(page, args=[own.pk]), {"q": seen.family_name}).text
        assert seen.full_name in found


def test_the_peer_search_shows_dates_of_birth_only_to_a_role_that_sees_them(
    world: World,
) -> None:
    """A youth worker's row of the field table has no date of birth: searching for a peer
    among the children his own team holds names them without it; a social worker, whose
    row has it, reads it there as before."""
    ys = make_agency(world.system, kind=AgencyKind.YOUTH_SERVICE, name="Youth Service")
    team = make_team(world.system, agency=ys, name="Detached youth work")
    youth_worker = make_worker(world.system, team=team, role=Role.PRACTITIONER)
    child = make_person(world.system, given_name="Remy", family_name="Outreach")
    peer = make_person(
        world.system, given_name="Jade", family_name="Outreach", date_of_birth=dt.date(2011, 5, 2)
    )
    for person in (child, peer):
        allocation_create(actor=world.system, person=person, worker=youth_worker, start=START)
    assert PersonField.DATE_OF_BIRTH not in fields_visible_to(youth_worker, peer)
    url = reverse("person-peer-add", args=[child.pk])
    page = client_for(youth_worker).get(url, {"q": "Jade"}).text
    assert f'<option value="{peer.pk}" selected>Jade Outreach</option>' in page
    assert "02/05/2011" not in page
    found = client_for(world.social_worker).get(_url("person-peer-add", world), {"q": "tariq"})
    born = f"{world.team_child.date_of_birth:%d/%m/%Y}"
    assert f"Tariq Teamchild, born {born}" in found.text


def test_the_peer_search_logs_the_children_it_names_and_what_was_searched(world: World) -> None:
    """The capture form's search lists other children by name: the read is about them too,
    with the name searched for, and a post redrawn with the search names them again."""
    client = client_for(world.social_worker)
    page = client.get(_url("person-peer-add", world) + "?q=Teamchild").content.decode()
    assert world.team_child.full_name in page
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail == {
        "page": "peer-add",
        "people_shown": [world.team_child.pk],
        "q": "Teamchild",
    }
    assert f",{world.csc_child.pk}," in read.people and f",{world.team_child.pk}," in read.people
    client.post(_url("person-peer-add", world), _form(q="Teamchild", nature=""))
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert f",{world.team_child.pk}," in read.people


def _refused(client: Any, url: str, data: dict[str, Any], field: str, message: str) -> str:
    with nothing_written(Association, PeerMapPurpose):
        response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and html.startswith("<!DOCTYPE html>")
    assert f'href="#id_{field}"' in html, html[html.find("govuk-error-summary") :][:800]
    assert message in html.replace("&#x27;", "'")
    return html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"other_label": ""},
            "other",
            "Choose the peer, or describe a peer not yet known to Locus (not both)",
            id="no-peer",
        ),
        pytest.param({"nature": "enemy"}, "nature", "Select a valid choice", id="unknown-nature"),
        pytest.param({"peer_role": "boss"}, "peer_role", "Select a valid choice", id="role"),
        pytest.param({"source": ""}, "source", "Say where this information came from", id="src"),
        pytest.param(
            {"valid_from": "31/02/2026"},
            "valid_from",
            "Enter the date they met as a date, like 27/03/2026",
            id="bad-date",
        ),
        pytest.param(
            {"valid_from": (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")},
            "valid_from",
            "The start date must not be in the future",
            id="future-start",
        ),
        pytest.param(
            {"valid_from": "14/07/0025"},  # a mistyped year, read as a date
            "valid_from",
            "The start date must be after 1900",
            id="before-1900",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    data = _form(**{"other_label": "older male known as T", **changes})
    _refused(client_for(world.social_worker), _url("person-peer-add", world), data, field, message)


def test_a_peer_recorded_twice_is_refused_on_the_peer_field(world: World) -> None:
    _known(world)
    client = client_for(world.social_worker)
    _refused(
        client,
        _url("person-peer-add", world),
        _form(q="tariq", other=world.team_child.pk, nature="risk"),
        "other",
        "This relationship is already recorded: end it before recording a new one",
    )
    client.post(_url("person-peer-add", world), _form(other_label="Older male known as T"))
    _refused(
        client,
        _url("person-peer-add", world),
        _form(other_label="older male known as t"),
        "other_label",
        "A peer with this description is already recorded for this young person",
    )


def test_open_to_for_a_known_peer_is_refused_on_its_field(world: World) -> None:
    _refused(
        client_for(world.social_worker),
        _url("person-peer-add", world),
        _form(q="tariq", other=world.team_child.pk, open_to_social_care="no"),
        "open_to_social_care",
        "Leave this as not known: for a peer known to Locus it comes from their legal status",
    )


def test_only_contexts_the_worker_may_see_are_offered(world: World) -> None:
    hidden_home = make_context(world.system, kind="home", name="Another family's flat")
    client = client_for(world.social_worker)
    page = client.get(_url("person-peer-add", world)).content.decode()
    assert "Millfields Park" in page and "Flat 3, Example House" in page  # her child's home
    assert "Another family" not in page
    _refused(
        client,
        _url("person-peer-add", world),
        _form(other_label="x", contexts=[hidden_home.pk]),
        "contexts",
        "Select a valid choice",
    )


def test_change_keeps_history_and_the_list_shows_both(world: World) -> None:
    old = _known(world, peer_role="core")
    client = client_for(world.social_worker)
    url = _url("person-peer-change", world, old.pk)
    page = client.get(url).content.decode()
    assert "Ciara Cscchild and Tariq Teamchild" in page
    changed_on = START + dt.timedelta(days=30)
    response = client.post(
        url,
        _form(
            nature="risk",
            peer_role="leading",
            valid_from=changed_on.strftime("%d/%m/%Y"),
            reason="Police intelligence: he now leads the group",
        ),
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = Association.objects.exclude(pk=old.pk).get()
    assert (old.nature, old.valid_until) == ("protective", changed_on)
    assert (new.nature, new.valid_from, new.replaces) == ("risk", changed_on, old)
    html = client.get(_url("person-peers", world)).content.decode()
    current, past = html.split("Ended and changed relationships")
    assert "Presents risk" in current and "Protective" not in current
    assert "Protective" in past and "changed" in past
    # The history says who changed it, and why.
    assert "by Test social_worker" in past and "Police intelligence: he now leads the group" in past


def test_change_with_a_date_before_the_start_names_the_field(world: World) -> None:
    old = _known(world)
    _refused(
        client_for(world.social_worker),
        _url("person-peer-change", world, old.pk),
        _form(nature="risk", valid_from="01/01/2024"),
        "valid_from",
        "The date of the change must be on or after the relationship began (01/09/2025)",
    )


def test_end_keeps_the_record_and_refuses_bad_dates(world: World) -> None:
    association = _known(world)
    client = client_for(world.social_worker)
    url = _url("person-peer-end", world, association.pk)
    _refused(
        client,
        url,
        {"valid_until": "31/08/2025"},
        "valid_until",
        "The end date must be on or after the start date",
    )
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    _refused(
        client,
        url,
        {"valid_until": tomorrow},
        "valid_until",
        "The end date must not be in the future",
    )
    _refused(client, url, {"valid_until": ""}, "valid_until", "Enter the date it ended")
    _refused(
        client,
        url,
        {"valid_until": DAY},
        "reason",
        "Say why the relationship record ends or changes",
    )
    assert client.post(url, {"valid_until": DAY, "reason": "They moved away"}).status_code == 302
    association.refresh_from_db()
    assert association.valid_until == START
    assert Association.objects.count() == 1  # ended, not deleted
    _refused(
        client,
        url,
        {"valid_until": DAY, "reason": "Again"},
        "valid_until",
        "This relationship has already ended",
    )


def test_a_peer_the_worker_may_not_see_is_neither_ended_nor_changed_by_her(world: World) -> None:
    """Was: ended (not changed) by any worker of either child. Now: someone else's record
    about a peer she may not see is not hers to end: no link, and 404 if she tries."""
    association = _known(world, other=world.yjs_child)
    client = client_for(world.social_worker)
    html = client.get(_url("person-peers", world)).content.decode()
    assert "YY (a person not shared with you)" in html and "Yjschild" not in html
    assert _url("person-peer-change", world, association.pk) not in html
    assert _url("person-peer-end", world, association.pk) not in html
    assert client.get(_url("person-peer-change", world, association.pk)).status_code == 404
    assert client.get(_url("person-peer-end", world, association.pk)).status_code == 404
    with nothing_written(Association):
        response = client.post(
            _url("person-peer-end", world, association.pk),
            {"valid_until": DAY, "reason": "Not my record"},
        )
    assert response.status_code == 404


def test_the_recorder_ends_her_own_record_about_a_peer_she_may_not_see(world: World) -> None:
    association = _known(world, other=world.yjs_child)
    association.recorded_by = world.social_worker
    association.save()
    client = client_for(world.social_worker)
    end = client.get(_url("person-peer-end", world, association.pk)).content.decode()
    assert "YY (a person not shared with you)" in end and "Yjschild" not in end
    response = client.post(
        _url("person-peer-end", world, association.pk),
        {"valid_until": DAY, "reason": "Recorded against the wrong young person"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "persona",
    ["other_social_worker", "yjs_worker", "police_analyst", "school_dsl", "auditor"],
)
def test_every_capture_page_is_not_found_for_who_may_not_see_the_child(
    world: World, persona: str
) -> None:
    association = _known(world)
    client = client_for(world.persona(persona))
    for name, args in (
        ("person-peers", ()),
        ("person-peer-add", ()),
        ("person-peer-change", (association.pk,)),
        ("person-peer-end", (association.pk,)),
    ):
        assert client.get(_url(name, world, *args)).status_code == 404, name
    with nothing_written(Association):
        for name, args in (("person-peer-add", ()), ("person-peer-end", (association.pk,))):
            response = client.post(_url(name, world, *args), _form(other_label="x"))
            assert response.status_code == 404


def test_an_analyst_who_sees_a_child_reads_the_peers_but_does_not_record(world: World) -> None:
    client = client_for(world.police_analyst)
    url = reverse("person-peers", args=[world.police_child.pk])
    html = client.get(url).content.decode()
    assert "Record a peer" not in html
    assert client.get(reverse("person-peer-add", args=[world.police_child.pk])).status_code == 404


def test_an_association_of_another_child_is_not_found_under_this_one(world: World) -> None:
    elsewhere = make_association(world.system, person=world.team_child)
    client = client_for(world.social_worker)
    assert client.get(_url("person-peer-end", world, elsewhere.pk)).status_code == 404
    assert client.get(_url("person-peer-change", world, elsewhere.pk)).status_code == 404


def test_the_peers_page_logs_each_relationship_and_place_it_lists(world: World) -> None:
    """The read names the relationships listed (a peer not yet known too) and the places
    recorded with them, beside the peers it names."""
    known = _known(world, contexts=[world.park])
    unknown = make_association(world.system, person=world.csc_child, other=None)
    html = client_for(world.social_worker).get(_url("person-peers", world)).content.decode()
    assert world.park.name in html and unknown.other_label in html
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail["page"] == "peers"
    assert sorted(read.detail["associations_shown"]) == sorted([known.pk, unknown.pk])
    assert read.detail["peers_shown"] == [world.team_child.pk]
    assert read.detail["places_shown"] == [world.park.pk]


def test_capture_pages_are_logged_as_reads_of_the_child(world: World) -> None:
    client = client_for(world.social_worker)
    client.get(_url("person-peers", world))
    client.get(_url("person-peer-add", world))
    pages = [
        e.detail["page"]
        for e in AccessEvent.objects.filter(
            actor=world.social_worker, record_type="people.person", record_id=world.csc_child.pk
        ).order_by("id")
    ]
    assert pages == ["peers", "peer-add"]


def test_the_form_says_a_relationship_and_its_source_are_shared_unlike_restricted_intelligence(
    world: World,
) -> None:
    """Only an incident can be kept within the police: whoever chooses a relationship's source
    ("Police intelligence" among them) is told, beside the choice, who will see it."""
    page = client_for(world.social_worker).get(_url("person-peer-add", world)).content.decode()
    hint = re.search(r'id="id_source-hint"[^>]*>(.*?)</', page, re.S)
    assert hint is not None
    words = " ".join(hint.group(1).split())
    assert "may see either person sees this relationship and where it came from" in words
    assert "restricted incident" in words
    assert 'aria-describedby="id_source-hint"' in page
