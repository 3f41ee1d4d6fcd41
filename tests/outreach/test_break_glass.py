"""Emergency access (break-glass) reads, it never makes a lasting record: a worker on a
visit plan who opened a child's record for four hours does not link a visit, kept for good,
to an incident they see only through that child, nor is it offered on the form."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from locus.access import policies
from locus.access.services import break_glass_request
from locus.common.errors import ValidationFailed
from locus.outreach import selectors
from locus.outreach.models import Visit, VisitPerson, VisitPlan
from tests.access.test_matrix_break_glass import REASON
from tests.factories import World, client_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def park_plan(world: World, frozen_clock: FrozenClock) -> VisitPlan:
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    park_case(world)
    return plan(world)


def test_a_visit_is_not_linked_to_an_incident_seen_only_through_emergency_access(
    world: World, park_plan: VisitPlan
) -> None:
    worker = world.yjs_worker  # goes on the park's visits for the YJS
    incident = world.csc_incident  # at the park; Owen's, whom the YJS worker does not see
    assert not policies.can_view_incident(worker, incident)
    assert break_glass_request(
        actor=worker, person_id=world.other_child.pk, category="missing_child", reason=REASON
    )
    assert policies.can_view_incident(worker, incident)  # for the four hours
    assert incident not in selectors.links_offered(worker, park_plan)[0]
    page = client_for(worker).get(f"/outreach/plans/{park_plan.pk}/visit/")
    offered = re.search(r'<select name="incident".*?</select>', page.text, re.S)
    assert page.status_code == 200 and offered is not None
    assert f'value="{incident.pk}"' not in offered.group(0)
    with nothing_written(Visit, VisitPerson), pytest.raises(ValidationFailed) as refused:
        visit(world, park_plan, actor=worker, went=[worker], people=[], incident=incident)
    assert refused.value.errors["incident"] == ["Choose an incident you can see"]
