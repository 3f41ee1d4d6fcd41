"""The demo's policies and sharing register: sample texts marked as samples, and shares of
each kind for the personas to read."""

from __future__ import annotations

import pytest

from locus.demo.generator import Summary
from locus.demo.mapping import add_demo_meetings
from locus.demo.sharing import SAMPLE, add_demo_sharing
from locus.demo.trust import add_demo_trust
from locus.policies.models import PolicyKind, PolicyVersion
from locus.sharing.models import Share, ShareKind

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_sample_policies_and_shares_of_each_kind(borough: Summary) -> None:
    add_demo_meetings()
    add_demo_trust()
    add_demo_sharing()
    versions = {v.kind: v for v in PolicyVersion.objects.all()}
    assert set(versions) == set(PolicyKind.values)
    assert all(v.text.startswith(SAMPLE) for v in versions.values())
    kinds = set(Share.objects.values_list("kind", flat=True))
    assert {
        ShareKind.MEETING,
        ShareKind.API_TOKEN,
        ShareKind.EXPORT,
        ShareKind.BREAK_GLASS,
    } <= kinds
    shares = Share.objects.count()
    add_demo_sharing()  # safe to run again
    assert Share.objects.count() == shares and PolicyVersion.objects.count() == 3
