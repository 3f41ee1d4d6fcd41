"""A young person's peer map: steps, filters, the Level 1 naming rule for every persona,
need to know, what is logged, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.common import clock
from locus.common.services import today
from locus.peers.maps import PeerMap, peer_map
from locus.peers.models import GroupRole, PeerMapPurpose
from locus.peers.services import (
    association_end,
    association_revise,
    membership_add,
    peer_map_purpose_record,
)
from locus.people.models import LegalStatus
from locus.people.services import allocation_create, episode_start
from tests.factories import (
    START,
    World,
    client_for,
    heading_jumps,
    make_association,
    make_context,
    make_person,
    nothing_written,
)

pytestmark = pytest.mark.django_db

ALL = ("protective", "risk", "unclear")


def link(world: World, person: Any, other: Any = None, **fields: Any) -> Any:
    return make_association(world.system, person=person, other=other, **fields)


@pytest.fixture
def mapped(world: World) -> World:
    """csc_child's peers, worked out by hand:

    step 1: team_child (protective, at the park), yjs_child (risk), an unknown peer (risk,
    open to youth justice as recorded); step 2: other_child through team_child (unclear),
    police_child through yjs_child (risk).
    """
    link(world, world.csc_child, world.team_child, nature="protective", contexts=[world.park])
    link(world, world.yjs_child, world.csc_child, nature="risk", peer_role="leading")
    link(
        world,
        world.csc_child,
        other_label="older male known as T",
        nature="risk",
        open_to_youth_justice=True,
    )
    link(world, world.team_child, world.other_child)
    link(world, world.yjs_child, world.police_child, nature="risk")
    return world


def labels(pmap: PeerMap) -> dict[str, str]:
    """Each person on the map (not the centre), by the key a test can predict."""
    return {n.key: n.label for n in pmap.nodes if n.kind in ("person", "unknown")}


def draw(world: World, viewer: Any, *, natures: tuple[str, ...] = ALL, **kw: Any) -> PeerMap:
    return peer_map(
        viewer=viewer,
        person=kw.get("person", world.csc_child),
        as_at=kw.get("as_at", today()),
        natures=natures,
    )


def test_steps_relationships_and_contexts_worked_out_by_hand(mapped: World) -> None:
    w = mapped
    pmap = draw(w, w.admin)
    steps = {n.key: n.step for n in pmap.nodes if n.step is not None}
    unknown = next(n.key for n in pmap.nodes if n.kind == "unknown")
    assert steps == {
        f"p{w.csc_child.pk}": 0,
        f"p{w.team_child.pk}": 1,
        f"p{w.yjs_child.pk}": 1,
        unknown: 1,
        f"p{w.other_child.pk}": 2,
        f"p{w.police_child.pk}": 2,
    }
    edges = {(e.source, e.target, e.kind, e.nature) for e in pmap.edges}
    c, t = f"p{w.csc_child.pk}", f"p{w.team_child.pk}"
    assert (c, t, "association", "protective") in edges
    assert (f"p{w.yjs_child.pk}", f"p{w.police_child.pk}", "association", "risk") in edges
    # The park they share is a node of its own, linked to both.
    assert {(c, f"c{w.park.pk}", "place", ""), (t, f"c{w.park.pk}", "place", "")} <= edges
    # The child's group is on the map, with the members on it (csc_child, yjs_child).
    group = f"c{w.group.pk}"
    members = {(e.source, e.label) for e in pmap.edges if e.target == group}
    assert members == {(c, "Core member"), (f"p{w.yjs_child.pk}", "Peripheral")}
    # Open to: derived from episodes for known people, as recorded for the unknown peer.
    by_key = {n.key: n for n in pmap.nodes}
    assert by_key[c].open_to is not None and by_key[c].open_to.social_care  # CIN
    yjs = by_key[f"p{w.yjs_child.pk}"].open_to
    assert yjs is not None and (yjs.social_care, yjs.youth_justice, yjs.derived) == (
        False,
        True,
        True,
    )
    u = by_key[unknown].open_to
    assert u is not None and (u.youth_justice, u.social_care, u.derived) == (True, None, False)
    # The role recorded describes the other side: yjs_child recorded csc_child as "leading",
    # which says nothing about yjs_child's own role.
    row = next(r for r in pmap.rows if r.peer.key == f"p{w.yjs_child.pk}")
    assert row.role == ""
    assert [r.step for r in pmap.rows] == sorted(r.step or 0 for r in pmap.rows)


def test_nature_filter_drops_relationships_and_the_peers_only_they_reached(mapped: World) -> None:
    w = mapped
    pmap = draw(w, w.admin, natures=("risk",))
    assert set(labels(pmap).values()) == {
        "Yusuf Yjschild",
        "older male known as T",
        "Paddy Policechild",
    }
    assert {r.association.nature for r in pmap.rows} == {"risk"}
    # No protective edge left, so the park only team_child shared is gone too.
    assert f"c{w.park.pk}" not in {n.key for n in pmap.nodes}


def test_as_at_shows_the_open_relationships_as_they_stood_then(world: World) -> None:
    w = world
    early = START + dt.timedelta(days=10)
    first = link(w, w.csc_child, w.team_child, nature="protective")
    revised = association_revise(
        actor=w.system,
        association=first,
        changed_on=early,
        relationship="friend",
        nature="risk",
        source="police",
        confidence="high",
        reason="Police intelligence",
    )
    later = link(w, w.csc_child, w.pupil, valid_from=early + dt.timedelta(days=5))
    association_end(
        actor=w.system,
        association=later,
        valid_until=early + dt.timedelta(days=6),
        reason="They moved apart",
    )

    def natures_on(day: dt.date) -> dict[str, str]:
        pmap = draw(w, w.admin, as_at=day)
        return {r.peer.label: r.association.nature for r in pmap.rows}

    assert natures_on(START) == {"Tariq Teamchild": "protective"}
    # On the day of the change both records hold; the newer one is how it stood.
    assert natures_on(early) == {"Tariq Teamchild": "risk"}
    # Priya's relationship held that day but has ended since: an ended relationship is never
    # drawn again, on any day's map (its history is on the person's page). Tariq's, revised
    # but still open, is drawn as it stood.
    assert natures_on(early + dt.timedelta(days=5)) == {"Tariq Teamchild": "risk"}
    assert natures_on(today()) == {"Tariq Teamchild": "risk"}
    assert natures_on(START - dt.timedelta(days=1)) == {}
    assert revised.replaces == first


# --- the naming rule, persona by persona ------------------------------------------------------

NAMED = {
    "team": "Tariq Teamchild",
    "yjs": "Yusuf Yjschild",
    "unknown": "older male known as T",
    "other": "Olu Otherchild",
    "police": "Paddy Policechild",
}
INITIALS = {"team": "TT", "yjs": "YY", "unknown": "Unknown peer", "other": "OO", "police": "PP"}


def shown(world: World, viewer: Any, **kw: Any) -> dict[str, str]:
    """What each peer of csc_child is called on the viewer's map (missing: not on it)."""
    keys = {
        f"p{world.team_child.pk}": "team",
        f"p{world.yjs_child.pk}": "yjs",
        f"p{world.other_child.pk}": "other",
        f"p{world.police_child.pk}": "police",
    }
    out = {}
    for key, label in labels(draw(world, viewer, **kw)).items():
        out[keys.get(key, "unknown")] = label
    return out


def expect(named: set[str], initials: set[str]) -> dict[str, str]:
    return {**{k: NAMED[k] for k in named}, **{k: INITIALS[k] for k in initials}}


# Who opens csc_child's map, and what they see before any purpose is recorded.
# None: the page is not found (they may not see the child).
BEFORE_PURPOSE: dict[str, dict[str, str] | None] = {
    # Allocated to the child (Level 1): initials only, until she records a purpose.
    # police_child is two steps out only through yjs_child, whom she may not see.
    "social_worker": expect(set(), {"team", "yjs", "unknown", "other"}),
    # Not allocated: names follow their scope (team scope: team_child only).
    "teammate": expect({"team", "unknown"}, {"yjs", "other"}),
    "team_manager": expect({"team", "unknown"}, {"yjs", "other"}),
    "admin": expect({"team", "yjs", "unknown", "other", "police"}, set()),
    "system": expect({"team", "yjs", "unknown", "other", "police"}, set()),
    "other_social_worker": None,
    "yjs_worker": None,
    "police_analyst": None,
    "school_dsl": None,
    "partner_worker": None,
    "auditor": None,
}


@pytest.mark.parametrize("persona", sorted(BEFORE_PURPOSE))
def test_naming_rule_for_every_persona(mapped: World, persona: str) -> None:
    w = mapped
    viewer = w.persona(persona)
    expected = BEFORE_PURPOSE[persona]
    # Both steps: the second is on demand (steps=2), and named by the same rule.
    response = client_for(viewer).get(reverse("peer-map", args=[w.csc_child.pk]) + "?steps=2")
    if expected is None:
        assert response.status_code == 404
        assert "Cscchild" not in response.content.decode()
        return
    assert response.status_code == 200
    assert shown(w, viewer) == expected
    html = response.content.decode()
    for key, full in NAMED.items():
        # A peer not named is named nowhere on the page: not in the table, not in the
        # map's data, not in a link.
        assert (full in html) == (expected.get(key) == full), (key, persona)
    for node in response.context["elements"]["nodes"]:
        if node["data"]["href"].startswith("/people/"):
            assert node["data"]["label"].split("\n")[0] in NAMED.values()


def test_level_one_worker_sees_names_after_recording_a_purpose(mapped: World) -> None:
    w = mapped
    client = client_for(w.social_worker)
    url = reverse("peer-map", args=[w.csc_child.pk])
    before = client.get(url).content.decode()
    assert "Record purpose and show names" in before
    assert f'href="/people/{w.team_child.pk}/"' not in before
    response = client.post(
        reverse("peer-map-purpose", args=[w.csc_child.pk]),
        {"purpose": "safety_planning", "reason": "Safety plan meeting", "query": "nature=risk"},
    )
    assert response.status_code == 302
    assert response["Location"] == url + "?nature=risk"
    # Names of peers she may see; a peer outside her scope stays initials, purpose or not.
    assert shown(w, w.social_worker) == expect({"team", "unknown"}, {"yjs", "other"})
    after = client.get(url).content.decode()
    assert "Tariq Teamchild" in after and f'href="/people/{w.team_child.pk}/"' in after
    assert "Yjschild" not in after and "Otherchild" not in after
    assert "safety planning" in after
    # The read that showed names says why, and whom it named.
    event = AccessEvent.objects.filter(
        actor=w.social_worker, record_type="people.person", record_id=str(w.csc_child.pk)
    ).first()
    assert event is not None
    assert event.purpose == "Safety planning: Safety plan meeting"
    assert event.detail["page"] == "peer-map"
    assert event.detail["named"] == [w.team_child.pk]


def test_a_purpose_lasts_eight_hours_and_only_for_that_worker_and_child(mapped: World) -> None:
    w = mapped
    purpose = peer_map_purpose_record(
        actor=w.social_worker, person=w.csc_child, purpose="linked_case", reason="YJS case open"
    )
    assert shown(w, w.social_worker)["team"] == NAMED["team"]
    # For another child she holds, the rule still applies.
    allocation_create(actor=w.system, person=w.pupil, worker=w.social_worker, start=START)
    link(w, w.pupil, w.team_child)
    pupil_map = draw(w, w.social_worker, person=w.pupil)
    assert labels(pupil_map)[f"p{w.team_child.pk}"] == "TT"
    assert pupil_map.named_ids == []
    PeerMapPurpose.objects.filter(pk=purpose.pk).update(
        recorded_at=clock.now() - dt.timedelta(hours=9),
        expires_at=clock.now() - dt.timedelta(hours=1),
    )
    assert shown(w, w.social_worker)["team"] == "TT"


def test_a_bad_purpose_is_refused_on_its_field_and_writes_nothing(mapped: World) -> None:
    w = mapped
    with nothing_written(PeerMapPurpose):
        response = client_for(w.social_worker).post(
            reverse("peer-map-purpose", args=[w.csc_child.pk]),
            {"purpose": "safety_planning", "reason": "   "},
        )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_reason"' in html
    assert "Say briefly why you need to see peers" in html
    assert "Tariq Teamchild" not in html


def test_level_one_worker_for_a_yjs_child_never_sees_a_hidden_peers_name(mapped: World) -> None:
    w = mapped
    pmap = draw(w, w.yjs_worker, person=w.yjs_child)
    assert pmap.naming.level_one and not pmap.naming.names_shown
    assert labels(pmap) == {f"p{w.csc_child.pk}": "CC", f"p{w.police_child.pk}": "PP"}
    peer_map_purpose_record(
        actor=w.yjs_worker, person=w.yjs_child, purpose="linked_case", reason="Joint visit"
    )
    pmap = draw(w, w.yjs_worker, person=w.yjs_child)
    assert labels(pmap) == {f"p{w.csc_child.pk}": "CC", f"p{w.police_child.pk}": "PP"}
    assert all(not n.href for n in pmap.nodes if n.kind == "person")


def test_peers_of_a_hidden_peer_are_not_walked(mapped: World) -> None:
    # The teammate sees csc_child and team_child, not yjs_child: police_child (reached
    # only through yjs_child) is not on her map at all, not even by initials.
    assert "police" not in shown(mapped, mapped.teammate)


def test_an_analyst_sees_a_childs_map_by_scope(world: World) -> None:
    link(world, world.police_child, world.adult, nature="risk", relationship="associate")
    link(world, world.police_child, world.csc_child, nature="unclear")
    pmap = draw(world, world.police_analyst, person=world.police_child)
    assert not pmap.naming.level_one
    assert labels(pmap) == {f"p{world.adult.pk}": "Adam Adult", f"p{world.csc_child.pk}": "CC"}


def test_reading_the_map_is_logged_once_naming_who_was_named(mapped: World) -> None:
    w = mapped
    client_for(w.teammate).get(reverse("peer-map", args=[w.csc_child.pk]) + "?nature=risk")
    events = list(AccessEvent.objects.filter(actor=w.teammate))
    assert len(events) == 1
    event = events[0]
    assert (event.record_type, event.record_id, event.purpose) == (
        "people.person",
        str(w.csc_child.pk),
        "",
    )
    assert event.detail == {
        "page": "peer-map",
        "as_at": today().isoformat(),
        "natures": ["risk"],
        "steps": 1,
        "named": [],  # by risk only: yjs_child (hidden) and the unknown peer
    }


def test_filters_that_make_no_sense_are_explained(mapped: World) -> None:
    client = client_for(mapped.admin)
    url = reverse("peer-map", args=[mapped.csc_child.pk])
    html = client.get(url + "?as_at=").content.decode()
    assert "Choose at least one kind of relationship to show" in html
    assert 'href="#id_nature"' in html
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    html = client.get(url + f"?nature=risk&as_at={tomorrow}").content.decode()
    assert "The as at date must be today or in the past" in html
    html = client.get(url + "?nature=risk&as_at=31/02/2026").content.decode()
    assert "Enter the as at date as a date, like 27/03/2026" in html


# --- query counts ------------------------------------------------------------------------------


def grow(world: World, n: int, start: int = 0) -> None:
    """More peers one and two steps out, with contexts, groups and legal statuses."""
    for i in range(start, start + n):
        peer = make_person(world.system, given_name=f"Peer{i}", family_name="Grown")
        allocation_create(actor=world.system, person=peer, worker=world.teammate, start=START)
        episode_start(
            actor=world.system,
            person=peer,
            status=LegalStatus.CHILD_IN_NEED,
            start=START,
            agency=world.csc,
        )
        place = make_context(world.system, name=f"Grown place {i}")
        link(world, world.csc_child, peer, nature="risk", contexts=[place, world.park])
        friend = make_person(world.system, given_name=f"Friend{i}", family_name="Grown")
        link(world, peer, friend, contexts=[place])
        link(world, peer, other_label=f"unknown {i}", nature="risk")
        membership_add(
            actor=world.system,
            person=peer,
            group=world.group,
            role=GroupRole.NEW,
            since=START,
            source="professional",
            confidence="low",
        )


# One more than before the field table: which peers the viewer sees in their own right,
# whose fields (the name, the status behind [SC]/[YJ]) follow their role.
PINNED = {"social_worker": 11, "teammate": 10}


@pytest.mark.parametrize("persona", sorted(PINNED))
def test_peer_map_selector_query_count_is_pinned(
    world: World, persona: str, django_assert_num_queries: Any
) -> None:
    # Allocated (Level 1): the naming rule reads the allocation and any purpose; the
    # teammate's view follows scope, one query fewer. The rest is the walk (4), statuses,
    # memberships, shared contexts and which contexts the viewer sees.
    grow(world, 1)
    for n in (1, 6):
        if n == 6:
            grow(world, 5, start=1)
        with django_assert_num_queries(PINNED[persona]):
            pmap = draw(world, world.persona(persona))
        assert len(pmap.rows) == 3 * n


@pytest.mark.parametrize("page", ["peer-map", "person-peers", "group"])
def test_page_query_count_does_not_grow_with_the_data(world: World, page: str) -> None:
    grow(world, 1)
    client = client_for(world.social_worker)
    target = world.group if page == "group" else world.csc_child
    url = reverse(page, args=[target.pk])
    client.get(url)  # warm per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    grow(world, 5, start=1)
    assert count() == before


def test_administrators_can_review_purposes_but_not_change_them(world: World) -> None:
    purpose = peer_map_purpose_record(
        actor=world.social_worker, person=world.csc_child, purpose="linked_case", reason="MACE"
    )
    client = client_for(world.admin)
    listing = client.get("/admin/peers/peermappurpose/")
    assert listing.status_code == 200 and "Coordinating a linked case" in listing.content.decode()
    with nothing_written(PeerMapPurpose):
        client.post(f"/admin/peers/peermappurpose/{purpose.pk}/delete/", {"post": "yes"})
    assert PeerMapPurpose.objects.filter(pk=purpose.pk).exists()


@pytest.mark.parametrize("persona", ["social_worker", "teammate", "admin"])
def test_the_peer_map_s_headings_go_down_one_level_at_a_time(mapped: World, persona: str) -> None:
    """A screen reader user moving by headings reaches the map's key from a heading one
    level up, whether or not the page offers the naming form (the social worker holds the
    child's case and is offered it; the others are not)."""
    page = client_for(mapped.persona(persona)).get(reverse("peer-map", args=[mapped.csc_child.pk]))
    html = page.content.decode()
    assert ("Record purpose and show names" in html) == (persona == "social_worker")
    assert heading_jumps(html) == []
