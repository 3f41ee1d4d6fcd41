"""A forum share shows the shared fields and nothing else of the child's record.

The usual meeting (tests/mapping/helpers.py), with ``police_analyst`` and
``school_dsl`` invited: once it is held and every attendee confirmed, both see
``csc_child`` only through the share (name, age, legal status). No other page
may show them the child's relationships, profile, moves, places or linked cases,
and no write may turn the share into sight in their own right.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from locus.access import lookups
from locus.access.fields import PersonField
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from locus.linked.selectors import linked_together
from locus.mapping.selectors import linked_child_ids
from locus.peers.maps import peer_map
from locus.peers.models import Nature
from locus.people.models import LegalStatus
from locus.people.services import person_update
from locus.places.models import ContextKind
from locus.places.services import enrolment_create
from tests.factories import (
    START,
    World,
    client_for,
    make_context,
    make_incident,
    make_membership,
    valid_upn,
)
from tests.mapping.helpers import agree, associate, hold, propose, schedule

pytestmark = pytest.mark.django_db


def _shared(world: World) -> None:
    meeting = propose(world, invitees=[world.police_analyst, world.school_dsl])
    hold(world, schedule(world, meeting))


RECORD_PAGES = (
    "/people/{pid}/peers/",
    "/people/{pid}/peer-map/",
    "/people/{pid}/profile/",
    "/people/{pid}/moves/",
    "/linked/?person={pid}",
)


@pytest.mark.parametrize("page", RECORD_PAGES)
def test_the_record_s_other_pages_are_not_found_through_a_share(world: World, page: str) -> None:
    associate(world, world.csc_child, world.team_child)
    _shared(world)
    client = client_for(world.police_analyst)
    pid = world.csc_child.pk
    assert client.get(f"/people/{pid}/").status_code == 200  # the share itself
    assert client.get(page.format(pid=pid)).status_code == 404
    # In their own right, the holder still has the page.
    assert client_for(world.social_worker).get(page.format(pid=pid)).status_code == 200


def test_the_lookup_of_a_record_is_own_right_unless_asked_for_the_share(world: World) -> None:
    _shared(world)
    with pytest.raises(Http404):
        lookups.access_person(world.police_analyst, world.csc_child.pk)
    shared = lookups.access_person(world.police_analyst, world.csc_child.pk, shared=True)
    assert shared == world.csc_child


def test_a_place_does_not_name_a_child_seen_only_through_a_share(world: World) -> None:
    # csc_child was in an incident at the park that only children's social care holds.
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    _shared(world)
    page = client_for(world.police_analyst).get(f"/contexts/{world.park.pk}/")
    assert page.status_code == 200
    assert "Cscchild" not in page.content.decode()


def test_naming_a_shared_child_in_an_incident_is_refused(world: World) -> None:
    # A police incident would give the police sight of the child in their own right,
    # with every field of their row: the share (name, age, status) would become lasting.
    _shared(world)
    with pytest.raises(NotPermitted):
        make_incident(
            world.police_analyst,
            context=world.park,
            involvements=[(world.csc_child, InvolvementRole.HARMED)],
        )


def test_putting_a_shared_child_on_a_roll_is_refused(world: World) -> None:
    _shared(world)
    with pytest.raises(NotPermitted):
        enrolment_create(
            actor=world.school_dsl, person=world.csc_child, school=world.school, start=START
        )


def test_a_shared_child_s_relationships_are_not_recorded_through_the_share(world: World) -> None:
    _shared(world)
    with pytest.raises(NotPermitted):
        associate(world, world.csc_child, world.pupil, actor=world.school_dsl)


def _shared_by_name_only(world: World) -> str:
    """csc_child brought to the meeting by name alone; returns the child's UPN (not shared)."""
    upn = valid_upn()
    person_update(actor=world.social_worker, person=world.csc_child, upn=upn)
    meeting = propose(world, agreed=False, invitees=[world.school_dsl])
    agree(meeting, world.social_worker, world.csc_child, shared_fields=[PersonField.NAME])
    agree(meeting, world.yjs_worker, world.yjs_child)
    hold(world, schedule(world, meeting))
    return upn


def test_the_people_list_filters_only_on_what_a_share_carried(world: World) -> None:
    # The school DSL's role sees UPNs, ages and open statuses; the share carried the name only.
    # Filtering on a field would tell the field all the same: the child must not answer.
    upn = _shared_by_name_only(world)
    client = client_for(world.school_dsl)
    assert "Cscchild" in client.get("/people/").content.decode()  # the share holds
    age = world.csc_child.age_on(today())
    for query in (
        {"q": upn},
        {"status": LegalStatus.CHILD_IN_NEED},
        {"age_from": age, "age_to": age},
    ):
        page = client.get("/people/", query)
        assert page.status_code == 200
        assert "Cscchild" not in page.content.decode(), query
    # What the share did carry still finds the child.
    assert "Cscchild" in client.get("/people/", {"q": "Ciara"}).content.decode()


def test_another_group_s_page_does_not_name_a_child_seen_only_through_a_share(
    world: World,
) -> None:
    # Both children are also in a second group, which yjs_worker sees through his own child.
    other = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Downs Park group")
    for member in (world.csc_child, world.yjs_child):
        make_membership(world.system, person=member, group=other)
    hold(world, schedule(world, propose(world)))
    client = client_for(world.yjs_worker)
    assert "Cscchild" in client.get(f"/people/{world.csc_child.pk}/").content.decode()
    page = client.get(f"/groups/{other.pk}/")
    assert page.status_code == 200
    assert "Cscchild" not in page.content.decode()


def test_a_peer_map_does_not_step_through_a_child_seen_only_through_a_share(
    world: World,
) -> None:
    # On yjs_worker's own child's map, csc_child (shared) is a peer; csc_child's own
    # relationships (to team_child) are her record, which the share did not bring.
    associate(world, world.yjs_child, world.csc_child)
    associate(world, world.csc_child, world.team_child)
    hold(world, schedule(world, propose(world)))
    pmap = peer_map(
        viewer=world.yjs_worker, person=world.yjs_child, as_at=today(), natures=Nature.values
    )
    keys = {n.key for n in pmap.nodes}
    assert f"p{world.csc_child.pk}" in keys
    assert f"p{world.team_child.pk}" not in keys
    # Seen in one's own right, the map steps through her as before.
    mine = peer_map(
        viewer=world.admin, person=world.yjs_child, as_at=today(), natures=Nature.values
    )
    assert f"p{world.team_child.pk}" in {n.key for n in mine.nodes}


def test_an_incident_names_only_people_seen_in_one_s_own_right(world: World) -> None:
    # yjs_worker sees the incident through his own child; that csc_child was the one harming
    # is her record, which the share (name, age, status) did not bring.
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[
            (world.yjs_child, InvolvementRole.HARMED),
            (world.csc_child, InvolvementRole.HARMING),
        ],
    )
    hold(world, schedule(world, propose(world)))
    client = client_for(world.yjs_worker)
    for url in (f"/incidents/{incident.pk}/", "/incidents/"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Yjschild" in page.content.decode()
        assert "Cscchild" not in page.content.decode(), url


def test_a_shared_child_s_links_do_not_bring_others_to_a_meeting(world: World) -> None:
    # team_child is linked to csc_child (an association), whom yjs_worker sees only through
    # a share: her relationships are not his evidence, nor a way to learn who holds team_child.
    associate(world, world.csc_child, world.team_child)
    hold(world, schedule(world, propose(world)))
    assert linked_child_ids(world.yjs_worker, [world.team_child.pk]) == set()
    assert world.team_child.pk not in linked_together(
        world.yjs_worker, [world.csc_child.pk, world.team_child.pk]
    )
    # Her holder's evidence links them, as before.
    assert linked_child_ids(world.social_worker, [world.team_child.pk]) == {world.team_child.pk}


def test_the_borough_s_clusters_do_not_name_a_child_seen_only_through_a_share(
    world: World,
) -> None:
    # Which children a child is linked with comes from her record: a shared child is a
    # member like any other the analyst may not see (held by, never named).
    associate(world, world.csc_child, world.team_child)
    associate(world, world.csc_child, world.other_child)
    meeting = propose(world, invitees=[world.police_analyst])
    hold(world, schedule(world, meeting))
    page = client_for(world.police_analyst).get("/linked/borough/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Test teammate" in html  # the cluster is shown, by who holds its children
    assert "Cscchild" not in html
