"""A peer group's map printed, or saved as an SVG file, for a strategy meeting, as a child's
peer map is: the members and relationships the viewer may see, a member they may not see
shown by initials as a person not shared with them, logged as an export naming the members
on it; the group page links to it; a group the viewer may not open is not found."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import people_text
from locus.places.models import Context
from tests.factories import World, client_for, make_association

pytestmark = pytest.mark.django_db

PRINTS = {"file": {"format": "svg"}, "print page": {}}


def _print(client: Client, group: Context, query: dict[str, str]) -> str:
    response = client.get(f"/groups/{group.pk}/map/print/", query)
    assert response.status_code == 200
    if query:
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="peer-group-map.svg"' in response["Content-Disposition"]
    return b"".join(response).decode()


UNNAMED_NOTE = "Members you may not see are shown by their initials."


@pytest.mark.parametrize("kind", PRINTS)
def test_a_viewer_who_sees_every_member_prints_them_all_by_name(world: World, kind: str) -> None:
    """An administrator, who sees every member, prints the group's map (or saves its drawing):
    titled with the group, dated, signed and warned, naming both members and the risk between
    them; logged as an export of the group naming both, found by a search for either."""
    make_association(world.system, person=world.csc_child, other=world.yjs_child, nature="risk")
    printed = _print(client_for(world.admin), world.group, PRINTS[kind])
    assert f"Map of the peer group {world.group.name}" in printed
    assert "Printed" in printed and f"by {world.admin}" in printed
    assert "not a measure of risk" in printed
    assert world.csc_child.full_name in printed and world.yjs_child.full_name in printed
    assert UNNAMED_NOTE not in printed  # nobody is shown by initials, so it says nothing of them
    assert "#d4351c" in printed  # the relationship, drawn as presenting risk
    event = AccessEvent.objects.get(actor=world.admin, action=AccessAction.EXPORT)
    assert (event.record_type, event.record_id) == ("places.context", str(world.group.pk))
    assert event.detail["page"] == f"group-map {'svg' if PRINTS[kind] else 'print'}"
    assert event.detail["named"] == sorted([world.csc_child.pk, world.yjs_child.pk])
    assert event in AccessEvent.objects.filter(people__contains=people_text([world.yjs_child.pk]))


@pytest.mark.parametrize("kind", PRINTS)
def test_a_member_the_viewer_may_not_see_is_printed_by_initials_only(
    world: World, kind: str
) -> None:
    """The social worker sees her own child in the group but not the youth justice service's:
    the print names hers, shows the other only by initials (on the page, as a person not
    shared with her), and the export logged names hers alone."""
    make_association(world.system, person=world.csc_child, other=world.yjs_child, nature="risk")
    printed = _print(client_for(world.social_worker), world.group, PRINTS[kind])
    assert world.csc_child.full_name in printed
    assert world.yjs_child.family_name not in printed and world.yjs_child.given_name not in printed
    assert world.yjs_child.initials in printed
    if not PRINTS[kind]:
        assert "not shared with you" in printed and UNNAMED_NOTE in printed
        assert "Relationships among members" in printed
    event = AccessEvent.objects.get(actor=world.social_worker, action=AccessAction.EXPORT)
    assert event.detail["named"] == [world.csc_child.pk]


def test_the_group_page_links_to_its_print_and_a_group_not_seen_is_not_found(
    world: World,
) -> None:
    """The group page offers "Print or download the map for a meeting"; a worker who may not
    open the group (the school's safeguarding lead, who sees neither member) finds neither the
    page nor its print, and nothing is logged as exported."""
    page = client_for(world.social_worker).get(f"/groups/{world.group.pk}/").content.decode()
    assert f'href="/groups/{world.group.pk}/map/print/?"' in page
    assert "Print or download the map for a meeting" in page
    outsider = client_for(world.school_dsl)
    assert outsider.get(f"/groups/{world.group.pk}/").status_code == 404
    for query in PRINTS.values():
        response = outsider.get(f"/groups/{world.group.pk}/map/print/", query)
        assert response.status_code == 404
        assert world.csc_child.family_name not in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
