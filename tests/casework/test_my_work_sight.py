"""My work's team view shows no more of a panel action than the panel's own page does."""

from __future__ import annotations

from locus.access.context_cases import cases_visible_to
from locus.access.models import Role
from locus.access.selectors import visible_person_ids
from locus.casework import selectors
from locus.panels.selectors import panel_detail
from tests.casework.helpers import (
    add_action,
    assess,
    conference_of,
    hold,
    refer,
    refreshed,
    schedule,
    screen,
)
from tests.factories import World, make_worker
from tests.panels.helpers import act, held, item

WORDS = "Disrupt Pete's county lines runs from the park"


def test_a_managers_team_view_withholds_a_panel_actions_words_the_panel_page_withholds(
    world: World,
) -> None:
    meeting = held(world)
    harming = item(meeting, "harming")  # police_child: the CSC manager may not see him
    assert not visible_person_ids(world.team_manager, [world.police_child.pk])
    # The police analyst, who sees him, agrees an action owned by the manager's social worker.
    act(world, harming, actor=world.police_analyst, owner=world.social_worker, description=WORDS)
    detail = panel_detail(world.team_manager, meeting)
    shown = [a.action.description for lst in detail.lists for v in lst.items for a in v.actions]
    assert (
        not any(a.shown for lst in detail.lists for v in lst.items for a in v.actions)
        and WORDS in shown
    )
    team = selectors.my_work(viewer=world.team_manager, team=True)
    mine = [i for i in team if i.what.startswith("Panel action")]
    assert [i.what for i in mine] == ["Panel action on an agenda item you cannot read"]
    # The owner reads their own action's words in their own list.
    own = selectors.my_work(viewer=world.social_worker)
    assert any(WORDS[:40] in i.what for i in own)


def test_a_managers_team_view_shows_no_plan_work_on_a_case_the_manager_may_not_see(
    world: World,
) -> None:
    """A member of the police team owns an action on a context plan about a family's home; the
    police team's manager may not see the home, so the team view names neither the action's
    words nor the home (its name is the family's address)."""
    police_manager = make_worker(world.system, team=world.police_team, role=Role.MANAGER)
    referral = screen(world, refer(world, actor=world.social_worker, context=world.home))
    assert referral.case is not None
    case = assess(world, referral.case)
    assert not cases_visible_to(police_manager).filter(pk=case.pk).exists()
    hold(world, schedule(world, conference_of(case)))
    case = refreshed(case)
    add_action(world, case.plan, agency=world.police, owner=world.police_analyst, description=WORDS)
    team = selectors.my_work(viewer=police_manager, team=True)
    shown = " ".join(f"{i.what} {i.subject} {i.url}" for i in team)
    assert WORDS[:40] not in shown and world.home.name not in shown
    assert [i.what for i in team if "action" in i.what.lower()] == [
        "Plan action on a case you cannot see"
    ]
    # The case's own team manager, who sees the home, reads both in the same view.
    add_action(world, case.plan, owner=world.social_worker, agency=world.csc, description=WORDS)
    own = selectors.my_work(viewer=world.team_manager, team=True)
    assert any(WORDS[:40] in i.what and i.subject == world.home.name for i in own)
