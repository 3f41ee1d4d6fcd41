"""The reads the casework pages used to make for themselves, now selectors: each answers
404 for what is not the case's, and a child is linked only if the viewer may name them."""

from __future__ import annotations

import pytest
from django.http import Http404

from locus.casework import selectors
from tests.casework.helpers import open_case, planned_case, refer, screen
from tests.factories import World


def test_a_child_is_chosen_only_if_the_viewer_may_name_them(world: World) -> None:
    case = open_case(world)
    person, episode = selectors.child_chosen(world.social_worker, f"{world.csc_child.pk}:")
    assert person == world.csc_child and episode is None
    # A tampered form naming a child held by another team is not a way to link them.
    for hidden in (world.other_child, world.police_child):
        with pytest.raises(Http404):
            selectors.child_chosen(world.social_worker, f"{hidden.pk}:")
    assert (world.csc_child.pk, "Ciara Cscchild") in [
        (int(v.split(":")[0]), label)
        for v, label in selectors.child_options(world.social_worker, case)
    ]


def test_a_case_s_parts_are_found_on_that_case_only(world: World) -> None:
    planned = planned_case(world)
    other = screen(world, refer(world, context=world.park)).case
    assert other is not None
    plan = selectors.plan_of(planned)
    assert plan.case == planned
    action = plan.actions.get()
    assert selectors.action_of(planned, action.pk) == action
    with pytest.raises(Http404):
        selectors.action_of(other, action.pk)  # another case's action
    with pytest.raises(Http404):
        selectors.plan_of(other)  # no plan yet
    with pytest.raises(Http404):
        selectors.review_due(planned)  # the plan is not approved: no review is due
    with pytest.raises(Http404):
        selectors.open_sign_off_of(other, 10**6)
