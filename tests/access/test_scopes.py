"""How sight changes as the facts change: homes and groups through children,
incidents through people, scopes, ended allocations and enrolments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from locus.access import lookups, policies, scopes
from locus.access.models import Role, Scope
from locus.access.selectors import visible_person_ids
from locus.incidents.models import InvolvementRole
from locus.peers.services import membership_end
from locus.people.services import allocation_create, allocation_end, person_update
from locus.places.models import ContextKind
from locus.places.selectors import contexts_list
from locus.places.services import enrolment_end
from tests.factories import START, World, make_context, make_incident, make_person, make_worker

DAY_AFTER_START = START + dt.timedelta(days=1)


def test_incident_involving_only_invisible_people_is_hidden(world: World) -> None:
    # csc_incident names only other_child, held by another CSC team; CSC reported
    # it, but a team-scoped worker's sight does not extend to the agency's incidents.
    for name in ("social_worker", "team_manager", "yjs_worker", "police_analyst", "school_dsl"):
        worker = world.persona(name)
        assert not scopes.incidents_visible_to(worker).filter(pk=world.csc_incident.pk).exists()
        with pytest.raises(Http404):
            lookups.access_incident(worker, world.csc_incident.pk)
    assert (
        scopes.incidents_visible_to(world.other_social_worker)
        .filter(pk=world.csc_incident.pk)
        .exists()
    )


def test_incident_becomes_visible_when_one_involved_person_is(world: World) -> None:
    assert not policies.can_view_incident(world.social_worker, world.police_incident)
    allocation_create(
        actor=world.admin,
        person=world.police_child,
        worker=world.social_worker,
        start=START,
    )
    assert policies.can_view_incident(world.social_worker, world.police_incident)
    # Seeing the incident does not mean seeing everyone in it.
    assert not policies.can_view_person(world.social_worker, world.adult)


def test_agency_scope_sees_incidents_its_agency_reported(world: World) -> None:
    # An incident the police reported about someone no-one in police holds otherwise.
    stranger = make_person(world.system)
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(stranger, InvolvementRole.HARMED)],
    )
    assert policies.can_view_incident(world.police_analyst, incident)
    assert policies.can_view_person(world.police_analyst, stranger)


def test_home_is_visible_only_through_a_visible_resident(world: World) -> None:
    assert policies.can_view_context(world.social_worker, world.home)
    assert not policies.can_view_context(world.yjs_worker, world.home)

    # yjs_child moves in (recorded by an administrator: the YJS worker could not
    # pick a home they do not see): the youth justice worker now sees it too.
    person_update(actor=world.admin, person=world.yjs_child, home=world.home)
    assert policies.can_view_context(world.yjs_worker, world.home)

    # Both children move out: neither worker sees the home any more.
    person_update(actor=world.social_worker, person=world.csc_child, home=None)
    person_update(actor=world.yjs_worker, person=world.yjs_child, home=None)
    for worker in (world.social_worker, world.yjs_worker):
        assert not policies.can_view_context(worker, world.home)
        with pytest.raises(Http404):
            lookups.access_context(worker, world.home.pk)
    assert policies.can_view_context(world.admin, world.home)


def test_home_is_visible_through_a_visible_incident_there(world: World) -> None:
    """To a role whose row has the home address; to one without (a police analyst), the
    incident shows that it was a home, never which."""
    officer = make_worker(world.system, team=world.police_team, scope=Scope.AGENCY)
    for worker in (officer, world.police_analyst):
        assert not policies.can_view_context(worker, world.home)
    make_incident(
        world.system,
        context=world.home,
        reporting_agency=world.police,
        involvements=[(world.police_child, InvolvementRole.HARMED)],
    )
    assert policies.can_view_context(officer, world.home)
    assert not policies.can_view_context(world.police_analyst, world.home)
    # ...and the resident stays out of sight.
    assert not policies.can_view_person(officer, world.csc_child)


def test_a_role_without_the_home_address_given_scope_all_still_reaches_no_family_s_home(
    world: World,
) -> None:
    """A police analyst an administrator gave sight of everyone (scope all) sees every child,
    but their row of the field table has no home address: a home is an address, so they are
    not given every family's home through its residents (not listed, its page 404), only
    what they could reach at any scope (a home they recorded)."""
    analyst = make_worker(world.system, team=world.police_team, role=Role.ANALYST, scope=Scope.ALL)
    assert policies.can_view_person(analyst, world.csc_child)  # who lives at world.home
    assert not policies.can_view_context(analyst, world.home)
    with pytest.raises(Http404):
        lookups.access_context(analyst, world.home.pk)
    assert world.home not in contexts_list(viewer=analyst, kind=ContextKind.HOME)
    own = make_context(analyst, kind=ContextKind.HOME, name="A home they recorded")
    assert policies.can_view_context(analyst, own)
    # Public places and peer groups (through their members) as before.
    assert policies.can_view_context(analyst, world.park)
    assert policies.can_view_context(analyst, world.group)


def test_group_is_visible_only_through_a_current_visible_member(world: World) -> None:
    membership = world.csc_child.memberships.get(group=world.group)
    membership_end(
        actor=world.social_worker, membership=membership, until=DAY_AFTER_START, reason="Left"
    )
    assert not policies.can_view_context(world.social_worker, world.group)
    with pytest.raises(Http404):
        lookups.access_group(world.social_worker, world.group.pk)
    # yjs_child is still a member, so the youth justice worker still sees the group.
    assert lookups.access_group(world.yjs_worker, world.group.pk) == world.group


def test_group_with_no_members_is_visible_to_its_responsible_agency_only(world: World) -> None:
    group = make_context(world.system, kind=ContextKind.PEER_GROUP, responsible_agency=world.yjs)
    assert policies.can_view_context(world.yjs_worker, group)
    assert policies.can_view_context(world.admin, group)
    for name in ("social_worker", "police_analyst", "school_dsl", "auditor"):
        assert not policies.can_view_context(world.persona(name), group)


def test_access_group_refuses_a_context_that_is_not_a_group(world: World) -> None:
    assert policies.can_view_context(world.admin, world.park)
    with pytest.raises(Http404):
        lookups.access_group(world.admin, world.park.pk)


def test_public_places_are_visible_to_everyone_who_sees_case_records(world: World) -> None:
    park = world.park
    for name in ("social_worker", "yjs_worker", "police_analyst", "school_dsl", "partner_worker"):
        assert policies.can_view_context(world.persona(name), park)
    assert not policies.can_view_context(world.auditor, park)


def test_own_scope_sees_own_caseload_only(world: World) -> None:
    solo = make_worker(world.system, team=world.csc_team_a, scope=Scope.OWN)
    allocation_create(actor=world.team_manager, person=world.team_child, worker=solo, start=START)
    assert set(scopes.people_visible_to(solo)) == {world.team_child}


def test_ended_allocation_ends_sight(world: World) -> None:
    allocation = world.csc_child.allocations.get(worker=world.social_worker)
    allocation_end(
        actor=world.team_manager,
        allocation=allocation,
        end=DAY_AFTER_START,
        reason="The case closed",
    )
    assert not policies.can_view_person(world.social_worker, world.csc_child)
    assert not policies.can_edit_person(world.social_worker, world.csc_child)
    with pytest.raises(Http404):
        lookups.access_person(world.social_worker, world.csc_child.pk)


def test_ended_enrolment_ends_the_schools_sight(world: World) -> None:
    enrolment = world.pupil.enrolments.get(school=world.school)
    enrolment_end(
        actor=world.system, enrolment=enrolment, end=DAY_AFTER_START, leave_reason="moved_away"
    )
    assert not policies.can_view_person(world.school_dsl, world.pupil)


def test_agency_scope_sees_people_its_agency_holds_an_episode_for(world: World) -> None:
    yjs_analyst = make_worker(world.system, team=world.yjs_team, role=Role.ANALYST)
    assert yjs_analyst.scope == Scope.AGENCY
    assert set(scopes.people_visible_to(yjs_analyst)) == {world.yjs_child}


def test_auditor_sees_no_case_records(world: World) -> None:
    auditor = world.auditor
    assert not scopes.people_visible_to(auditor).exists()
    assert not scopes.contexts_visible_to(auditor).exists()
    assert not scopes.incidents_visible_to(auditor).exists()
    assert policies.can_view_audit(auditor)
    assert not policies.can_view_audit(world.social_worker)
    assert not policies.can_view_audit(world.police_analyst)


def test_inactive_worker_sees_nothing(world: World) -> None:
    for name in ("social_worker", "admin"):
        worker = world.persona(name)
        worker.is_active = False  # not saved: the policies read the object they are given
        assert not scopes.people_visible_to(worker).exists()
        assert not scopes.incidents_visible_to(worker).exists()
        assert not scopes.contexts_visible_to(worker).exists()
        assert not policies.is_administrator(worker)


def test_administrator_sees_everything(world: World) -> None:
    assert scopes.people_visible_to(world.admin).count() == 7
    assert scopes.incidents_visible_to(world.admin).count() == 2


@pytest.mark.parametrize("bad_id", ["abc", "", None, "1.5", "1; DROP TABLE", [], -1, 10**12])
def test_lookups_answer_404_to_ids_that_are_not_ids(world: World, bad_id: object) -> None:
    for lookup in (
        lookups.access_person,
        lookups.access_context,
        lookups.access_group,
        lookups.access_incident,
    ):
        with pytest.raises(Http404):
            lookup(world.admin, bad_id)


def test_visible_person_ids_filters_to_what_the_viewer_sees(world: World) -> None:
    ids = [world.csc_child.pk, world.team_child.pk, world.other_child.pk, world.pupil.pk, None]
    assert visible_person_ids(world.social_worker, ids) == {world.csc_child.pk, world.team_child.pk}
    assert visible_person_ids(world.police_analyst, ids) == set()
    assert visible_person_ids(world.social_worker, []) == set()


@pytest.mark.parametrize("kind", ["person", "context", "incident"])
def test_edit_implies_view_for_every_persona_and_record(world: World, kind: str) -> None:
    """``can_edit_*`` adds to sight, never replaces it (policies.py's own rule)."""
    records = {
        "person": (
            [
                world.csc_child,
                world.team_child,
                world.other_child,
                world.yjs_child,
                world.pupil,
                world.police_child,
                world.adult,
            ],
            policies.can_view_person,
            policies.can_edit_person,
        ),
        "context": (
            [world.park, world.school, world.shopping_centre, world.home, world.group],
            policies.can_view_context,
            policies.can_edit_context,
        ),
        "incident": (
            [world.police_incident, world.csc_incident],
            policies.can_view_incident,
            policies.can_edit_incident,
        ),
    }
    objs, can_view, can_edit = records[kind]
    offenders = [
        (worker.username, str(obj))
        for worker in (
            world.social_worker,
            world.teammate,
            world.team_manager,
            world.other_social_worker,
            world.yjs_worker,
            world.police_analyst,
            world.school_dsl,
            world.partner_worker,
            world.auditor,
            world.admin,
        )
        for obj in objs
        if can_edit(worker, obj) and not can_view(worker, obj)
    ]
    assert offenders == []


# --- people are visible to whoever first recorded them (RULES.md) ---------------------------


def test_a_worker_sees_the_people_they_record_even_with_own_scope(world: World) -> None:
    solo = make_worker(world.system, team=world.csc_team_a, scope=Scope.OWN)
    person = make_person(solo)
    assert person.recorded_by == solo
    assert lookups.access_person(solo, person.pk) == person
    # Sight through recording is the recorder's (and, at agency scope, the agency's):
    # a team-scoped teammate sees only what is allocated to the team.
    assert not policies.can_view_person(world.social_worker, person)
    assert not policies.can_edit_person(solo, person)  # seeing is not holding the case


def test_agency_scope_sees_people_its_workers_recorded(world: World) -> None:
    officer = make_worker(world.system, team=world.police_team, scope=Scope.OWN)
    person = make_person(officer)
    assert policies.can_view_person(world.police_analyst, person)
    for name in ("social_worker", "yjs_worker", "school_dsl", "partner_worker", "auditor"):
        assert not policies.can_view_person(world.persona(name), person)
    assert policies.can_view_person(world.admin, person)


def test_people_recorded_by_the_system_account_belong_to_no_agency(world: World) -> None:
    # The world's children were all recorded by the system account (no team).
    assert world.csc_child.recorded_by == world.system
    assert not policies.can_view_person(world.police_analyst, world.csc_child)
