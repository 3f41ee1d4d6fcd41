"""Review: "current first" lists that order by a nullable end date.

SQLite sorts NULL first in ascending order, PostgreSQL sorts it last, so on
PostgreSQL a child's open relationships and groups fall below every ended one.
This passes on SQLite and fails on PostgreSQL (CI runs both).
"""

from __future__ import annotations

import datetime as dt

import pytest

from locus.peers.services import association_record, membership_add
from locus.people.selectors import person_detail
from locus.places.models import ContextKind
from tests.factories import START, World, make_context

pytestmark = pytest.mark.django_db


def test_open_associations_and_memberships_come_before_ended_ones(world: World) -> None:
    association_record(
        actor=world.system,
        person=world.csc_child,
        other_label="Ended peer",
        relationship="friend",
        nature="unclear",
        source="school",
        confidence="low",
        valid_from=START,
        valid_until=START + dt.timedelta(days=10),
    )
    association_record(
        actor=world.system,
        person=world.csc_child,
        other_label="Current peer",
        relationship="friend",
        nature="risk",
        source="school",
        confidence="low",
        valid_from=START,
    )
    old = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Old group")
    membership_add(
        actor=world.system,
        person=world.csc_child,
        group=old,
        role="core",
        since=START,
        until=START + dt.timedelta(days=10),
        source="professional",
        confidence="low",
    )
    d = person_detail(viewer=world.system, person=world.csc_child)
    assert d.associations[0].association.valid_until is None
    assert d.memberships[0].until is None
