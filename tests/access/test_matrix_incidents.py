"""Who may record, restrict and amend an incident, and who sees a restricted one.

Recording: whoever works cases or analyses them (a school's DSL and a partner's staff
included: many incidents are first known there), never an auditor. Restricting: police only.
Amending: the reporting agency (and an administrator). A restricted incident is seen within
the reporting agency only, however well another worker knows the child in it.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from locus.access import lookups, policies, scopes
from locus.access.models import Role, Scope
from locus.common.errors import NotPermitted
from locus.incidents.models import Incident, IncidentRevision, InvolvementRole
from locus.incidents.services import incident_amend
from locus.people.services import allocation_create
from tests.factories import (
    START,
    World,
    client_for,
    make_incident,
    make_worker,
    nothing_written,
)

RECORDS = {
    "social_worker": True,
    "other_social_worker": True,
    "team_manager": True,
    "yjs_worker": True,
    "police_analyst": True,
    "school_dsl": True,
    "partner_worker": True,
    "admin": True,
    "auditor": False,
}

RESTRICTS = {name: name == "police_analyst" for name in RECORDS}


@pytest.mark.parametrize(("persona", "expected"), RECORDS.items())
def test_who_may_record_an_incident(world: World, persona: str, expected: bool) -> None:
    assert policies.can_record_incident(world.persona(persona)) is expected


@pytest.mark.parametrize(("persona", "expected"), RESTRICTS.items())
def test_only_police_are_offered_the_restricted_flag(
    world: World, persona: str, expected: bool
) -> None:
    assert policies.can_restrict_incident(world.persona(persona)) is expected


def test_an_auditor_records_nothing(world: World) -> None:
    with nothing_written(Incident), pytest.raises(NotPermitted):
        make_incident(
            world.auditor,
            context=world.park,
            involvements=[(world.police_child, InvolvementRole.HARMED)],
        )


@pytest.fixture
def restricted(world: World) -> Incident:
    """Police intelligence about a child whom children's social care also holds."""
    allocation_create(
        actor=world.system, person=world.police_child, worker=world.social_worker, start=START
    )
    return make_incident(
        world.police_analyst,
        kind="cce",
        context=world.park,
        summary="Intelligence: seen carrying for an older group.",
        involvements=[(world.police_child, InvolvementRole.HARMED)],
        restricted=True,
    )


SEES_RESTRICTED = {name: name in ("police_analyst", "admin") for name in RECORDS}


@pytest.mark.parametrize(("persona", "expected"), SEES_RESTRICTED.items())
def test_a_restricted_incident_is_seen_within_the_reporting_agency_only(
    world: World, restricted: Incident, persona: str, expected: bool
) -> None:
    worker = world.persona(persona)
    assert policies.can_view_incident(worker, restricted) is expected
    assert scopes.incidents_visible_to(worker).filter(pk=restricted.pk).exists() is expected
    assert policies.can_edit_incident(worker, restricted) is expected
    if not expected:
        with pytest.raises(Http404):
            lookups.access_incident(worker, restricted.pk)
        with nothing_written(Incident, IncidentRevision), pytest.raises(NotPermitted):
            incident_amend(actor=worker, incident=restricted, reason="x", summary="y")


def test_the_child_s_worker_sees_the_police_incident_but_not_the_restricted_one(
    world: World, restricted: Incident
) -> None:
    """The same child, the same police: only the flag keeps the intelligence back."""
    worker = world.social_worker
    assert policies.can_view_incident(worker, world.police_incident)
    assert not policies.can_view_incident(worker, restricted)
    page = client_for(worker).get(f"/people/{world.police_child.pk}/")
    assert page.status_code == 200
    assert f"/incidents/{world.police_incident.pk}/" in page.content.decode()
    assert f"/incidents/{restricted.pk}/" not in page.content.decode()
    assert client_for(worker).get(f"/incidents/{restricted.pk}/").status_code == 404


def test_a_worker_given_scope_all_still_does_not_see_another_agency_s_restricted_incident(
    world: World, restricted: Incident
) -> None:
    """An administrator may widen a social care manager's sight to everyone (scope all): they
    then see every child, but police intelligence stays with the police (and administrators),
    as RULES.md says; not listed, not opened by id (404)."""
    manager = make_worker(
        world.system, team=world.team_manager.team, role=Role.MANAGER, scope=Scope.ALL
    )
    assert scopes.people_visible_to(manager).filter(pk=world.police_child.pk).exists()
    assert not scopes.incidents_visible_to(manager).filter(pk=restricted.pk).exists()
    assert scopes.incidents_visible_to(manager).filter(pk=world.police_incident.pk).exists()
    assert not policies.can_view_incident(manager, restricted)
    with pytest.raises(Http404):
        lookups.access_incident(manager, restricted.pk)
    assert client_for(manager).get(f"/incidents/{restricted.pk}/").status_code == 404
    # An administrator still sees it, as the police analyst who recorded it does.
    assert scopes.incidents_visible_to(world.admin).filter(pk=restricted.pk).exists()


AMENDS = {
    "police_analyst": True,
    "admin": True,
    "social_worker": False,
    "team_manager": False,
    "yjs_worker": False,
    "school_dsl": False,
    "auditor": False,
}


@pytest.mark.parametrize(("persona", "expected"), AMENDS.items())
def test_who_may_amend_the_police_incident(world: World, persona: str, expected: bool) -> None:
    worker = world.persona(persona)
    incident = world.police_incident
    assert policies.can_edit_incident(worker, incident) is expected
    if expected:
        incident_amend(actor=worker, incident=incident, reason="Corrected", summary="Amended")
        assert IncidentRevision.objects.filter(incident=incident).count() == 1
    else:
        with nothing_written(Incident, IncidentRevision), pytest.raises(NotPermitted):
            incident_amend(actor=worker, incident=incident, reason="Corrected", summary="Amended")


def test_a_school_amends_its_own_incident(world: World) -> None:
    incident = make_incident(
        world.school_dsl,
        kind="bullying",
        context=world.school,
        involvements=[(world.pupil, InvolvementRole.HARMED)],
    )
    assert incident.reporting_agency == world.school_agency
    assert not incident.restricted
    incident_amend(actor=world.school_dsl, incident=incident, reason="Later", kind="hsb")
    assert not policies.can_edit_incident(world.social_worker, incident)
