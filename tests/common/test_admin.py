"""The audited Django admin: every save and delete an administrator makes leaves a trace."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from locus.audit.models import ChangeAction, ChangeEvent
from locus.places.models import Context, ContextKind
from tests.factories import World, last_change, make_context


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def _context_form(context: Context, **changes: Any) -> dict[str, Any]:
    created = timezone.localtime(context.created_at)
    data = {
        "kind": context.kind,
        "name": context.name,
        "description": context.description,
        "address": context.address,
        "postcode": context.postcode,
        "latitude": "" if context.latitude is None else context.latitude,
        "longitude": "" if context.longitude is None else context.longitude,
        "responsible_agency": context.responsible_agency_id or "",
        "created_at_0": created.date().isoformat(),
        "created_at_1": created.time().strftime("%H:%M:%S.%f"),
    }
    data.update(changes)
    return data


def test_an_admin_edit_is_audited_with_only_the_changed_fields(
    world: World, admin_client: Client
) -> None:
    park = world.park
    response = admin_client.post(
        f"/admin/places/context/{park.pk}/change/",
        _context_form(park, description="Fenced off at night"),
    )
    assert response.status_code == 302, response.content[:2000]
    park.refresh_from_db()
    assert park.description == "Fenced off at night"
    event = last_change(park)
    assert (event.actor, event.action) == (world.admin, ChangeAction.UPDATE)
    assert event.before == {"description": ""}
    assert event.after == {"description": "Fenced off at night"}


def test_a_web_address_typed_in_the_admin_without_its_scheme_is_read_as_https(
    world: World, admin_client: Client
) -> None:
    """An online space's web address typed without "https://" is saved as https, as the
    places pages ask for it, not as plain http (Django 5's default until 6)."""
    space = make_context(world.system, kind=ContextKind.ONLINE, name="Group chat", platform="App")
    response = admin_client.post(
        f"/admin/places/context/{space.pk}/change/",
        _context_form(space, platform="App", url="chat.example.org/eastway"),
    )
    assert response.status_code == 302, response.content[:2000]
    space.refresh_from_db()
    assert space.url == "https://chat.example.org/eastway"


def test_an_admin_delete_is_audited_with_what_was_there(world: World, admin_client: Client) -> None:
    place = make_context(world.system, kind=ContextKind.TRANSPORT, name="Bus stop K")
    pk = place.pk
    response = admin_client.post(f"/admin/places/context/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Context.objects.filter(pk=pk).exists()
    event = ChangeEvent.objects.filter(record_type="places.context", record_id=str(pk)).latest("id")
    assert (event.actor, event.action) == (world.admin, ChangeAction.DELETE)
    assert event.before["name"] == "Bus stop K"
    assert event.after == {}


@pytest.mark.django_db(transaction=True)
def test_an_admin_bulk_delete_is_audited(world: World, admin_client: Client) -> None:
    places = [make_context(world.system, kind=ContextKind.TRANSPORT) for _ in range(2)]
    ids = [p.pk for p in places]
    response = admin_client.post(
        "/admin/places/context/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Context.objects.filter(pk__in=ids).exists()
    deleted = ChangeEvent.objects.filter(
        record_type="places.context", record_id__in=[str(i) for i in ids]
    ).filter(action=ChangeAction.DELETE)
    assert deleted.count() == 2
