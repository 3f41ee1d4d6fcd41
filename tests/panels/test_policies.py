"""Who sees a panel meeting and who runs it, persona by persona, and what each is shown of
the people on its agenda."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from locus.access import panel_meetings as policies
from locus.common.errors import NotPermitted
from locus.panels.selectors import panel_detail, visible_item_ids
from locus.panels.services import panel_action_update
from tests.factories import World, client_for, make_person, make_worker
from tests.mapping.helpers import hold as hold_meeting
from tests.mapping.helpers import propose as propose_meeting
from tests.mapping.helpers import schedule as schedule_meeting
from tests.panels.helpers import act, add, borough_manager, held, item, with_agenda
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db

# The usual panel: set up by social_worker, chaired by team_manager, police_analyst on the
# list. O organiser (sees and runs it), V sees it, - does not.
# fmt: off
PANEL_ROW = {
    "social_worker": "O",        # set it up
    "teammate": "-",             # same team, not on the list and not a manager
    "team_manager": "O",         # the chair
    "other_social_worker": "-",
    "yjs_worker": "-",
    "police_analyst": "V",       # on the list
    "school_dsl": "-",
    "partner_worker": "-",
    "auditor": "-",              # reads the audit trail, not panels
    "admin": "O",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(PANEL_ROW.items()))
def test_panel_sight_and_organising_per_persona(world: World, persona: str, cell: str) -> None:
    meeting = with_agenda(world)
    worker = world.persona(persona)
    assert policies.panels_visible_to(worker).filter(pk=meeting.pk).exists() == (cell in "OV")
    assert policies.is_organiser(worker, meeting) == (cell == "O")
    response = client_for(worker).get(url("panel", meeting.pk))
    assert response.status_code == (200 if cell in "OV" else 404)
    if cell == "-":
        with pytest.raises(Http404):
            policies.access_panel(worker, meeting.pk)


def test_the_manager_of_an_attendee_s_team_sees_the_panel(world: World) -> None:
    police_manager = make_worker(world.system, team=world.police_team, role="manager")
    meeting = with_agenda(world)
    assert policies.access_panel(police_manager, meeting.pk) == meeting
    assert not policies.is_organiser(police_manager, meeting)


@pytest.mark.parametrize("bad_id", ["abc", "", None, "1.5", -1, 10**30])
def test_access_panel_answers_404_to_ids_that_are_not_ids(world: World, bad_id: object) -> None:
    with pytest.raises(Http404):
        policies.access_panel(world.admin, bad_id)


def _labels(world: World, persona: str) -> dict[str, tuple[bool, str]]:
    detail = panel_detail(world.persona(persona), held(world))
    return {a.kind: (a.items[0].visible, a.items[0].label) for a in detail.lists}


def test_each_attendee_sees_the_agenda_through_their_own_sight(world: World) -> None:
    # The social worker sees her own child and the park; not the police's child or adult.
    assert _labels(world, "social_worker") == {
        "harmed": (True, "Ciara Cscchild"),
        "harming": (False, "A child not shared with you, not allocated to a worker"),
        "person_of_concern": (False, "A person not shared with you"),
        "location": (True, "Millfields Park"),
    }


def test_the_police_see_theirs_and_only_who_holds_the_social_worker_s_child(
    world: World,
) -> None:
    assert _labels(world, "police_analyst") == {
        "harmed": (
            False,
            "A child not shared with you, held by Test social_worker, "
            "Contextual Safeguarding Team A, Children's Social Care",
        ),
        "harming": (True, "Paddy Policechild"),
        "person_of_concern": (True, "Adam Adult"),
        "location": (True, "Millfields Park"),
    }


def test_a_hidden_location_is_described_by_its_kind(world: World) -> None:
    meeting = with_agenda(world)
    add(world, meeting, "location", context=world.home)
    detail = panel_detail(world.police_analyst, meeting)
    home = next(v for v in detail.lists[3].items if v.item.context_id == world.home.pk)
    assert (home.visible, home.label) == (False, "A home you may not see")


def test_an_action_on_a_hidden_item_is_withheld_unless_the_viewer_owns_it(world: World) -> None:
    meeting = held(world)
    act(world, item(meeting, "harmed"), description="Mentor from the boxing club")
    act(
        world,
        item(meeting, "harmed"),
        description="Police to visit the family",
        owner=world.police_analyst,
    )
    detail = panel_detail(world.police_analyst, meeting)
    shown = {a.action.description: a.shown for a in detail.lists[0].items[0].actions}
    assert shown == {"Mentor from the boxing club": False, "Police to visit the family": True}
    html = client_for(world.police_analyst).get(url("panel", meeting.pk)).content.decode()
    assert "Police to visit the family" in html and "Mentor from the boxing club" not in html
    assert "Named in three incidents" not in html.split('id="harmed"')[1].split('id="harming"')[0]


def test_attending_gives_no_sight_of_the_people_on_the_agenda(world: World) -> None:
    # A panel is not a forum share: the police analyst attended, and still may not see her.
    meeting = held(world)
    assert meeting.attendees.get(worker=world.police_analyst).attendance == "attended"
    assert not panel_detail(world.police_analyst, meeting).lists[0].items[0].visible
    response = client_for(world.police_analyst).get(url("person", world.csc_child.pk))
    assert response.status_code == 404


def test_the_page_offers_an_action_s_update_to_whoever_may_make_it(world: World) -> None:
    from locus.access.services import break_glass_request

    meeting = held(world)  # chaired by team_manager, who may not see police_child
    harming = act(
        world, item(meeting, "harming"), actor=world.police_analyst, owner=world.police_analyst
    )
    harmed = act(world, item(meeting, "harmed"), owner=world.police_analyst)

    def offered(viewer: Any) -> dict[int, bool]:
        lists = panel_detail(viewer, meeting).lists
        return {
            a.action.pk: a.can_update for agenda in lists for v in agenda.items for a in v.actions
        }

    # The owner, whatever her sight of csc_child; the chair, only for the child he sees.
    assert offered(world.police_analyst) == {harming.pk: True, harmed.pk: True}
    assert offered(world.team_manager) == {harming.pk: False, harmed.pk: True}
    # Emergency sight reads the item; it writes nothing about the child.
    break_glass_request(
        actor=world.team_manager,
        person_id=world.police_child.pk,
        category="missing_child",
        reason="Missing tonight, last seen with the panel's other young person",
    )
    assert panel_detail(world.team_manager, meeting).lists[1].items[0].visible
    assert offered(world.team_manager) == {harming.pk: False, harmed.pk: True}


# attendees, items, people seen, places seen, places seen lastingly (written about), locations
# with plans, decisions, actions, their strengths
DETAIL_QUERIES = 9


def test_query_counts_do_not_grow_with_the_agenda(
    world: World, django_assert_num_queries: Any
) -> None:
    meeting = held(world)
    act(world, item(meeting, "harmed"))
    fresh = policies.access_panel(world.social_worker, meeting.pk)
    with django_assert_num_queries(DETAIL_QUERIES):
        panel_detail(world.social_worker, fresh)
    for n in range(4):
        person = make_person(world.system, given_name=f"Extra{n}")
        add(world, meeting, "harmed", person=person, actor=borough_manager(world))
        act(world, item(meeting, "location"), description=f"Patrol {n}")
    fresh = policies.access_panel(world.social_worker, meeting.pk)
    with django_assert_num_queries(DETAIL_QUERIES):
        panel_detail(world.social_worker, fresh)


def test_the_child_s_page_lists_the_panels_that_had_them_on_a_list(world: World) -> None:
    from django.template.loader import render_to_string

    from locus.panels.selectors import panel_items_for_person

    meeting = with_agenda(world)
    add(world, meeting, "harming", person=world.csc_child, reason="Pushed a peer")
    rows = panel_items_for_person(world.social_worker, world.csc_child)
    assert [(r.item.kind, r.meeting_visible) for r in rows] == [
        ("harmed", True),
        ("harming", True),
    ]
    # The teammate sees the child, not the meeting: it is named by its kind only.
    html = render_to_string(
        "panels/_person_panels.html",
        {
            "panel_items": panel_items_for_person(world.teammate, world.csc_child),
            "person": world.csc_child,
        },
    )
    assert "MACE panel <span" in html and meeting.title not in html
    assert "Young person harmed" in html and "Young person who harmed" in html


def test_a_forum_share_does_not_open_a_panel_s_discussion_of_the_child(world: World) -> None:
    # The police analyst attends the panel and sees Ciara through a peer group mapping
    # meeting's share: her name, not what the panel said and decided about her.
    meeting = with_agenda(world)
    harmed = item(meeting, "harmed")
    forum = propose_meeting(world, invitees=[world.police_analyst])
    hold_meeting(world, schedule_meeting(world, forum))
    items = list(meeting.items.all())
    assert harmed.pk not in visible_item_ids(world.police_analyst, items)
    assert harmed.pk in visible_item_ids(world.social_worker, items)


def test_break_glass_reads_a_panel_s_discussion_of_the_child_but_does_not_write_it(
    world: World,
) -> None:
    from locus.access.services import break_glass_request
    from locus.common.errors import NotPermitted
    from locus.panels.services import item_discussion_record

    meeting = held(world)
    harmed = item(meeting, "harmed")  # about Ciara, whom the police analyst may not see
    break_glass_request(
        actor=world.police_analyst,
        person_id=world.csc_child.pk,
        category="missing_child",
        reason="Ciara is missing tonight and was last seen with the panel's other young person",
    )
    assert harmed.pk in visible_item_ids(world.police_analyst, list(meeting.items.all()))
    with pytest.raises(NotPermitted):
        item_discussion_record(
            actor=world.police_analyst, item=harmed, discussion="Written under emergency sight"
        )
    # Her own-right sight of the other items is untouched.
    item_discussion_record(
        actor=world.police_analyst, item=item(meeting, "harming"), discussion="Police update"
    )


def test_the_it_administrator_neither_agrees_nor_records_a_panel_s_actions(world: World) -> None:
    """The IT administrator organises any panel but writes no casework: agreeing an action on
    a young person, or recording it done or stopped, is for those who work cases."""
    meeting = held(world)
    harmed = item(meeting, "harmed")
    assert not policies.can_add_action(world.admin, meeting)
    with pytest.raises(NotPermitted):
        act(world, harmed, actor=world.admin)
    action = act(world, harmed)
    assert not policies.can_update_action(world.admin, action)
    with pytest.raises(NotPermitted):
        panel_action_update(actor=world.admin, action=action, status="stopped", note="Tidy")
    client = client_for(world.admin)
    assert client.get(url("panel-item-action", meeting.pk, harmed.pk)).status_code == 404
    assert client.get(url("panel-action-update", meeting.pk, action.pk)).status_code == 404
