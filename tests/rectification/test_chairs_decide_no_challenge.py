"""An independent reviewing service's manager at agency scope sees children's social care's
children and records a dispute or objection one of them makes (challenge is an independent
reviewer's job), but does not decide it: deciding is the record-owning side's casework. They
are not offered the decision, the service refuses it, and a manager of the child's team
decides as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import rectification as rules
from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.rectification.models import About, Dispute, Objection, Outcome, ReceivedHow
from locus.rectification.services import dispute_decide, dispute_record, objection_record
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db


def chairs_manager(world: World) -> Worker:
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    return make_worker(
        world.system, team=unit, role=Role.MANAGER, scope=Scope.AGENCY, username="qa_mgr"
    )


def record(world: World, actor: Worker) -> tuple[Dispute, Objection]:
    dispute = dispute_record(
        actor=actor,
        person=world.csc_child,
        about=About.RECORD,
        account="That is not me: I was never there.",
        received_how=ReceivedHow.IN_PERSON,
        received_on=today(),
    )
    objection = objection_record(
        actor=actor,
        person=world.csc_child,
        grounds="Stop sharing my record with the school.",
        received_how=ReceivedHow.LETTER,
        received_on=today(),
    )
    return dispute, objection


def test_the_chairs_manager_records_a_dispute_but_does_not_decide_one(world: World) -> None:
    manager = chairs_manager(world)
    assert rules.can_record_challenge(manager, world.csc_child)
    record(world, manager)
    # One the child's social worker recorded, which the chairs' manager did not write.
    dispute, objection = record(world, world.social_worker)
    assert not rules.can_decide_challenge(manager, dispute)
    assert not rules.can_decide_challenge(manager, objection)
    assert rules.decisions_offered(manager, world.csc_child, [dispute]) == (set(), {})
    with pytest.raises(NotPermitted):
        dispute_decide(
            actor=manager, dispute=dispute, outcome=Outcome.NOT_CORRECTED, reason="It stands"
        )
    assert Dispute.objects.get(pk=dispute.pk).outcome == Outcome.OPEN
    # The decide form is refused to them.
    url = reverse("dispute-decide", args=[world.csc_child.pk, dispute.pk])
    assert client_for(manager).get(url).status_code in (403, 404)
    # The child's team's manager decides both.
    assert rules.can_decide_challenge(world.team_manager, dispute)
    assert rules.can_decide_challenge(world.team_manager, Objection.objects.get(pk=objection.pk))
    decided = dispute_decide(
        actor=world.team_manager,
        dispute=dispute,
        outcome=Outcome.NOT_CORRECTED,
        reason="Checked with the police log: the record stands",
    )
    assert decided.outcome == Outcome.NOT_CORRECTED
