"""The agency that recorded a thing is its controller, so it decides a dispute of its accuracy.

A dispute of an item is decided by a confirmed manager in the agency that recorded the item
(a case note's author's team then, an incident's reporting agency); a dispute of the whole
record by one in the agency that holds the child's case (the teams of their allocations). A
manager of another agency who sees the child and the item is refused, is not offered the
decision, and is told who decides instead."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from locus.access import rectification as rules
from locus.access.models import Role, Scope, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from locus.people.services import allocation_create, person_update
from locus.rectification.models import About, Dispute, Outcome, ReceivedHow
from locus.rectification.services import dispute_decide, dispute_record
from tests.factories import START, World, client_for, make_incident, make_worker, move_worker
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db


def harmed_in(world: World, person: Any, agency: Any) -> Any:
    """``person``'s part in an incident ``agency`` reported."""
    harmed = [(person, InvolvementRole.HARMED)]
    made = make_incident(
        world.system, context=world.park, reporting_agency=agency, involvements=harmed
    )
    return made.involvements.get()


def raised(world: World, person: Any, about: str, item: Any = None, by: Any = None) -> Dispute:
    return dispute_record(
        actor=by or world.social_worker,
        person=person,
        about=about,
        item=item,
        account="That is not what happened: I was at my nan's that night.",
        received_how=ReceivedHow.LETTER,
        received_on=today(),
    )


def manager(world: World, team: Any, username: str, scope: str | None = None) -> Worker:
    return make_worker(world.system, team=team, role=Role.MANAGER, scope=scope, username=username)


def refused(worker: Worker, d: Dispute, why: str) -> None:
    """Not offered, told why, and refused by the service: the dispute stays open."""
    assert rules.decision_offered(worker, d) == (False, why)
    with pytest.raises(NotPermitted):
        dispute_decide(actor=worker, dispute=d, outcome=Outcome.NOT_CORRECTED, reason="It stands")
    assert Dispute.objects.get(pk=d.pk).outcome == Outcome.OPEN


def decides(worker: Worker, d: Dispute) -> None:
    assert rules.decision_offered(worker, d) == (True, "")
    done = dispute_decide(
        actor=worker, dispute=d, outcome=Outcome.CORRECTED, correction="Date put right"
    )
    assert done.outcome == Outcome.CORRECTED and done.decided_by == worker


@pytest.fixture
def shared(world: World) -> World:
    """csc_child is also allocated to the youth justice worker: both agencies hold the case,
    and a manager of each sees the child and their notes."""
    allocation_create(
        actor=world.system, person=world.csc_child, worker=world.yjs_worker, start=START
    )
    world.extra["yjs_manager"] = manager(world, world.yjs_team, "yjs_manager")
    return world


def test_a_note_is_decided_in_the_agency_that_wrote_it(shared: World) -> None:
    note = write(shared.yjs_worker, shared.csc_child)
    d = raised(shared, shared.csc_child, About.NOTE, note)
    refused(shared.team_manager, d, rules.NOT_RECORDING_AGENCY)
    decides(shared.extra["yjs_manager"], d)


def test_an_incident_is_decided_by_its_reporting_agency(shared: World) -> None:
    part = harmed_in(shared, shared.csc_child, shared.police)
    d = raised(shared, shared.csc_child, About.INVOLVEMENT, part)
    refused(shared.team_manager, d, rules.NOT_RECORDING_AGENCY)
    refused(shared.extra["yjs_manager"], d, rules.NOT_RECORDING_AGENCY)
    decides(manager(shared, shared.police_team, "police_manager", Scope.AGENCY), d)


def test_the_whole_record_is_decided_by_the_agency_holding_the_case(world: World) -> None:
    """yjs_child's case is held by youth justice; a children's social care manager who sees
    the child (through an incident their agency reported) does not decide."""
    harmed_in(world, world.yjs_child, world.csc)
    csc_manager = manager(world, world.csc_team_b, "csc_agency_manager", Scope.AGENCY)
    d = raised(world, world.yjs_child, About.RECORD, by=world.yjs_worker)
    refused(csc_manager, d, rules.NOT_HOLDING_AGENCY)
    decides(manager(world, world.yjs_team, "yjs_manager"), d)


def test_the_one_who_raised_a_whole_record_dispute_does_not_decide_it(shared: World) -> None:
    yjs_manager = shared.extra["yjs_manager"]
    d = raised(shared, shared.csc_child, About.RECORD, by=yjs_manager)
    refused(yjs_manager, d, rules.RECORDED_IT)
    decides(shared.team_manager, d)  # both agencies hold the case


def test_the_accuracy_page_tells_another_agencys_manager_who_decides(shared: World) -> None:
    note = write(shared.yjs_worker, shared.csc_child)
    d = raised(shared, shared.csc_child, About.NOTE, note)
    page = client_for(shared.team_manager).get(reverse("accuracy", args=[shared.csc_child.pk]))
    html = page.content.decode()
    assert rules.NOT_RECORDING_AGENCY in html
    assert reverse("dispute-decide", args=[shared.csc_child.pk, d.pk]) not in html
    decide_page = reverse("dispute-decide", args=[shared.csc_child.pk, d.pk])
    assert client_for(shared.team_manager).get(decide_page).status_code in (403, 404)


def test_a_detail_is_decided_in_the_agency_of_whoever_wrote_it(shared: World) -> None:
    person_update(actor=shared.yjs_worker, person=shared.csc_child, known_as="CeeCee")
    d = raised(shared, shared.csc_child, About.FIELD, "name")
    refused(shared.team_manager, d, rules.NOT_RECORDING_AGENCY)
    decides(shared.extra["yjs_manager"], d)


def moved_as_the_admin_site_does(worker: Worker, team: Any, by: Worker) -> None:
    """Move ``worker`` to ``team`` with the change trail's row of their account, as the admin
    site's save writes it."""
    before = {"team_id": worker.team_id}
    move_worker(worker, team)
    with transaction.atomic():
        record_change(
            actor=by, action=ChangeAction.UPDATE, obj=worker, before=before, after=snapshot(worker)
        )


def test_a_detail_is_decided_in_the_agency_its_writer_was_in_when_they_wrote_it(
    shared: World,
) -> None:
    """The youth justice worker wrote the name, then moved to children's social care: youth
    justice recorded it, so youth justice decides, not the agency the writer is in now."""
    person_update(actor=shared.yjs_worker, person=shared.csc_child, known_as="CeeCee")
    moved_as_the_admin_site_does(shared.yjs_worker, shared.csc_team_b, shared.admin)
    d = raised(shared, shared.csc_child, About.FIELD, "name")
    assert rules.decision_offered(shared.extra["yjs_manager"], d) == (True, "")
    refused(shared.team_manager, d, rules.NOT_RECORDING_AGENCY)
    decides(shared.extra["yjs_manager"], d)
