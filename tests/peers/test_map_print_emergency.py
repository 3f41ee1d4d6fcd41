"""Emergency access (break-glass) shows a child for four hours; a printed peer map, or its
drawing saved as a file, outlasts it (RULES.md, break-glass: no export carries them), as does a
peer group's map printed or saved. Another child's map, or a group's, printed or saved while the
emergency lasts shows the emergency child as a person the worker may not see (initials), as it
would once the four hours are over; the emergency child's own map may be printed while it
lasts, as their record may. The PNG image, made by the browser from the page (which names the
emergency child meanwhile), is refused while it would name them."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.access import scopes
from locus.access.models import Worker
from locus.access.services import break_glass_request
from locus.audit.models import AccessAction, AccessEvent
from locus.peers.services import peer_map_purpose_record
from locus.people.models import Person
from locus.places.models import ContextKind
from tests.factories import World, client_for, make_association, make_context, make_membership

pytestmark = pytest.mark.django_db

PRINTS = {"file": {"format": "svg"}, "print page": {}}


def _read(client: Client, child: Person, query: dict[str, str]) -> str:
    """The printed map: the file, or the print page's map (not the emergency's banner above
    it, which names the child it opened on every page while it lasts)."""
    response = client.get(f"/people/{child.pk}/peer-map/print/", query)
    assert response.status_code == 200
    body = b"".join(response).decode()
    return body if query else body.split('<div class="locus-peermap-print">', 1)[1]


def _emergency(worker: Worker, child: Person) -> None:
    opened = break_glass_request(
        actor=worker,
        person_id=child.pk,
        category="missing_child",
        reason="He is missing tonight and I need his contacts now",
    )
    assert opened and scopes.people_visible_to(worker).filter(pk=child.pk).exists()


@pytest.mark.parametrize("kind", PRINTS)
def test_another_childs_printed_map_does_not_name_a_child_seen_in_an_emergency(
    world: World, kind: str
) -> None:
    """A social worker with emergency access to child B prints or saves her own child A's
    peer map: B is named on the page while the emergency lasts, but the print and the file
    (and their logged export) show B only by initials, as before the emergency."""
    worker, own, other = world.social_worker, world.csc_child, world.police_child
    make_association(world.system, person=own, other=other)
    # The holder records why she needs names (the Level 1 naming rule): peers she sees are named.
    peer_map_purpose_record(
        actor=worker, person=own, purpose="safety_planning", reason="Safety plan review on Friday"
    )
    client = client_for(worker)
    before = _read(client, own, PRINTS[kind])
    assert own.family_name in before and other.family_name not in before  # initials only
    _emergency(worker, other)
    page = client.get(f"/people/{own.pk}/peer-map/").content.decode()
    assert other.family_name in page  # the page names him while the emergency lasts
    printed = _read(client, own, PRINTS[kind])
    assert own.family_name in printed
    assert other.family_name not in printed, "a print names a child seen only in an emergency"
    event = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).latest("id")
    assert other.pk not in event.detail["named"], event.detail


@pytest.mark.parametrize("kind", PRINTS)
def test_the_emergency_childs_own_map_may_be_printed_while_it_lasts(
    world: World, kind: str
) -> None:
    """The child the emergency opened is the record being printed: their own peer map, printed
    while the emergency lasts, names them and the peer group the worker sees only through them."""
    worker, child = world.social_worker, world.police_child
    crew = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Eastway crew")
    make_membership(world.system, person=child, group=crew)
    _emergency(worker, child)
    printed = _read(client_for(worker), child, PRINTS[kind])
    assert child.family_name in printed and crew.name in printed


@pytest.mark.parametrize("kind", PRINTS)
def test_a_groups_printed_map_does_not_name_a_member_seen_in_an_emergency(
    world: World, kind: str
) -> None:
    """A social worker with emergency access to the youth justice service's child prints or
    saves the map of the peer group both her child and he are in: the group page names him
    while the emergency lasts, but the print and the file (and their logged export) show him
    only by initials, as a person not shared with her, as before the emergency."""
    worker, own, other = world.social_worker, world.csc_child, world.yjs_child
    make_association(world.system, person=own, other=other, nature="risk")
    client = client_for(worker)
    url = f"/groups/{world.group.pk}/map/print/"
    _emergency(worker, other)
    page = client.get(f"/groups/{world.group.pk}/").content.decode()
    assert other.family_name in page  # the page names him while the emergency lasts
    response = client.get(url, PRINTS[kind])
    assert response.status_code == 200
    printed = b"".join(response).decode()
    if not PRINTS[kind]:
        printed = printed.split('<div class="locus-peermap-print">', 1)[1]  # not the banner
        assert "not shared with you" in printed
    assert own.family_name in printed and other.initials in printed
    assert other.family_name not in printed, "a print names a child seen only in an emergency"
    event = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).latest("id")
    assert event.detail["named"] == [own.pk], event.detail


def test_a_group_seen_only_through_an_emergency_is_not_printed(world: World) -> None:
    """A peer group the social worker sees only through the child she opened in an emergency
    is on her screen while it lasts, but a print would keep it after: refused, saying why,
    and no export logged."""
    worker, child = world.social_worker, world.police_child
    crew = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Eastway crew")
    make_membership(world.system, person=child, group=crew)
    client = client_for(worker)
    assert client.get(f"/groups/{crew.pk}/map/print/").status_code == 404  # not hers to open
    _emergency(worker, child)
    page = client.get(f"/groups/{crew.pk}/").content.decode()
    assert "Eastway crew" in page and f"/groups/{crew.pk}/map/print/" not in page
    assert "its map cannot be printed or downloaded" in page
    for query in PRINTS.values():
        response = client.get(f"/groups/{crew.pk}/map/print/", query)
        assert response.status_code == 409
        body = response.content.decode()
        assert (
            "emergency access" in body and crew.name not in body and child.family_name not in body
        )
    assert not AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).exists()


def test_a_png_of_a_map_naming_a_child_seen_in_an_emergency_is_refused(world: World) -> None:
    """The PNG of a child's peer map, or of a peer group's map, is drawn by the browser from
    the page, which names the emergency child while it lasts: the server, asked to log the
    export first, refuses it saying why (print or the SVG file instead: a group's map has a
    print page too), and logs no export;
    the same maps' PNGs are allowed before the emergency."""
    worker, own, other = world.social_worker, world.csc_child, world.police_child
    make_association(world.system, person=own, other=other)
    make_membership(world.system, person=other, group=world.group)
    peer_map_purpose_record(
        actor=worker, person=own, purpose="safety_planning", reason="Safety plan review on Friday"
    )
    client = client_for(worker)
    pngs = [f"/people/{own.pk}/peer-map/export/", f"/groups/{world.group.pk}/map-export/"]
    assert [client.post(url).status_code for url in pngs] == [204, 204]
    _emergency(worker, other)
    exported = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).count()
    for url in pngs:
        response = client.post(url)
        assert response.status_code == 409
        assert "emergency access" in response.content.decode()
        assert "print the map or download it as an SVG file" in response.content.decode()
    assert AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).count() == exported


def test_the_emergency_banner_is_left_off_the_paper(world: World) -> None:
    """The emergency's banner names the child it opened on every page while it lasts; on a
    printed page (another child's peer map, a chronology) it would put that name on paper, so
    it shows on screen only."""
    worker, own, other = world.social_worker, world.csc_child, world.police_child
    _emergency(worker, other)
    client = client_for(worker)
    printed = (
        f"/people/{own.pk}/peer-map/print/",
        f"/groups/{world.group.pk}/map/print/",
        f"/notes/person/{own.pk}/print/",
    )
    for url in printed:
        page = client.get(url).content.decode()
        banner = page.split('class="govuk-notification-banner locus-break-glass', 1)[1]
        assert banner.startswith(' locus-no-print"'), url
