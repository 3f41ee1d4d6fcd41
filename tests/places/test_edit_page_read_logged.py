"""A place's edit page shows all it records (a home's address, its household and the note of
an adult's care needs): each showing is logged as a read of the place, as its page is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.places.services import context_update
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def test_opening_a_homes_edit_page_is_logged_as_a_read_of_the_home(world: World) -> None:
    context_update(
        actor=world.social_worker,
        context=world.home,
        adult_care_needs=True,
        adult_care_needs_note="Parent uses a wheelchair",
    )
    url = reverse("place-edit", args=[world.home.pk])
    page = client_for(world.social_worker).get(url)
    assert "Parent uses a wheelchair" in page.content.decode()
    read = AccessEvent.objects.filter(
        actor=world.social_worker, record_type="places.context", record_id=str(world.home.pk)
    ).latest("id")
    assert read.detail["page"] == "place-edit"
