"""Police intelligence restricted to its agency must not surface through the reads that
count or link incidents rather than show them: linked-case evidence, a place's counts,
the people listed at a place."""

from __future__ import annotations

from locus.incidents.models import Incident, InvolvementRole
from locus.linked.evidence import load_borough
from locus.places.selectors import context_detail
from tests.factories import World, make_incident


def _intelligence(world: World) -> Incident:
    return make_incident(
        world.police_analyst,
        kind="cce",
        context=world.park,
        summary="Intelligence: two children seen carrying for an older group.",
        involvements=[
            (world.police_child, InvolvementRole.HARMED),
            (world.adult, InvolvementRole.HARMING),
        ],
        restricted=True,
    )


def test_restricted_intelligence_is_no_evidence_of_a_link(world: World) -> None:
    incident = _intelligence(world)
    assert incident.pk not in set(load_borough().incident_ids.tolist())


def test_a_place_counts_restricted_intelligence_only_for_its_agency(world: World) -> None:
    before = context_detail(viewer=world.social_worker, context=world.park)
    _intelligence(world)
    after = context_detail(viewer=world.social_worker, context=world.park)
    assert after.incidents_by_kind == before.incidents_by_kind
    assert [p.pk for p in after.people] == [p.pk for p in before.people]
    police = context_detail(viewer=world.police_analyst, context=world.park)
    assert sum(n for _, n in police.incidents_by_kind) == (
        sum(n for _, n in before.incidents_by_kind) + 1
    )
