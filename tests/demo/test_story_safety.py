"""The demo's safety maps, on a small generated borough: a child's map over time, a
re-weighting, and an area picture with numbers shown and numbers withheld."""

from __future__ import annotations

import pytest

from locus.access.models import Role, Worker
from locus.demo.generator import Summary
from locus.demo.steps.safety import add_demo_safety_maps
from locus.safety.selectors import area_picture, history

pytestmark = pytest.mark.django_db


def test_the_demo_maps_fill_a_childs_history_and_the_area_picture(borough: Summary) -> None:
    story = add_demo_safety_maps()
    assert len({s.person_id for s in story.sessions}) >= 8
    first = story.sessions[0]
    h = history(first.recorded_by, first.person)
    assert len(h.sessions) == 3 and len(h.weightings) == 2
    manager = Worker.objects.filter(role=Role.MANAGER, is_active=True).order_by("username")
    rows = next(rows for m in manager if (rows := area_picture(m)))
    cells = [c for r in rows for c in r.counts.cells]
    assert any(c is not None and c >= 5 for c in cells)  # some numbers shown
    assert any(c is None for c in cells)  # some withheld
    assert any(r.counts.total is None for r in rows)  # a row under the threshold
    assert add_demo_safety_maps().sessions == []  # safe to call again
