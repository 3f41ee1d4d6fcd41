"""Reads: linked children, the group map snapshot and its labels, a child's interventions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from locus.access.models import Role
from locus.access.selectors import visible_person_ids
from locus.incidents.models import InvolvementRole
from locus.mapping import selectors
from locus.mapping.selectors import (
    group_map_snapshot,
    interventions_for_person,
    linked_child_ids,
    map_view,
    meeting_children,
    meetings_for,
)
from locus.mapping.services import attendance_confirm, intervention_update, meeting_cancel
from locus.peers.models import GroupRole
from locus.peers.services import association_end, association_record, membership_add, membership_end
from locus.people.models import Person
from tests.factories import START, World, client_for, make_incident, make_person, make_worker
from tests.mapping.helpers import (
    add_intervention,
    agree,
    associate,
    held_meeting,
    hold,
    propose,
    schedule,
)

pytestmark = pytest.mark.django_db

PROVENANCE = {"source": "professional", "confidence": "medium"}


# --- Linked children ------------------------------------------------------------------------


def test_children_are_linked_by_association_group_or_incident(world: World) -> None:
    sw = world.social_worker
    candidates = [world.yjs_child, world.other_child, world.pupil, world.police_child]
    ids = [c.pk for c in candidates]
    # yjs_child is in the group with csc_child; nobody else is linked yet.
    assert linked_child_ids(sw, ids) == {world.yjs_child.pk}
    associate(world, world.pupil, world.csc_child)
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[
            (world.csc_child, InvolvementRole.HARMED),
            (world.police_child, InvolvementRole.PRESENT),
        ],
    )
    assert linked_child_ids(sw, ids) == {world.yjs_child.pk, world.pupil.pk, world.police_child.pk}
    assert linked_child_ids(sw, []) == set()


def test_an_ended_link_links_no_more(world: World) -> None:
    association = associate(world, world.other_child, world.csc_child)
    assert linked_child_ids(world.social_worker, [world.other_child.pk]) == {world.other_child.pk}
    association_end(
        actor=world.system, association=association, valid_until=START, reason="Moved away"
    )
    membership = world.yjs_child.memberships.get(group=world.group)
    membership_end(
        actor=world.system,
        membership=membership,
        until=START + dt.timedelta(days=1),
        reason="Left",
    )
    assert (
        linked_child_ids(world.social_worker, [world.other_child.pk, world.yjs_child.pk]) == set()
    )


# --- The group map ------------------------------------------------------------------------------


def test_the_snapshot_holds_ids_initials_and_natures_but_no_names(world: World) -> None:
    associate(world, world.csc_child, world.yjs_child, nature="protective")
    associate(world, world.yjs_child, world.adult)
    associate(world, world.csc_child, None, other_label="Older male known as T")
    associate(world, world.pupil, world.team_child)  # neither child is at the meeting
    meeting = held_meeting(world)
    snap = meeting.map_snapshot
    nodes = {n["id"]: n for n in snap["nodes"]}
    assert {n["person_id"] for n in snap["nodes"] if n["person_id"]} == {
        world.csc_child.pk,
        world.yjs_child.pk,
        world.adult.pk,
    }
    assert nodes[f"p{world.csc_child.pk}"]["group_role"] == GroupRole.CORE
    assert nodes[f"p{world.adult.pk}"]["kind"] == "adult_of_concern"
    natures = sorted((e["source"], e["target"], e["nature"]) for e in snap["edges"])
    assert (f"p{world.csc_child.pk}", f"p{world.yjs_child.pk}", "protective") in natures
    assert len(natures) == 3
    text = str(snap)
    for name in ("Ciara", "Cscchild", "Yusuf", "Adam"):
        assert name not in text  # names are read when the map is shown, never stored


def test_the_snapshot_is_the_map_on_the_day_of_the_meeting(world: World) -> None:
    meeting = schedule(world, propose(world))
    day = START + dt.timedelta(days=10)
    late = association_record(
        actor=world.system,
        person=world.csc_child,
        other=world.team_child,
        relationship="friend",
        nature="unclear",
        valid_from=day + dt.timedelta(days=1),
        **PROVENANCE,
    )
    snap = group_map_snapshot(meeting, day)
    assert all(e["association_id"] != late.pk for e in snap["edges"])
    assert late.pk in [
        e["association_id"]
        for e in group_map_snapshot(meeting, day + dt.timedelta(days=2))["edges"]
    ]


def test_the_map_is_labelled_for_each_viewer(world: World) -> None:
    associate(world, world.yjs_child, world.adult)
    associate(world, world.csc_child, None, other_label="Older male known as T")
    meeting = held_meeting(world)
    links = meeting_children(meeting)

    def labels(persona: str) -> set[str]:
        return {
            n.label for n in map_view(world.persona(persona), meeting.map_snapshot, links, "").nodes
        }

    # Both attended: each sees both children; the adult is known only to the police.
    assert labels("yjs_worker") == {
        "Ciara Cscchild",
        "Yusuf Yjschild",
        "AA (a person not shared with you)",
        "Older male known as T (not known to Locus)",
    }
    assert "Adam Adult" in labels("police_analyst")
    assert (
        "A child not shared with you, held by Test social_worker, "
        "Contextual Safeguarding Team A, Children's Social Care" in labels("police_analyst")
    )


def test_the_map_shows_nothing_of_a_child_nobody_brought_beyond_who_holds_them(
    world: World,
) -> None:
    # yjs_child's holder did not agree to bring him: his relationships to people the viewer
    # cannot see (an adult known to the police, a peer not known to Locus) are his record.
    associate(world, world.yjs_child, world.adult)
    associate(world, world.yjs_child, None, other_label="Older male known as T")
    meeting = propose(world, agreed=False)
    agree(meeting, world.social_worker, world.csc_child)
    hold(world, schedule(world, meeting))
    view = map_view(world.social_worker, meeting.map_snapshot, meeting_children(meeting), "")
    assert {n.label for n in view.nodes} == {
        "Ciara Cscchild",
        "A child not shared with you, held by Test yjs_worker, YJS Casework, Youth Justice Service",
    }
    assert view.edges == []
    # The holder still sees his child's map in full.
    mine = map_view(world.yjs_worker, meeting.map_snapshot, meeting_children(meeting), "")
    assert len(mine.edges) == 2


def test_a_purged_person_drops_out_of_past_maps(world: World) -> None:
    associate(world, world.yjs_child, world.adult)
    meeting = held_meeting(world)
    Person.objects.filter(pk=world.adult.pk).delete()  # as the retention purge will
    links = meeting_children(meeting)
    view = map_view(world.admin, meeting.map_snapshot, links, "")
    assert all("Adult" not in n.label and "AA" not in n.label for n in view.nodes)
    assert all(e.target.kind != "adult_of_concern" for e in view.edges)


# --- A child's interventions ---------------------------------------------------------------------


def test_a_child_s_interventions_come_directly_or_through_their_group(world: World) -> None:
    meeting = held_meeting(world)
    direct = add_intervention(world, meeting, description="Mentor for Ciara")
    group_work = add_intervention(
        world, meeting, person=None, group=world.group, description="Detached youth work"
    )
    for_yjs = add_intervention(
        world, meeting, actor=world.yjs_worker, person=world.yjs_child, description="Reparation"
    )
    intervention_update(actor=world.yjs_worker, intervention=direct, status="done", note="Done")
    rows = interventions_for_person(world.social_worker, world.csc_child)
    # Open ones first, then finished ones.
    assert [r.intervention for r in rows] == [group_work, direct]
    assert rows[0].through_group == "Millfields group" and rows[1].through_group == ""
    assert all(r.meeting_visible for r in rows)
    yjs_rows = interventions_for_person(world.yjs_worker, world.yjs_child)
    assert {r.intervention for r in yjs_rows} == {group_work, for_yjs}
    assert interventions_for_person(world.teammate, world.team_child) == []


def test_a_former_member_does_not_carry_the_group_s_work(world: World) -> None:
    meeting = held_meeting(world)
    add_intervention(world, meeting, person=None, group=world.group)
    membership = world.yjs_child.memberships.get(group=world.group)
    membership_end(
        actor=world.system,
        membership=membership,
        until=START + dt.timedelta(days=1),
        reason="Left",
    )
    assert interventions_for_person(world.yjs_worker, world.yjs_child) == []


def test_the_meeting_is_linked_only_for_those_who_may_see_it(world: World) -> None:
    meeting = held_meeting(world)
    add_intervention(world, meeting)
    # The teammate sees the child (team scope) but was not at the meeting.
    rows = interventions_for_person(world.teammate, world.csc_child)
    assert len(rows) == 1 and not rows[0].meeting_visible
    html = render_to_string(
        "mapping/_person_interventions.html", {"interventions": rows, "person": world.csc_child}
    )
    assert "Weekly mentoring session" in html and "Test yjs_worker" in html
    assert "Millfields group mapping" not in html  # the meeting's title is not theirs to read
    assert "a peer group mapping meeting" in html


def test_a_child_s_interventions_take_two_queries_however_many(world: World) -> None:
    meeting = held_meeting(world)
    add_intervention(world, meeting)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = interventions_for_person(world.social_worker, world.csc_child)
            render_to_string("mapping/_person_interventions.html", {"interventions": rows})
        return len(ctx.captured_queries)

    before = count()
    for i in range(4):
        add_intervention(world, meeting, description=f"Work {i}", owner=world.social_worker)
        add_intervention(world, meeting, person=None, group=world.group, description=f"Group {i}")
    assert count() == before == 2


# --- Lists ---------------------------------------------------------------------------------------


def test_my_meetings_are_listed_upcoming_first_with_my_part(world: World) -> None:
    held = held_meeting(world)
    undated = propose(world, title="Undated")
    cancelled = propose(world, title="Called off")
    meeting_cancel(actor=world.social_worker, meeting=cancelled, reason="Not needed")
    rows = list(meetings_for(viewer=world.yjs_worker))
    assert rows[0] in (undated, cancelled) and rows[-1] == held
    assert {m.my_attendance for m in rows} == {"attended", "invited"}
    assert all(m.n_children == 2 for m in rows)
    assert list(meetings_for(viewer=world.yjs_worker, status="held")) == [held]
    assert list(meetings_for(viewer=world.other_social_worker)) == []


def test_a_child_recorded_later_does_not_join_a_past_map(world: World) -> None:
    meeting = held_meeting(world)
    newcomer = make_person(world.system)
    membership_add(
        actor=world.system,
        person=newcomer,
        group=world.group,
        role=GroupRole.NEW,
        since=START,
        **PROVENANCE,
    )
    meeting.refresh_from_db()
    ids = {n["person_id"] for n in meeting.map_snapshot["nodes"]}
    assert newcomer.pk not in ids


def test_an_invitee_who_did_not_confirm_reads_no_interventions_words_about_a_child(
    world: World,
) -> None:
    """An invited police analyst who never confirmed she attended sees the meeting, but not
    the children (no forum share reaches her): the interventions agreed for a child keep
    their words and history from her, as a panel keeps an action's words from a member who
    may not read its agenda item. The owner, and those who see the child, read them."""
    words = "Mentoring for Ciara away from the older boys at the park"
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    meeting = hold(world, meeting, attendance={world.police_analyst: "attended"}, confirmed=False)
    attendance_confirm(actor=world.yjs_worker, meeting=meeting)
    add_intervention(world, meeting, description=words, person=world.csc_child)
    assert not visible_person_ids(world.police_analyst, [world.csc_child.pk])
    detail = selectors.meeting_detail(viewer=world.police_analyst, meeting=meeting)
    (row,) = detail.interventions
    assert (row.shown, row.updates) == (False, [])
    page = client_for(world.police_analyst).get(reverse("meeting", args=[meeting.pk]))
    assert escape(words) not in page.content.decode()
    assert "An intervention for a child not shared with you" in page.content.decode()
    for reader in (world.yjs_worker, world.social_worker):  # the owner; the child's holder
        (row,) = selectors.meeting_detail(viewer=reader, meeting=meeting).interventions
        assert row.shown and row.updates


def test_an_owners_manager_who_may_not_see_the_child_neither_reads_nor_updates_it(
    world: World,
) -> None:
    """The owner's team manager may update an intervention on the owner's behalf, but only
    one she may read: the update page shows the words, so a manager who may not see the child
    is offered no Update link and the page answers "not found"."""
    words = "Mentoring for Ciara away from the older boys at the park"
    manager = make_worker(world.system, team=world.yjs_team, role=Role.MANAGER)
    meeting = hold(world, schedule(world, propose(world)), confirmed=False)
    attendance_confirm(actor=world.yjs_worker, meeting=meeting)
    done = add_intervention(world, meeting, description=words, person=world.csc_child)
    assert not visible_person_ids(manager, [world.csc_child.pk])
    client = client_for(manager)
    update = reverse("intervention-update", args=[meeting.pk, done.pk])
    assert update not in client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert client.get(update).status_code == 404
    # The owner updates it as before.
    assert client_for(world.yjs_worker).get(update).status_code == 200
