"""Review2 (adversarial review): confirming tests for findings, not fixes. Each test asserts the
SAFE behaviour and FAILS on the current code, showing the weakness."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from tests.factories import World, client_for
from tests.moves.helpers import move
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db


def _reads_about(person_id: int) -> int:
    return AccessEvent.objects.filter(people__contains=f",{person_id},").count()


def test_a_profile_naming_a_protective_peer_logs_the_read_of_that_peer(world: World) -> None:
    """The profile page names a protective peer (another child) in full. The read is logged
    against the profile's child only: an auditor asking "who read about this peer?" never
    finds it (visit pages, by contrast, log the people they name)."""
    add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="Tariq walks home with her",
        peer=world.team_child,
    )
    before = _reads_about(world.team_child.pk)
    page = client_for(world.social_worker).get(reverse("person-profile", args=[world.csc_child.pk]))
    assert page.status_code == 200
    assert world.team_child.full_name in page.content.decode()  # the premise: named in full
    assert _reads_about(world.csc_child.pk) > 0  # the trail's search by person works
    assert _reads_about(world.team_child.pk) > before, "the peer's read is not in the trail"


def test_the_moves_page_logs_the_moves_it_shows(world: World) -> None:
    """Every page logs the ids it shows; the list of a child's managed moves logs none."""
    shown = move(world)
    client_for(world.school_dsl).get(reverse("person-moves", args=[world.pupil.pk]))
    event = AccessEvent.objects.filter(detail__page="moves").latest("id")
    assert shown.pk in (event.detail.get("moves") or event.detail.get("moves_shown") or [])
