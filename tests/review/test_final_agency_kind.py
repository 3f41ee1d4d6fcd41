"""Review finding: changing an agency's kind in the admin widens (or narrows) every one of its
workers' sight (fields, restricted police incidents), yet their API tokens go on, unlike a
team moved to another agency (TeamAdmin ends them)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.mark.xfail(strict=True, reason="review finding: AgencyAdmin ends no tokens")
def test_agency_kind_change_ends_its_workers_tokens(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    team = world.social_worker.team
    assert team is not None
    agency = team.agency
    program = api_as(world.social_worker)
    assert program.get("/people").status_code == 200
    url = f"/admin/access/agency/{agency.pk}/change/"
    response = client.post(url, {"name": agency.name, "kind": "police"})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.kind == "police"
    # Expected (as for a team moved to another agency): the token ended.
    assert program.get("/people").status_code == 401
