"""A mapping meeting shares a child with the workers who attended until it closes; a printed
peer map, its drawing saved as a file, or its PNG image, outlasts the share. Another child's
map printed or saved shows the shared child as a person the worker may not see (initials), as
it will once the meeting closes; the page names them while the share lasts (RULES.md). The
PNG, made by the browser from the page, is refused while it would name them."""

from __future__ import annotations

import pytest

from locus.access.selectors import visible_person_ids
from locus.audit.models import AccessAction, AccessEvent
from locus.peers.services import peer_map_purpose_record
from tests.factories import World, client_for, make_association
from tests.mapping.helpers import held_meeting

pytestmark = pytest.mark.django_db

PRINTS = {"file": {"format": "svg"}, "print page": {}}


@pytest.mark.parametrize("kind", PRINTS)
def test_a_printed_map_does_not_name_a_child_seen_only_through_a_meeting(
    world: World, kind: str
) -> None:
    worker, own, other = world.social_worker, world.csc_child, world.yjs_child
    make_association(world.system, person=own, other=other)
    peer_map_purpose_record(
        actor=worker, person=own, purpose="safety_planning", reason="Safety plan review on Friday"
    )
    held_meeting(world)  # yjs_child is shared with her at the meeting
    assert visible_person_ids(worker, [other.pk]) == {other.pk}
    client = client_for(worker)
    page = client.get(f"/people/{own.pk}/peer-map/").content.decode()
    assert other.family_name in page  # the page names him while the share lasts
    response = client.get(f"/people/{own.pk}/peer-map/print/", PRINTS[kind])
    assert response.status_code == 200
    printed = b"".join(response).decode()
    assert own.family_name in printed and other.initials in printed
    assert other.family_name not in printed, "a print names a child seen only at a meeting"
    event = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).latest("id")
    assert other.pk not in event.detail["named"], event.detail


def test_a_png_of_a_map_naming_a_child_seen_only_through_a_meeting_is_refused(
    world: World,
) -> None:
    worker, own, other = world.social_worker, world.csc_child, world.yjs_child
    make_association(world.system, person=own, other=other)
    peer_map_purpose_record(
        actor=worker, person=own, purpose="safety_planning", reason="Safety plan review on Friday"
    )
    client = client_for(worker)
    url = f"/people/{own.pk}/peer-map/export/"
    assert client.post(url).status_code == 204  # initials only before the meeting
    held_meeting(world)
    exported = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).count()
    response = client.post(url)
    assert response.status_code == 409
    assert "print the map or download it as an SVG file" in response.content.decode()
    assert AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).count() == exported
