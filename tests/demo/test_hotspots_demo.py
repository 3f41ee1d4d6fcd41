"""The demo's hotspots: the planted incidents at Wick Green make a new hotspot there and those
at Haggerfield Park a fading one, found by the same selector the pages use."""

from __future__ import annotations

import pytest

from locus.demo.steps.hotspots import FADING_PLACE, NEW_PLACE, add_demo_hotspots
from locus.places.models import Context
from locus.places.selectors_hotspots import borough_hotspots, hotspot_for_context

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_new_hotspot_and_a_fading_one_near_real_places(borough):  # type: ignore[no-untyped-def]
    assert add_demo_hotspots() > 0
    assert add_demo_hotspots() == 0  # safe to call again
    found = {h.anchor_name: h for h in borough_hotspots()}
    new, fading = Context.objects.get(name=NEW_PLACE), Context.objects.get(name=FADING_PLACE)
    assert hotspot_for_context(new) is not None
    assert hotspot_for_context(new)[0] in ("new", "intensifying")
    assert hotspot_for_context(fading) is not None
    assert hotspot_for_context(fading)[0] == "fading"
    classes = {h.klass for h in found.values()}
    assert {"fading"} <= classes and classes & {"new", "intensifying"}
