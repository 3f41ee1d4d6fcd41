"""The demo borough fills the capture form's fields: peers' roles, and what workers were told
about peers not yet known to Locus (never about known ones)."""

from __future__ import annotations

from typing import Any

import pytest

from locus.demo.generator import Summary
from locus.peers.models import Association, GroupMembership

pytestmark = pytest.mark.django_db


def test_demo_associations_carry_roles_and_open_to_for_unknown_peers(borough: Summary) -> None:
    unknown = Association.objects.filter(other__isnull=True)
    known = Association.objects.filter(other__isnull=False)
    assert unknown.exists() and not unknown.filter(peer_role="").exists()
    assert unknown.filter(open_to_youth_justice=True).exists()
    assert unknown.filter(open_to_social_care__isnull=True).exists()  # often not known
    assert not known.exclude(open_to_social_care=None, open_to_youth_justice=None).exists()
    # Within a group, the role recorded for a peer is the peer's own role in that group.
    inside: Any = known.filter(other__kind="young_person").exclude(peer_role="")
    assert inside.exists()
    for a in inside[:50]:
        roles = set(
            GroupMembership.objects.filter(person=a.other, group__in=a.contexts.all()).values_list(
                "role", flat=True
            )
        )
        assert a.peer_role in roles, a
