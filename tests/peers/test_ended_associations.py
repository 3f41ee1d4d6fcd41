"""Associations and memberships that end stop appearing wherever "who is this child with" is
answered (peer maps at one and two steps, group, cluster and meeting maps, linked cases and the
evidence cached for them, a context case's children), at once, on the day they are ended or
backdated; their history stays on the person's page for those who may see the child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.casework.selectors import linked_child_ids as case_children
from locus.common.services import today
from locus.linked import borough_evidence
from locus.mapping.selectors import group_map_snapshot, map_view
from locus.notes.selectors import namable_children
from locus.peers.ends import ended_for_good
from locus.peers.maps import cluster_map, group_map, peer_map
from locus.peers.models import Association, GroupMembership
from locus.peers.selectors import group_detail
from locus.peers.services import association_end, association_revise, membership_end
from tests.api.conftest import api_as
from tests.casework.helpers import refer, screen
from tests.factories import START, World, client_for, make_association
from tests.mapping.helpers import propose

pytestmark = pytest.mark.django_db

ALL = ("protective", "risk", "unclear")


def link(world: World, person: Any, other: Any, **fields: Any) -> Association:
    return make_association(world.system, person=person, other=other, nature="risk", **fields)


def end(world: World, a: Association, *, days_ago: int = 0, reason: str = "They fell out") -> Any:
    """End ``a`` now, on the day ``days_ago`` (a backdated end when more than nothing)."""
    return association_end(
        actor=world.admin,
        association=a,
        valid_until=today() - dt.timedelta(days=days_ago),
        reason=reason,
    )


@pytest.fixture
def ties(world: World) -> World:
    """Around csc_child: team_child open; pupil ended today; police_child ended, backdated.
    Two steps out, through team_child: yjs_child open, other_child ended."""
    w = world
    w.extra["open"] = link(w, w.csc_child, w.team_child)
    end(w, link(w, w.csc_child, w.pupil), reason="Ended today")
    end(w, link(w, w.police_child, w.csc_child), days_ago=20, reason="Ended weeks ago, told today")
    link(w, w.team_child, w.yjs_child)
    end(w, link(w, w.team_child, w.other_child))
    return w


def on_map(world: World, viewer: Any, *, steps: int = 2, as_at: dt.date | None = None) -> set[int]:
    pmap = peer_map(
        viewer=viewer,
        person=world.csc_child,
        as_at=as_at or today(),
        natures=ALL,
        steps=steps,
    )
    return {n.person_id for n in pmap.nodes if n.person_id and n.person_id != world.csc_child.pk}


def test_the_peer_map_drops_ended_relationships_at_one_and_two_steps(ties: World) -> None:
    w = ties
    assert on_map(w, w.admin, steps=1) == {w.team_child.pk}
    assert on_map(w, w.admin, steps=2) == {w.team_child.pk, w.yjs_child.pk}


def test_a_past_days_map_does_not_bring_back_a_relationship_ended_since(ties: World) -> None:
    w = ties
    # Thirty days ago all five held (the backdated end was twenty days ago): only the open
    # ones are drawn.
    assert on_map(w, w.admin, as_at=today() - dt.timedelta(days=30)) == {
        w.team_child.pk,
        w.yjs_child.pk,
    }


def test_a_revised_relationship_stays_on_past_maps_until_its_latest_record_ends(
    world: World,
) -> None:
    w = world
    first = link(w, w.csc_child, w.team_child)
    changed = START + dt.timedelta(days=10)
    revised = association_revise(
        actor=w.system,
        association=first,
        changed_on=changed,
        relationship="friend",
        nature="protective",
        source="police",
        confidence="high",
        reason="New information",
    )
    before = START + dt.timedelta(days=5)
    assert on_map(w, w.admin, as_at=before) == {w.team_child.pk}
    assert ended_for_good([first]) == set()
    end(w, revised)
    assert on_map(w, w.admin, as_at=before) == set()
    first.refresh_from_db()
    assert ended_for_good([first, Association.objects.get(pk=revised.pk)]) == {
        first.pk,
        revised.pk,
    }


def test_the_api_map_offers_no_ended_edge(ties: World) -> None:
    w = ties
    body = api_as(w.admin).ok(f"/people/{w.csc_child.pk}/peer-map", steps=2)
    labels = " | ".join(n["label"] for n in body["nodes"])
    assert "Tariq Teamchild" in labels and "Yusuf Yjschild" in labels
    assert not any(name in labels for name in ("Priya Pupil", "Paddy Police", "Olu Otherchild"))
    friends = [e for e in body["edges"] if e["label"] == "Friend"]
    assert len(friends) == 2  # csc-team and team-yjs; the others are group memberships


def test_an_ended_membership_leaves_the_maps_and_the_group_page(world: World) -> None:
    w = world
    link(w, w.csc_child, w.yjs_child)  # both in the group: a relationship among members
    membership = GroupMembership.objects.get(person=w.csc_child, group=w.group)
    detail = group_detail(viewer=w.admin, group=w.group)
    assert len(group_map(viewer=w.admin, detail=detail).rows) == 1
    membership_end(actor=w.admin, membership=membership, until=today(), reason="Left")
    detail = group_detail(viewer=w.admin, group=w.group)
    assert [m.membership.person_id for m in detail.members] == [w.yjs_child.pk]
    assert group_map(viewer=w.admin, detail=detail).rows == []
    pmap = peer_map(viewer=w.admin, person=w.csc_child, as_at=today(), natures=ALL)
    assert f"c{w.group.pk}" not in {n.key for n in pmap.nodes}


def test_a_group_map_drops_an_ended_relationship_among_members(world: World) -> None:
    w = world
    a = link(w, w.csc_child, w.yjs_child)
    detail = group_detail(viewer=w.admin, group=w.group)
    assert [r.association.pk for r in group_map(viewer=w.admin, detail=detail).rows] == [a.pk]
    end(w, a, days_ago=3)
    assert group_map(viewer=w.admin, detail=detail).rows == []


def test_a_cluster_map_drops_an_ended_relationship(world: World) -> None:
    w = world
    kept = link(w, w.csc_child, w.team_child)
    gone = link(w, w.csc_child, w.yjs_child)
    end(w, gone)
    ids = [w.csc_child.pk, w.team_child.pk, w.yjs_child.pk]
    rows = cluster_map(viewer=w.admin, person_ids=ids).rows
    assert [r.association.pk for r in rows] == [kept.pk]


def test_a_meeting_map_stores_no_ended_edge_and_hides_one_ended_since(world: World) -> None:
    w = world
    meeting = propose(w)
    kept = link(w, w.csc_child, w.team_child)
    later = link(w, w.yjs_child, w.pupil)
    end(w, link(w, w.csc_child, w.police_child))
    snapshot = group_map_snapshot(meeting, today())
    stored = {e["association_id"] for e in snapshot["edges"]}
    assert stored == {kept.pk, later.pk}
    # Ended after the minutes were written: the stored map no longer draws it.
    end(w, later)
    links = list(meeting.children.select_related("holder", "holder_team"))
    shown = map_view(w.admin, snapshot, links, "group")
    assert {(e.source.person_id, e.target.person_id) for e in shown.edges} == {
        (w.csc_child.pk, w.team_child.pk)
    }


def test_linked_cases_and_the_cached_borough_evidence_drop_an_ended_association(
    world: World,
) -> None:
    w = world
    direct = link(w, w.csc_child, w.yjs_child)
    client = client_for(w.social_worker)
    assert "Directly associated:" in client.get(reverse("linked")).content.decode()
    # The page asked for the borough's evidence to be loaded ahead (run at once in tests).
    assert borough_evidence.fresh_evidence(ask=False) is not None
    end(w, direct, days_ago=5)
    assert borough_evidence.fresh_evidence(ask=False) is None  # stale the moment it ends
    html = client.get(reverse("linked")).content.decode()
    assert "Directly associated:" not in html
    # And the export of the list, which reads the same links.
    csv = client.get("/exports/linked/", {"format": "csv"}).content.decode()
    assert "Directly associated" not in csv and "Yjschild" not in csv


def test_the_borough_clusters_drop_an_ended_association_at_once(world: World) -> None:
    w = world
    link(w, w.csc_child, w.yjs_child)
    backdated = link(w, w.yjs_child, w.team_child)
    client = client_for(w.admin)
    client.get(reverse("linked-borough"))  # worked out and cached
    assert "1 cluster, 3 children in all" in client.get(reverse("linked-borough")).content.decode()
    end(w, backdated, days_ago=2)
    assert "1 cluster, 2 children in all" in client.get(reverse("linked-borough")).content.decode()


def test_a_former_member_is_not_one_of_a_group_context_cases_children(world: World) -> None:
    w = world
    case = screen(w, refer(w, actor=w.social_worker, context=w.group)).case
    assert case is not None
    assert w.csc_child.pk in case_children(case)
    membership = GroupMembership.objects.get(person=w.csc_child, group=w.group)
    membership_end(actor=w.admin, membership=membership, until=today(), reason="Left")
    assert w.csc_child.pk not in case_children(case)


def test_the_capture_page_lists_an_ended_relationship_apart(ties: World) -> None:
    w = ties
    html = client_for(w.admin).get(reverse("person-peers", args=[w.csc_child.pk]))
    current, _, past = html.content.decode().partition("Ended and changed relationships")
    assert "Tariq Teamchild" in current and "Tariq Teamchild" not in past
    assert "Priya Pupil" in past and "Priya Pupil" not in current


def test_a_note_on_the_child_no_longer_offers_an_ended_associate(world: World) -> None:
    w = world
    # The administrator holds no caseload: what a note offers them is the child's associates
    # and fellow group members.
    link(w, w.csc_child, w.police_child)
    end(w, link(w, w.csc_child, w.pupil))
    offered = namable_children(w.admin, w.csc_child)
    assert w.police_child in offered
    assert w.pupil not in offered


# --- History on the person's page --------------------------------------------------------------


def test_the_person_page_shows_ended_ones_in_their_own_table(ties: World) -> None:
    w = ties
    membership = GroupMembership.objects.get(person=w.csc_child, group=w.group)
    membership_end(actor=w.admin, membership=membership, until=today(), reason="Moved away")
    html = client_for(w.social_worker).get(reverse("person", args=[w.csc_child.pk]))
    assert html.status_code == 200
    text = html.content.decode()
    current, _, ended = text.partition('id="associations-ended"')
    current = current.partition('id="associations"')[2]
    assert "Tariq Teamchild" in current
    assert "Ended today" not in current and "told today" not in current
    history = ended.partition('id="incidents"')[0]
    assert "Ended today" in history and "Ended weeks ago, told today" in history
    assert str(w.admin) in history  # who ended it
    groups = text.partition('id="peer-groups-ended"')[2].partition("</table>")[0]
    # The group was seen through the child's membership only: its history is kept, unnamed.
    assert "A peer group you may no longer see" in groups and "Moved away" in groups
    assert w.group.name not in groups
    event = AccessEvent.objects.filter(actor=w.social_worker).latest("id")
    assert event.record_id == str(w.csc_child.pk)
    assert w.team_child.pk in event.detail["peers_shown"]


def test_a_worker_who_may_not_see_the_child_gets_no_history(ties: World) -> None:
    response = client_for(ties.other_social_worker).get(reverse("person", args=[ties.csc_child.pk]))
    assert response.status_code == 404
