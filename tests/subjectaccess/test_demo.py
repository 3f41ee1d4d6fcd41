"""The demo's two requests: one due within the week in admin's My work, one completed."""

from __future__ import annotations

from locus.common import clock
from locus.demo.subjectaccess import add_demo_subject_access
from locus.people.services import allocation_create
from locus.subjectaccess.models import RequestStatus
from tests.factories import START, World, client_for, make_person, make_worker


def test_the_demo_adds_an_open_request_due_soon_and_a_completed_one(world: World) -> None:
    worker = make_worker(world.system, team=world.csc_team_a, username="social.worker")
    for name in ("Ava", "Ben"):
        child = make_person(world.system, given_name=name, family_name="Demochild")
        allocation_create(actor=world.system, person=child, worker=worker, start=START)
    open_one, done = add_demo_subject_access()
    assert open_one.status == RequestStatus.IN_PROGRESS
    assert 0 < (open_one.deadline - clock.today()).days <= 7
    assert done.status == RequestStatus.COMPLETED and done.packages.count() == 1
    assert open_one.reference in client_for(world.admin).get("/my-work/").content.decode()
    assert add_demo_subject_access() == []  # once only
