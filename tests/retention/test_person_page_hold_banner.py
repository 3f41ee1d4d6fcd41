"""The legal-hold banner on a child's page is a read of the hold, logged and cheap.

A manager who answers for a hold reads on the child's page its reason, when it was placed
and its review date, which say what proceedings are under way. The information governance
lead relies on the trail to find every read of a hold: the retention page logs
``holds_shown`` and the hold's own page logs the hold, so the person page's read names the
holds its banner showed too (and none it only counted, whose reason the viewer was not
told). The banner's cost does not grow with the number of holds on the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.retention import services
from locus.retention.models import HeldKind, LegalHold
from tests.factories import World, client_for, page_queries

pytestmark = pytest.mark.django_db


def _hold(world: World, reason: str = "criminal", by: Worker | None = None) -> LegalHold:
    return services.hold_place(
        actor=by or world.admin,
        held_kind=HeldKind.PERSON,
        held_id=world.csc_child.pk,
        reason=reason,
        detail="Crown Court ref T20267001",
        review_on=dt.date(2099, 1, 1),
    )


def _read(worker: Worker, world: World) -> tuple[str, dict]:
    """The child's page as ``worker`` reads it, and the detail its read was logged with."""
    before = AccessEvent.objects.count()
    page = client_for(worker).get(reverse("person", args=[world.csc_child.pk]))
    (event,) = AccessEvent.objects.order_by("id")[before:]
    assert (event.record_type, event.record_id) == ("people.person", str(world.csc_child.pk))
    return page.content.decode(), event.detail


def test_the_person_page_logs_the_holds_its_banner_showed(world: World) -> None:
    hold = _hold(world)
    page, detail = _read(world.team_manager, world)
    assert "legal hold (criminal proceedings)" in page  # the hold, read
    assert detail["holds_shown"] == [hold.pk]


def test_a_hold_only_counted_in_the_banner_is_not_logged_as_read(world: World) -> None:
    """The social worker is told a hold keeps the record, not its reason: nothing read."""
    _hold(world)
    page, detail = _read(world.social_worker, world)
    assert "This record is kept under a legal hold." in page
    assert "criminal proceedings" not in page
    assert detail["holds_shown"] == []


def _person_page_queries(world: World) -> int:
    """As a manager who answers for the holds (each one's rights are asked of them)."""
    return page_queries(world.team_manager, reverse("person", args=[world.csc_child.pk]))


def test_the_banner_costs_the_same_for_one_hold_or_three(world: World) -> None:
    _hold(world)
    one = _person_page_queries(world)
    _hold(world, "care")
    _hold(world, "complaint", by=world.team_manager)
    three = _person_page_queries(world)
    assert three == one, f"{one} queries for one hold, {three} for three"
