"""Every page that shows a person's name or record is logged, with the ids it showed.

The pages found unlogged: the referral form pre-filled with ``?person=``, the people list
unfiltered, the incidents list, the contexts search, the home page, an edit page shown
again after a refused save, and the peer map's PNG export. The sweep then walks every
list and detail page reachable from the menu, as a practitioner.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.casework.services import referral_record
from locus.common.services import today
from locus.people.models import Person
from locus.sharing.vocab import SAFEGUARDING
from tests.factories import World, client_for, make_association
from tests.web.test_views import _details

pytestmark = pytest.mark.django_db

MENU = (
    "dashboard",
    "people",
    "contexts",
    "incidents",
    "linked",
    "meetings",
    "panels",
    "context-cases",
    "my-work",
)
HREF = re.compile(r'href="(/[^"#?]*)"')


def reads_during(client: Client, method: str, url: str, data: Any = None) -> list[AccessEvent]:
    """The reads a request logged (oldest first)."""
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = (
        getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    )
    assert response.status_code < 400, (url, response.status_code)
    return list(AccessEvent.objects.filter(id__gt=last).order_by("id"))


def one_read(client: Client, url: str, **kwargs: Any) -> AccessEvent:
    (event,) = reads_during(client, kwargs.pop("method", "get"), url, kwargs.pop("data", None))
    return event


def test_the_referral_form_pre_filled_with_a_child_logs_the_children_it_names(
    world: World,
) -> None:
    # The teammate's child, whom the social worker sees through her team, not her caseload.
    url = reverse("context-referral-new") + f"?person={world.team_child.pk}"
    event = one_read(client_for(world.social_worker), url)
    assert event.record_type == "people.person"
    assert set(event.detail["people_shown"]) == {world.csc_child.pk, world.team_child.pk}


def test_the_people_list_unfiltered_logs_the_people_on_the_page(world: World) -> None:
    event = one_read(client_for(world.social_worker), reverse("people"))
    assert event.action == AccessAction.VIEW and event.record_type == "people.person"
    assert {world.csc_child.pk, world.team_child.pk} <= set(event.detail["people_shown"])
    assert world.other_child.pk not in event.detail["people_shown"]


def test_the_incidents_list_logs_the_incidents_and_the_people_it_names(world: World) -> None:
    event = one_read(client_for(world.police_analyst), reverse("incidents"))
    assert event.record_type == "incidents.incident"
    assert event.detail["shown"] == [str(world.police_incident.pk)]
    assert event.detail["people_shown"] == sorted([world.police_child.pk, world.adult.pk])


def test_the_contexts_search_logs_the_contexts_it_showed(world: World) -> None:
    event = one_read(client_for(world.social_worker), reverse("contexts") + "?q=Flat")
    assert event.action == AccessAction.SEARCH and event.detail["q"] == "Flat"
    assert event.detail["shown"] == [str(world.home.pk)]


def test_the_home_page_logs_the_caseload_and_the_incidents_it_names(world: World) -> None:
    event = one_read(client_for(world.police_analyst), reverse("dashboard"))
    assert event.detail["page"] == "home"
    assert event.detail["incidents_shown"] == [str(world.police_incident.pk)]
    assert event.detail["people_shown"] == sorted([world.police_child.pk, world.adult.pk])
    event = one_read(client_for(world.social_worker), reverse("dashboard"))
    assert world.csc_child.pk in event.detail["people_shown"]


def test_an_edit_page_shown_again_after_a_refused_save_is_logged(world: World) -> None:
    child = world.csc_child
    event = one_read(
        client_for(world.social_worker),
        reverse("person-edit", args=[child.pk]),
        method="post",
        data=_details(child, given_name=""),
    )
    assert (event.record_type, event.record_id) == ("people.person", str(child.pk))
    assert event.detail == {"page": "edit"}


def test_the_peer_map_png_export_is_logged_before_the_image_is_made(world: World) -> None:
    client = client_for(world.social_worker)
    url = reverse("peer-map-export", args=[world.csc_child.pk]) + "?nature=risk"
    event = one_read(client, url, method="post", data={})
    assert event.action == AccessAction.EXPORT
    assert (event.record_type, event.record_id) == ("people.person", str(world.csc_child.pk))
    assert event.detail["page"] == "peer-map png" and event.detail["natures"] == ["risk"]
    assert "named" in event.detail
    # The page hands the browser that address; a GET logs nothing, nor does a stranger.
    page = client.get(reverse("peer-map", args=[world.csc_child.pk])).content.decode()
    assert f'data-export-url="{reverse("peer-map-export", args=[world.csc_child.pk])}?' in page
    assert client.get(url).status_code == 405
    assert client_for(world.police_analyst).post(url).status_code == 404


def test_the_group_map_png_export_is_logged_with_the_members_named(world: World) -> None:
    url = reverse("group-map-export", args=[world.group.pk])
    event = one_read(client_for(world.social_worker), url, method="post", data={})
    assert event.action == AccessAction.EXPORT
    assert (event.record_type, event.record_id) == ("places.context", str(world.group.pk))
    assert event.detail["named"] == [world.csc_child.pk]  # the YJS member is not hers to see
    assert client_for(world.police_analyst).post(url).status_code == 404


def _menu_and_linked_pages(client: Client, depth: int = 2) -> list[str]:
    """The menu's pages, and the pages their links lead to (lists, details, a child's tabs)."""
    pages = [reverse(name) for name in MENU]
    frontier = list(pages)
    for _ in range(depth):
        found = []
        for url in frontier:
            for href in HREF.findall(client.get(url).content.decode()):
                try:
                    match = resolve(href)
                except Resolver404:
                    continue
                if match.url_name not in ("logout", "login") and href not in pages:
                    pages.append(href)
                    found.append(href)
        frontier = found
    return pages


def _ids_read(events: list[AccessEvent]) -> set[int]:
    """The people a page's reads name: the record read, and every id a detail lists."""
    ids = {int(e.record_id) for e in events if e.record_type == "people.person" and e.record_id}
    for event in events:
        for value in event.detail.values():
            if isinstance(value, list):
                ids |= {int(v) for v in value if str(v).isdigit()}
    return ids


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "police_analyst"])
def test_every_page_from_the_menu_that_names_a_person_logs_them(world: World, persona: str) -> None:
    # A relationship, so that the child's own pages name a peer too; a referral about her.
    make_association(world.system, person=world.csc_child, other=world.team_child)
    referral = referral_record(
        actor=world.social_worker,
        about="child",
        children=[world.csc_child],
        summary="Seen with older males at the shopping centre after school.",
        received_on=today(),
        basis=SAFEGUARDING,
    )
    worker = world.persona(persona)
    client = client_for(worker)
    names = {p.full_name: p.pk for p in Person.objects.all()}
    pages = _menu_and_linked_pages(client)
    assert len(pages) > 2 * len(MENU)  # the walk reached lists, details and a child's tabs
    if persona == "social_worker":
        assert reverse("context-referral", args=[referral.pk]) in pages
        assert reverse("peer-map", args=[world.csc_child.pk]) in pages
    unlogged = {}
    for url in pages:
        last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        named = {pk for name, pk in names.items() if name in html}
        reads = list(AccessEvent.objects.filter(id__gt=last, actor=worker))
        if named and (not reads or named - _ids_read(reads)):
            unlogged[url] = sorted(named - _ids_read(reads))
    assert unlogged == {}


def test_a_home_page_that_names_nobody_is_not_logged_as_a_read(world: World) -> None:
    client_for(world.auditor).get(reverse("dashboard"))
    assert not AccessEvent.objects.filter(actor=world.auditor, detail__page="home").exists()
