"""The shared "which of these ids may the viewer see" read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access import scopes
from locus.common.queries import ids_among
from locus.places.models import Context
from tests.factories import World, make_context

pytestmark = pytest.mark.django_db


def test_keeps_only_the_ids_in_the_rows(world: World) -> None:
    kept, other = make_context(world.system), make_context(world.system)
    rows = Context.objects.filter(pk=kept.pk)
    assert ids_among(rows, {kept.pk, other.pk, 999_999}) == {kept.pk}


def test_no_ids_asks_nothing(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert ids_among(scopes.contexts_visible_to(world.social_worker), set()) == set()
    assert len(queries) == 0
