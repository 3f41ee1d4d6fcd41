"""Rows a bulk path wrote from values, audited as the services audit the same record."""

from __future__ import annotations

import pytest
from django.db import transaction

from locus.audit.services import record_created_values
from locus.common.bulk import insert_values
from locus.peers.models import Association
from tests.factories import World, changes_for, make_association

pytestmark = pytest.mark.django_db


def test_an_association_written_as_values_is_audited_with_its_places_as_the_service_does(
    world: World,
) -> None:
    """The demo's borough writes its associations as values: each one's change row holds the
    places the two share, as an association recorded through the service has it."""
    recorded = make_association(
        world.social_worker,
        person=world.csc_child,
        other_label="older male known as T",
        contexts=[world.park],
    )
    [by_service] = changes_for(recorded)
    names = [f.attname for f in Association._meta.concrete_fields if not f.primary_key]
    row = {name: getattr(recorded, name) for name in names}
    with transaction.atomic():
        insert_values(Association, [row])
        record_created_values(
            actor=world.social_worker,
            model=Association,
            rows=[row],
            links=[{"contexts": [world.park.pk]}],
        )
    [by_values] = changes_for(Association.objects.get(pk=row["id"]))
    assert by_values.after == by_service.after
    assert by_values.after["contexts"] == [world.park.pk]
    assert by_values.people == by_service.people
