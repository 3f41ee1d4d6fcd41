"""A peer named on a child's peer map (its page, print, SVG file and PNG, and the API's map),
and a member named on a group's pages, is found by the audit trail's search for that peer,
and so in their subject access package's "who opened your record". These reads log the
people they named under ``named``, which was indexed for linked cases alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import people_in_detail, people_text
from tests.factories import World, client_for
from tests.peers.test_peer_map import NAMED, mapped  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_peer_named_on_an_exported_map_is_found_by_a_search_for_them(
    mapped: World,  # noqa: F811
) -> None:
    w = mapped
    url = reverse("peer-map-print", args=[w.csc_child.pk]) + "?steps=2&format=svg"
    body = client_for(w.teammate).get(url).content.decode()
    assert NAMED["team"] in body
    event = AccessEvent.objects.get(actor=w.teammate, action=AccessAction.EXPORT)
    assert w.team_child.pk in event.detail["named"]
    found = AccessEvent.objects.filter(people__contains=people_text([w.team_child.pk]))
    assert event in found


@pytest.mark.parametrize("record_type", ["people.person", "places.context"])
def test_named_counts_as_people_shown_on_people_and_group_pages(record_type: str) -> None:
    assert people_in_detail(record_type, {"page": "x", "named": [7, 9]}) == [7, 9]
