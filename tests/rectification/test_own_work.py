"""Nobody judges their own record: every worker who wrote the item a dispute says is wrong is
kept from deciding it, not only the one who wrote it first. A manager who added the child to
an incident, rewrote a case note, revised an association or changed a detail of the record
(read from the change trail) is refused, is not offered the decision, and is told why; another
manager who sees the child decides as before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.access import rectification as rules
from locus.access.models import Role, Worker
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from locus.incidents.services import incident_amend, involvement_add
from locus.notes.services import note_correct
from locus.peers.models import Association
from locus.peers.services import association_revise
from locus.people.models import LegalStatus
from locus.people.services import episode_start, person_update
from locus.rectification.models import About, Dispute, Outcome, ReceivedHow
from locus.rectification.services import (
    dispute_decide,
    dispute_record,
    objection_decide,
    objection_record,
)
from tests.factories import World, client_for, make_association, make_incident, make_worker
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db


def dispute(world: World, about: str, item: Any) -> Dispute:
    return dispute_record(
        actor=world.social_worker,
        person=world.csc_child,
        about=about,
        item=item,
        account="That is not me: I was never there.",
        received_how=ReceivedHow.IN_PERSON,
        received_on=today(),
    )


def other_manager(world: World) -> Worker:
    """A manager of the same team who wrote none of it: the one who decides."""
    return make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m2")


def refused_then_decided_by_another(world: World, d: Dispute) -> None:
    """The writer is refused and the dispute stays open; another manager decides it."""
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=world.team_manager,
            dispute=d,
            outcome=Outcome.NOT_CORRECTED,
            reason="The record stands",
        )
    assert Dispute.objects.get(pk=d.pk).outcome == Outcome.OPEN
    decided = dispute_decide(
        actor=other_manager(world),
        dispute=d,
        outcome=Outcome.NOT_CORRECTED,
        reason="Checked with the police log: the record stands",
    )
    assert decided.outcome == Outcome.NOT_CORRECTED


def test_the_manager_who_added_the_child_to_an_incident_does_not_decide(world: World) -> None:
    incident = make_incident(
        world.social_worker,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(world.team_child, InvolvementRole.HARMED)],
    )
    named = involvement_add(
        actor=world.team_manager,
        incident=incident,
        person=world.csc_child,
        role=InvolvementRole.HARMING,
        reason="Named by a witness",
    )
    refused_then_decided_by_another(world, dispute(world, About.INVOLVEMENT, named))


def test_the_manager_who_amended_the_incident_does_not_decide_an_involvement(
    world: World,
) -> None:
    incident = make_incident(
        world.social_worker,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[
            (world.team_child, InvolvementRole.HARMED),
            (world.csc_child, InvolvementRole.HARMING),
        ],
    )
    incident_amend(
        actor=world.team_manager,
        incident=incident,
        reason="The witness statement came in",
        summary="She pushed the younger child to the ground and took his phone.",
    )
    named = incident.involvements.get(person=world.csc_child)
    refused_then_decided_by_another(world, dispute(world, About.INVOLVEMENT, named))


def test_the_manager_who_rewrote_the_note_does_not_decide(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    note_correct(
        actor=world.team_manager,
        note=note,
        reason="Rewritten after supervision",
        text="She said she had stayed at the flat of an adult she met online.",
    )
    refused_then_decided_by_another(world, dispute(world, About.NOTE, note))


def revised_by_the_manager(world: World, association: Association) -> Association:
    """The team manager revises the relationship (a new record, replacing it)."""
    return association_revise(
        actor=world.team_manager,
        association=association,
        changed_on=today(),
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        reason="Police intelligence since",
    )


def test_the_manager_who_revised_the_association_does_not_decide(world: World) -> None:
    first = make_association(world.social_worker, person=world.csc_child, other=world.team_child)
    revised_by_the_manager(world, first)
    # The child disputes the relationship as first recorded: its reviser wrote it too.
    refused_then_decided_by_another(world, dispute(world, About.ASSOCIATION, first))


def test_the_manager_who_changed_a_detail_does_not_decide_its_dispute(world: World) -> None:
    person_update(
        actor=world.team_manager, person=world.csc_child, date_of_birth=dt.date(2010, 5, 1)
    )
    d = dispute(world, About.FIELD, "date_of_birth")
    # The trail says who wrote which detail: another detail's dispute is theirs to decide.
    ethnicity = dispute(world, About.FIELD, "ethnicity")
    assert rules.can_decide_challenge(world.team_manager, ethnicity)
    refused_then_decided_by_another(world, d)


def test_the_manager_who_started_a_status_does_not_decide_its_dispute(world: World) -> None:
    episode_start(
        actor=world.team_manager,
        person=world.csc_child,
        status=LegalStatus.CHILD_PROTECTION,
        start=today(),
        agency=world.csc,
        cp_category="NEG",
    )
    assert not rules.can_decide_challenge(
        world.team_manager, dispute(world, About.FIELD, "legal_status_detail")
    )
    # The home address is another detail: nobody here wrote it but the system.
    assert rules.can_decide_challenge(
        world.team_manager, dispute(world, About.FIELD, "home_address")
    )
    refused_then_decided_by_another(world, dispute(world, About.FIELD, "legal_status"))


def test_the_writer_is_not_offered_the_decision_and_is_told_why(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    note_correct(actor=world.team_manager, note=note, reason="Tidied", summary="Home visit")
    d = dispute(world, About.NOTE, note)
    url = reverse("dispute-decide", args=[world.csc_child.pk, d.pk])
    page = client_for(world.team_manager).get(reverse("accuracy", args=[world.csc_child.pk]))
    html = page.content.decode()
    assert url not in html
    assert "You wrote or changed what the person disputes: another manager decides it" in html
    assert client_for(world.team_manager).get(url).status_code == 404
    # Another manager is offered it, with no such words.
    theirs = client_for(other_manager(world)).get(reverse("accuracy", args=[world.csc_child.pk]))
    assert url in theirs.content.decode()
    assert "another manager decides it" not in theirs.content.decode()


def test_a_second_account_of_the_recorder_or_the_writer_does_not_decide(world: World) -> None:
    """People, not accounts (as sign-offs and subject access releases): a manager's old second
    account with the email of the worker who recorded a challenge, or who wrote the item a
    dispute says is wrong, is that worker, and neither decides it nor is offered it. Was: a
    practitioner wrote a note, recorded the child's dispute of it and decided it "not
    corrected" with their manager's account."""
    Worker.objects.filter(pk=world.social_worker.pk).update(email="sam.okafor@example.org")
    second = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="sam2")
    Worker.objects.filter(pk=second.pk).update(email="Sam.Okafor@Example.org")
    second.refresh_from_db()
    note = write(world.social_worker, world.csc_child)
    recorded = dispute(world, About.NOTE, note)
    came = {"person": world.csc_child, "received_how": ReceivedHow.LETTER, "received_on": today()}
    written = dispute_record(
        actor=world.team_manager, about=About.NOTE, item=note, account="Not so.", **came
    )
    objection = objection_record(actor=world.social_worker, grounds="Stop sharing it.", **came)
    decide, why_not = rules.decisions_offered(second, world.csc_child, [recorded, written])
    assert not decide
    assert why_not == {recorded.pk: rules.RECORDED_IT, written.pk: rules.WROTE_IT}
    for d in (recorded, written):
        with pytest.raises(NotPermitted):
            dispute_decide(actor=second, dispute=d, outcome=Outcome.NOT_CORRECTED, reason="Stands")
        assert Dispute.objects.get(pk=d.pk).outcome == Outcome.OPEN
    with pytest.raises(NotPermitted):
        objection_decide(
            actor=second, objection=objection, decision="continues", reason="Compelling grounds"
        )
    # The team's manager, who neither recorded nor wrote it, decides it.
    decided = dispute_decide(
        actor=world.team_manager, dispute=recorded, outcome=Outcome.NOT_CORRECTED, reason="Stands"
    )
    assert decided.decided_by == world.team_manager
