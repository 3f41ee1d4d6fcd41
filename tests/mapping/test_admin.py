"""The meeting records in the Django admin cannot be used to grant a forum share: an
administrator may not make an agreement (RULES.md), so nor may they move one to another
child, hand a worker's confirmed attendance to another worker, or reopen a meeting."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from locus.mapping.models import Invitee, Meeting, MeetingChild
from tests.factories import World
from tests.mapping.helpers import held_meeting

pytestmark = pytest.mark.django_db


def _readonly(world: World, model: type[Any], obj: Any) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    return set(admin.site._registry[model].get_readonly_fields(request, obj))


def test_the_admin_cannot_move_a_share_to_another_child_or_worker(world: World) -> None:
    meeting = held_meeting(world)
    link = meeting.children.first()
    invitee = meeting.invitees.exclude(confirmed_at=None).first()
    assert {"meeting", "person"} <= _readonly(world, MeetingChild, link)
    assert {"meeting", "worker", "attendance", "confirmed_at"} <= _readonly(world, Invitee, invitee)
    assert {"status", "scheduled_for", "map_snapshot", "proposer_team"} <= _readonly(
        world, Meeting, meeting
    )
