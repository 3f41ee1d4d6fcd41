"""The referral's page reads nothing for itself when a screening is recorded or refused:
the service writes its decision on the record the page read (so the page knows the case
it opened without reading the referral again), and a refused decision draws the page
from what its selectors read."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.casework.helpers import level, refer
from tests.factories import World, client_for
from tests.page_reads import page_reads

pytestmark = pytest.mark.django_db


def _screening(world: World, name: str) -> dict[str, Any]:
    return {
        "level": level(name).pk,
        "decision": "assessment",
        "context": world.shopping_centre.pk,
        "lead": world.social_worker.pk,
        "reason": "Assess it",
    }


def _screened(world: World, name: str) -> tuple[Any, list[str]]:
    """The team manager screens a new referral at level ``name``: the answer, and the reads
    the view and its templates made themselves."""
    referral = refer(world)
    client = client_for(world.team_manager)
    with page_reads() as reads:
        response = client.post(
            reverse("context-referral", args=[referral.pk]), _screening(world, name)
        )
    return response, reads


def test_a_recorded_screening_is_read_by_no_view(world: World) -> None:
    response, reads = _screened(world, "Level 2")
    assert response.status_code == 302 and "/context-cases/" in response["Location"]
    assert reads == [], "\n".join(reads)


def test_a_refused_screening_redraws_the_page_with_no_reads_of_its_own(world: World) -> None:
    response, reads = _screened(world, "Universal")
    assert response.status_code == 200 and "leads to" in response.content.decode()
    assert reads == [], "\n".join(reads)
