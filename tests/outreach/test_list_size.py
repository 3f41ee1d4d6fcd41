"""The list of visit plans at its real size: a borough with years of plans shows them a page
at a time, and the read logs the ids of the page shown, not every plan there is."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from locus.audit.models import AccessEvent
from locus.common import clock
from locus.outreach.models import VisitPlan, Weekday
from tests.factories import World, client_for
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan

pytestmark = pytest.mark.django_db


def test_five_hundred_plans_are_listed_a_page_at_a_time(
    world: World, frozen_clock: FrozenClock
) -> None:
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    park_case(world)
    first = plan(world)
    VisitPlan.objects.bulk_create(
        VisitPlan(
            context=world.park,
            purpose=f"Plan {n}",
            weekday=Weekday.FRIDAY,
            start_time=dt.time(16),
            end_time=dt.time(18),
            starts_on=first.starts_on - dt.timedelta(days=7 * n),
            recorded_by=world.social_worker,
            recorded_at=clock.now(),
        )
        for n in range(1, 500)
    )
    client = client_for(world.social_worker)
    page = client.get("/outreach/").text
    assert "Visit plans (500), newest first: 1 to 50 shown" in page and "Page 1 of 10" in page
    assert len(re.findall(r'href="/outreach/plans/\d+/"', page)) == 50
    shown = AccessEvent.objects.filter(actor=world.social_worker).latest("id").detail["shown"]
    assert len(shown) == 50 and shown[0] == first.pk
    last = client.get("/outreach/?page=10").text
    assert "Visit plans (500), newest first: 451 to 500 shown" in last
    assert "Page 10 of 10" in last and len(re.findall(r'href="/outreach/plans/\d+/"', last)) == 50
