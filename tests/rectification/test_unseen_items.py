"""A dispute is shown, flagged and decided only by a viewer who may see the item it is about.

Its item and the person's words tell what the item holds: a dispute about a restricted police
incident names the incident's date and the child's part in it, so a social worker who sees the
child but not the incident must not read it, nor be told that there is one (not even as "a
dispute you cannot see": that would say restricted intelligence exists). The same for a detail
of the record their role does not see, and for what a meeting's share did not carry. A
manager who may not see the item cannot judge it, so does not decide it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import policies, scopes
from locus.access.models import Role, Scope, Worker
from locus.audit.models import AccessEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.rectification.models import About, Dispute, Outcome
from locus.rectification.services import dispute_decide
from tests.api.conftest import api_as
from tests.factories import (
    World,
    client_for,
    make_association,
    make_incident,
    make_worker,
    nothing_written,
)
from tests.mapping.helpers import hold, propose, schedule
from tests.notes.helpers import write
from tests.rectification.test_disputes import record

pytestmark = pytest.mark.django_db

SECRET = "Operation Nightjar informant says I was never in the car"
TAG = "Accuracy disputed"


def police(world: World, role: str = Role.PRACTITIONER) -> Worker:
    """A police worker who sees what their agency holds (its incidents, and the children in
    them)."""
    return make_worker(world.system, team=world.police_team, role=role, scope=Scope.AGENCY)


def restricted_dispute(world: World, officer: Worker) -> Dispute:
    """A police officer records csc_child's dispute of their part in a RESTRICTED police
    incident, which children's social care may not see."""
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        kind=IncidentKind.PEER_PHYSICAL,
        involvements=[
            (world.police_child, InvolvementRole.HARMED),
            (world.csc_child, InvolvementRole.HARMING),
        ],
        restricted=True,
    )
    # The premise: the social worker sees the child but not the restricted incident.
    assert policies.can_view_person(world.social_worker, world.csc_child)
    assert not scopes.incidents_visible_to(world.social_worker).filter(pk=incident.pk).exists()
    return record(
        world,
        actor=officer,
        about=About.INVOLVEMENT,
        item=incident.involvements.get(person=world.csc_child),
        account=SECRET,
    )


def accuracy(viewer: Worker, world: World) -> str:
    response = client_for(viewer).get(reverse("accuracy", args=[world.csc_child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def person_page(viewer: Worker, world: World) -> str:
    response = client_for(viewer).get(reverse("person", args=[world.csc_child.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- A restricted police incident -------------------------------------------------------------


def test_the_social_worker_is_not_told_of_a_dispute_about_a_restricted_incident(
    world: World,
) -> None:
    restricted_dispute(world, police(world))
    html = accuracy(world.social_worker, world)
    assert "as harming" not in html, "the restricted incident's existence and role are told"
    assert SECRET not in html, "the account about restricted intelligence is shown"
    # Nor counted: "one you cannot see" would say there is restricted intelligence.
    assert "No disputes recorded." in html
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.detail["disputes_shown"] == []
    # No banner on the child's page, no flag in the API: both would tell the same.
    assert TAG not in person_page(world.social_worker, world)
    api = api_as(world.social_worker)
    assert api.ok(f"/people/{world.csc_child.pk}")["accuracy_disputed"] is False
    rows = {r["id"]: r["accuracy_disputed"] for r in api.ok("/people", limit=100)["results"]}
    assert rows[world.csc_child.pk] is False


def test_a_manager_who_cannot_see_the_disputed_incident_may_not_decide_it(world: World) -> None:
    """The social worker's team manager sees the child but not the restricted incident: they
    cannot judge whether the police record of it is accurate (a "not corrected" would keep
    the flag and the decision for good)."""
    dispute = restricted_dispute(world, police(world))
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=world.team_manager,
            dispute=dispute,
            outcome=Outcome.NOT_CORRECTED,
            reason="Police records are accurate",
        )
    url = reverse("dispute-decide", args=[world.csc_child.pk, dispute.pk])
    assert client_for(world.team_manager).get(url).status_code == 404
    dispute.refresh_from_db()
    assert dispute.outcome == Outcome.OPEN


def test_nobody_records_a_dispute_of_an_item_they_may_not_see(world: World) -> None:
    """The form offers only what the recorder sees; the service refuses the rest too (the
    dispute would be hidden from its own recorder at once)."""
    officer = police(world)
    involvement = restricted_dispute(world, officer).involvement
    with nothing_written(Dispute), pytest.raises(ValidationFailed) as refused:
        record(world, about=About.INVOLVEMENT, item=involvement)
    assert "about" in refused.value.errors
    with nothing_written(Dispute), pytest.raises(ValidationFailed):
        record(world, actor=officer, about=About.FIELD, item="nhs_number")


def test_the_police_who_hold_the_incident_read_the_dispute_and_their_manager_decides_it(
    world: World,
) -> None:
    officer, manager = police(world), police(world, Role.MANAGER)
    dispute = restricted_dispute(world, officer)
    html = accuracy(officer, world)
    assert "as harming" in html and SECRET in html
    assert TAG in person_page(officer, world)
    assert api_as(officer).ok(f"/people/{world.csc_child.pk}")["accuracy_disputed"] is True
    decide = reverse("dispute-decide", args=[world.csc_child.pk, dispute.pk])
    assert decide in accuracy(manager, world)
    response = client_for(manager).post(
        decide, {"outcome": Outcome.NOT_CORRECTED, "reason": "Two officers saw the car."}
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.outcome == Outcome.NOT_CORRECTED and dispute.decided_by == manager


def test_a_dispute_about_an_incident_the_social_worker_sees_is_still_shown(world: World) -> None:
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    dispute = record(world, about=About.INVOLVEMENT, item=incident.involvements.get())
    html = accuracy(world.team_manager, world)
    assert "as harmed" in html
    assert reverse("dispute-decide", args=[world.csc_child.pk, dispute.pk]) in html
    assert TAG in person_page(world.social_worker, world)


# --- A detail the viewer's role does not see ------------------------------------------------


def test_a_dispute_about_a_detail_the_role_does_not_see_is_not_shown(world: World) -> None:
    """Police see the child (their incident names them) but not the NHS number: the
    dispute of it is the health record's business, not theirs; the date of birth they see."""
    officer = police(world)
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    record(world, about=About.FIELD, item="nhs_number", account="That number is my brother's.")
    assert TAG not in person_page(officer, world)
    html = accuracy(officer, world)
    assert "NHS number" not in html and "my brother" not in html
    record(world, about=About.FIELD, item="date_of_birth", account="My birthday is in May.")
    html = accuracy(officer, world)
    assert "Their date of birth" in html and "My birthday is in May." in html
    assert "my brother" not in html
    assert TAG in person_page(officer, world)
    # The social worker, who sees both details, reads both.
    mine = accuracy(world.social_worker, world)
    assert "my brother" in mine and "My birthday is in May." in mine


# --- A child seen only through a meeting's share --------------------------------------------


def test_a_share_is_flagged_only_for_disputes_about_what_it_shows(world: World) -> None:
    """The police analyst sees csc_child only through a meeting's share (name, age, status):
    not the child's notes, associations or date of birth, so not their disputes either."""
    hold(world, schedule(world, propose(world, invitees=[world.police_analyst])))
    association = make_association(world.system, person=world.csc_child, other=world.team_child)
    record(world, about=About.ASSOCIATION, item=association)
    record(world, about=About.NOTE, item=write(world.social_worker, world.csc_child))
    record(world, about=About.FIELD, item="date_of_birth")
    html = person_page(world.police_analyst, world)
    assert "Shared with you at a peer group mapping meeting" in html
    assert TAG not in html
    # A dispute of what the share carried (the name) is told, as of the whole record.
    record(world, about=About.FIELD, item="name", account="My name is spelt Kiara.")
    assert TAG in person_page(world.police_analyst, world)
