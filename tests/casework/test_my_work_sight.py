"""My work's team view shows no more of a panel action than the panel's own page does."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from locus.access.context_cases import cases_visible_to
from locus.access.models import Role
from locus.access.selectors import visible_person_ids
from locus.casework import selectors
from locus.casework.models import PlanAction
from locus.panels.selectors import panel_detail
from tests.casework.helpers import add_action, home_plan
from tests.factories import World, client_for, make_worker
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


def test_an_owner_who_may_not_see_the_case_reads_their_action_but_not_its_place(
    world: World,
) -> None:
    """The police analyst owns an action on the plan about a family's home, which she may not
    see: her own list gives her the action's words (it is hers to do), never the home's name
    (an address) nor a link her sight would refuse."""
    plan = home_plan(world)
    assert not cases_visible_to(world.police_analyst).filter(pk=plan.case_id).exists()
    add_action(world, plan, agency=world.police, owner=world.police_analyst, description=WORDS)
    (mine,) = [i for i in selectors.my_work(viewer=world.police_analyst) if WORDS[:40] in i.what]
    action = PlanAction.objects.get(plan=plan, description=WORDS)
    # The link is the action's own page, which shows the action alone.
    assert (mine.subject, mine.url) == ("A case you cannot see", f"/my-work/actions/{action.pk}/")
    page = client_for(world.police_analyst).get(reverse("my-work")).content.decode()
    assert escape(WORDS) in page and world.home.name not in page
    assert f'{reverse("context-case", args=[plan.case_id])}plan/">Action:' not in page


def test_a_managers_team_view_shows_no_plan_work_on_a_case_the_manager_may_not_see(
    world: World,
) -> None:
    """A member of the police team owns an action on a context plan about a family's home (she
    saw it when it was given; sight can lapse); the police team's manager may not see the
    home, so the team view names neither the action's words nor the home (an address)."""
    police_manager = make_worker(world.system, team=world.police_team, role=Role.MANAGER)
    plan = home_plan(world)
    assert not cases_visible_to(police_manager).filter(pk=plan.case_id).exists()
    given = add_action(world, plan, owner=world.social_worker, agency=world.csc, description=WORDS)
    PlanAction.objects.filter(pk=given.pk).update(owner=world.police_analyst, agency=world.police)
    team = selectors.my_work(viewer=police_manager, team=True)
    shown = " ".join(f"{i.what} {i.subject} {i.url}" for i in team)
    assert WORDS[:40] not in shown and world.home.name not in shown
    assert [i.what for i in team if "action" in i.what.lower()] == [
        "Plan action on a case you cannot see"
    ]
    # The case's own team manager, who sees the home, reads both in the same view.
    add_action(world, plan, owner=world.social_worker, agency=world.csc, description=WORDS)
    own = selectors.my_work(viewer=world.team_manager, team=True)
    assert any(WORDS[:40] in i.what and i.subject == world.home.name for i in own)
