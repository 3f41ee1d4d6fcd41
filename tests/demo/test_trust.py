"""Demo emergency access and identifier request: what team.manager finds to review."""

from __future__ import annotations

import pytest

from locus.access import break_glass, policies
from locus.access.models import Worker
from locus.demo.generator import Summary
from locus.demo.trust import add_demo_trust

pytestmark = pytest.mark.django_db


def test_the_demo_manager_has_a_break_glass_use_and_an_identifier_request_to_review(
    borough: Summary,
) -> None:
    story = add_demo_trust()
    worker = Worker.objects.get(username="social.worker")
    manager = Worker.objects.get(username="team.manager")
    use = story.break_glass
    assert use is not None and use.worker == worker and use.ended_at is not None
    # Ended, so she no longer sees the child; her manager has the use to review.
    assert not policies.can_view_person(worker, use.person)
    assert list(break_glass.awaiting_review_by(manager)) == [use]
    query = story.identifier_query
    assert query is not None and query.requested_by == worker
    assert query.routed_to == manager
    assert query.conflicting.upn == query.value != query.person.upn
    # Safe to run again.
    again = add_demo_trust()
    assert again.break_glass is None and again.identifier_query is None
