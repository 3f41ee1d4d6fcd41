"""My work's team view shows no more of a panel action than the panel's own page does."""

from __future__ import annotations

from locus.access.selectors import visible_person_ids
from locus.casework import selectors
from locus.panels.selectors import panel_detail
from tests.factories import World
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
