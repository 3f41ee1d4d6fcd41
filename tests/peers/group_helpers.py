"""Peer groups for tests: a child joins a group with the provenance the tests use."""

from __future__ import annotations

from typing import Any

from locus.peers.models import GroupMembership
from locus.peers.services import membership_add
from locus.places.models import Context
from tests.factories import START

PROVENANCE = {"source": "young_person", "confidence": "high"}


def join(actor: Any, group: Context, person: Any, role: str = "core") -> GroupMembership:
    return membership_add(
        actor=actor, person=person, group=group, role=role, since=START, **PROVENANCE
    )
