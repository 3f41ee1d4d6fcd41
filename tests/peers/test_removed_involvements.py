"""A child taken out of an incident (named in error) is no longer in it: a peer group's page
does not list the incident, nor its place as one the group uses, through that member."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.incidents.services import involvement_remove
from locus.peers.selectors import group_detail
from locus.places.models import Context, ContextKind
from tests.api.conftest import api_as
from tests.factories import World, client_for, make_context, make_incident

pytestmark = pytest.mark.django_db


def _at_the_shop(w: World) -> tuple[Context, Incident]:
    """An incident at a shop: Tariq (her team's child) harmed, csc_child (a member she sees)
    present."""
    shop = make_context(w.system, kind=ContextKind.FOOD_OUTLET, name="Dalston Chicken Shack")
    incident = make_incident(
        w.system,
        context=shop,
        reporting_agency=w.csc,
        involvements=[
            (w.team_child, InvolvementRole.HARMED),
            (w.csc_child, InvolvementRole.PRESENT),
        ],
    )
    return shop, incident


def test_a_group_page_does_not_list_an_incident_a_member_was_taken_out_of(world: World) -> None:
    w = world
    sw = w.social_worker
    # She reads the incident through Tariq; csc_child was named in it in error and taken out.
    shop, incident = _at_the_shop(w)
    named = Involvement.objects.get(incident=incident, person=w.csc_child)
    involvement_remove(actor=w.system, involvement=named, reason="Named in error")
    response = client_for(sw).get(reverse("group", args=[w.group.pk]))
    assert response.status_code == 200
    detail = response.context["d"]
    assert incident not in detail.incidents
    assert shop not in detail.places
    assert "Dalston Chicken Shack" not in response.content.decode()
    body = api_as(sw).ok(f"/groups/{w.group.pk}")
    assert incident.pk not in body["incidents"]
    assert shop.pk not in [p["id"] for p in body["places"]]
    # Nor for whoever sees every member.
    admin_view = group_detail(viewer=w.admin, group=w.group)
    assert incident not in admin_view.incidents
    assert shop not in admin_view.places


def test_a_member_still_in_an_incident_brings_it_and_its_place(world: World) -> None:
    w = world
    shop, incident = _at_the_shop(w)
    detail = group_detail(viewer=w.social_worker, group=w.group)
    assert incident in detail.incidents
    assert shop in detail.places
