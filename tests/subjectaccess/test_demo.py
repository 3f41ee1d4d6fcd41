"""The demo's two requests: one due within the week in admin's My work, one completed."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django_tasks import default_task_backend

from locus.access.models import Role, Worker
from locus.audit.models import ChainCheck
from locus.common import clock
from locus.common.models import JobState
from locus.demo.chain import add_demo_chain
from locus.demo.subjectaccess import add_demo_subject_access
from locus.demo.tasks import answer_demo_request
from locus.people.services import allocation_create
from locus.subjectaccess.models import RequestStatus
from tests.factories import START, World, client_for, make_person, make_worker

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _two_children(world: World) -> None:
    """Two children of ``social.worker``'s, and the data team's second member (the demo's
    accounts, ``ensure_demo_accounts``, always hold one)."""
    make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="data.officer")
    worker = make_worker(world.system, team=world.csc_team_a, username="social.worker")
    for name in ("Ava", "Ben"):
        child = make_person(world.system, given_name=name, family_name="Demochild")
        allocation_create(actor=world.system, person=child, worker=worker, start=START)


def test_the_demo_adds_an_open_request_due_soon_and_a_completed_one(world: World) -> None:
    _two_children(world)
    open_one, done = add_demo_subject_access()
    assert open_one.status == RequestStatus.IN_PROGRESS
    assert 0 < (open_one.deadline - clock.today()).days <= 7
    assert done.status == RequestStatus.COMPLETED and done.packages.count() == 1
    assert open_one.reference in client_for(world.admin).get("/my-work/").content.decode()
    assert add_demo_subject_access() == []  # once only


def test_the_worker_makes_the_demo_package_and_checks_the_chain_after_the_site_is_up(
    world: World,
) -> None:
    """``locus demo`` serves before the answered request's package (a PDF) and the chain's
    first verification are done: its worker does them, the package on the story's day."""
    _two_children(world)
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()  # type: ignore[attr-defined]
        _, done = add_demo_subject_access()
        add_demo_chain()
        queued = list(default_task_backend.results)  # type: ignore[attr-defined]
    assert [q.task.name for q in queued] == ["answer_demo_request", "verify_chain"]
    package = done.packages.get()
    assert package.state == JobState.QUEUED and done.status == RequestStatus.RECEIVED
    assert ChainCheck.objects.get().finished_at is None  # "is running" on the chain page

    for q in queued:
        q.task.call(*q.args, **q.kwargs)
    done.refresh_from_db()
    package.refresh_from_db()
    sent_on = dt.date.fromisoformat(queued[0].args[1])
    assert package.state == JobState.DONE and package.finished_at.date() == sent_on
    assert done.status == RequestStatus.COMPLETED and done.completed_on == sent_on
    check = ChainCheck.objects.get()
    assert check.ok and check.rows > 0, check.problems
    # A worker that runs the task again (a retry) changes nothing.
    assert answer_demo_request.call(package.pk, sent_on.isoformat()) == JobState.DONE
    assert done.packages.count() == 1


def test_the_demo_s_answered_export_is_released_by_a_second_member_of_the_data_team(
    world: World,
) -> None:
    """The walk-through shows two people at work: ``admin`` made the export and the data
    protection officer, not ``admin``, approved its release."""
    _two_children(world)
    officer = Worker.objects.get(username="data.officer")
    _, done = add_demo_subject_access()
    package = done.packages.get()
    assert package.made_by == world.admin
    assert package.approver == officer and package.released
