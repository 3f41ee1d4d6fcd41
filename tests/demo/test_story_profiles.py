"""The demo's profiles, managed moves and panels, on a small generated borough."""

from __future__ import annotations

import pytest

from locus.access.models import Worker
from locus.casework.reference import ensure_reference_data
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.profiles import add_demo_profiles_and_moves
from locus.moves.selectors import displacement
from locus.panels.models import PanelStatus
from locus.profiles.models import ProfileItem

pytestmark = pytest.mark.django_db


def test_the_demo_tells_both_stories_of_a_managed_move_and_holds_two_panels(
    borough: Summary,
) -> None:
    ensure_reference_data()  # a browser test may have emptied the seeded threshold levels
    add_demo_context_cases()  # the coordinator calls it first: a plan for a panel to land on
    story = add_demo_profiles_and_moves()
    dsl = Worker.objects.get(username="school.dsl")

    moved, stayed_safe = story.moves
    harm_moved = {r.role: (r.before, r.after) for r in displacement(dsl, moved).count_rows()}
    # old school, new school, elsewhere, all
    assert harm_moved["harming"][0][0] == 2 and harm_moved["harming"][1][1] == 2
    did_not = {r.role: r.after for r in displacement(dsl, stayed_safe).count_rows()}
    assert did_not == {"harmed": [0, 0, 0, 0], "harming": [0, 0, 0, 0]}
    assert moved.person.enrolments.get(end__isnull=True).school == moved.to_school

    hsb, mace = story.panels
    assert (hsb.kind, mace.kind) == ("hsb", "mace")
    assert hsb.status == mace.status == PanelStatus.HELD
    assert {i.kind for i in hsb.items.all()} >= {"harmed", "harming", "location"}
    assert {i.kind for i in mace.items.all()} >= {"harmed", "person_of_concern", "location"}
    assert mace.attendees.filter(worker__isnull=True).exists()  # the partner's representative
    assert hsb.actions.filter(builds_on__isnull=False).exists()
    landed = mace.actions.get(plan_action__isnull=False)
    assert landed.plan_action is not None and landed.plan_action.source == "mace_panel"

    assert len(story.profiles) >= 3
    assert ProfileItem.objects.filter(ended_on__isnull=False).exists()  # history shows
    assert ProfileItem.objects.filter(replaces__isnull=False).exists()
    assert add_demo_profiles_and_moves().panels == []  # safe to run again
