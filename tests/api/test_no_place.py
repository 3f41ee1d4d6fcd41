"""A missing episode recorded with no place (docs/recording.md) reads ``"context": null`` in the
API, in the list and on its own, and stays out of reach of a worker who may not see the child."""

from __future__ import annotations

import pytest

from locus.incidents.models import IncidentKind, InvolvementRole
from tests.api.conftest import api_as
from tests.factories import World, make_incident

pytestmark = pytest.mark.django_db


def test_a_placeless_missing_episode_has_a_null_context(world: World) -> None:
    incident = make_incident(
        world.social_worker,
        context=None,
        kind=IncidentKind.MISSING,
        involvements=[(world.csc_child, InvolvementRole.MISSING)],
    )
    api = api_as(world.social_worker)
    one = api.ok(f"/incidents/{incident.pk}")
    assert (one["kind"], one["context"]) == ("missing", None)
    listed = {i["id"]: i for i in api.ok("/incidents")["results"]}
    assert listed[incident.pk]["context"] is None
    # A worker who may not see the child: not found, and not listed.
    theirs = api_as(world.other_social_worker)
    assert theirs.get(f"/incidents/{incident.pk}").status_code == 404
    assert incident.pk not in {i["id"] for i in theirs.ok("/incidents")["results"]}
