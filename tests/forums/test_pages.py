"""Every forum's list of meetings: the status filter, the page, the audited search."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import RequestFactory

from locus.audit.models import AccessAction, AccessEvent
from locus.common.http import AuthedRequest
from locus.forums.pages import meetings_page
from locus.panels.models import PanelStatus
from tests.factories import World

pytestmark = pytest.mark.django_db


def _page(world: World, query: str) -> tuple[str, list[Any], list[str]]:
    request = cast(AuthedRequest, RequestFactory().get(f"/panels/?{query}"))
    request.user = world.social_worker
    asked: list[str] = []

    def meetings_for(status: str) -> list[Any]:
        asked.append(status)
        return []

    status, page, _ = meetings_page(
        request, statuses=PanelStatus, meetings_for=meetings_for, record_type="test.meeting"
    )
    return status, list(page), asked


def test_a_known_status_filters_and_the_search_is_audited(world: World) -> None:
    assert _page(world, "status=held") == ("held", [], ["held"])
    event = AccessEvent.objects.get(record_type="test.meeting")
    assert event.action == AccessAction.SEARCH and event.actor == world.social_worker
    assert event.detail == {"status": "held", "shown": []}


def test_an_unknown_status_shows_them_all(world: World) -> None:
    assert _page(world, "status=<script>") == ("", [], [""])
