"""The request log's writes: checked, audited, the data team's only."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.access.models import Worker
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.subjectaccess.models import RequestStatus, SubjectAccessRequest
from locus.subjectaccess.package import package_make
from locus.subjectaccess.services import (
    request_close,
    request_extend,
    request_log,
    request_update,
)
from tests.factories import World, changes_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.subjectaccess.conftest import released_export


def _log(world: World, **fields: object) -> SubjectAccessRequest:
    values: dict[str, object] = {
        "actor": world.admin,
        "person": world.csc_child,
        "received_on": clock.today() - dt.timedelta(days=3),
        "requester": "subject",
        "assigned_to": world.admin,
    }
    values.update(fields)
    return request_log(**values)  # type: ignore[arg-type]


def test_logging_sets_the_deadline_a_reference_and_an_audit_row(world: World) -> None:
    made = _log(world, received_on=dt.date(2026, 1, 31))
    assert made.due_on == dt.date(2026, 2, 28)
    assert made.reference == "SAR-2026-0001"
    assert made.person_ref == f"Person {world.csc_child.pk}"
    assert world.csc_child.full_name not in made.person_ref
    assert made.status == RequestStatus.RECEIVED
    (event,) = changes_for(made)
    assert event.actor_id == world.admin.pk
    assert event.people == f",{world.csc_child.pk},"
    assert _log(world, received_on=dt.date(2026, 2, 2)).reference == "SAR-2026-0002"


@pytest.mark.parametrize(
    "persona", ["social_worker", "team_manager", "auditor", "police_analyst", "school_dsl"]
)
def test_nobody_but_the_data_team_logs_a_request(world: World, persona: str) -> None:
    with nothing_written(SubjectAccessRequest), pytest.raises(NotPermitted):
        _log(world, actor=world.persona(persona))


def test_a_request_is_assigned_to_the_data_team_only(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _log(world, assigned_to=world.social_worker)
    assert "assigned_to" in refused.value.errors


def test_bad_input_names_each_field_and_writes_nothing(world: World) -> None:
    with nothing_written(SubjectAccessRequest), pytest.raises(ValidationFailed) as refused:
        _log(
            world,
            person=None,
            received_on=clock.today() + dt.timedelta(days=1),
            requester="parent",
            identity_checked_on=clock.today(),
        )
    assert set(refused.value.errors) >= {
        "person",
        "received_on",
        "requester_detail",
        "identity_check",
    }


def test_a_purge_leaves_the_request_with_its_plain_reference(world: World) -> None:
    made = _log(world)
    person_id = world.csc_child.pk
    world.csc_child.delete()  # as the retention purge would
    made.refresh_from_db()
    assert made.person is None
    assert made.person_ref == f"Person {person_id}"


def test_update_records_the_identity_check_and_starts_the_work(world: World) -> None:
    made = _log(world)
    request_update(
        actor=world.admin,
        request=made,
        assigned_to=world.admin,
        identity_checked_on=clock.today(),
        identity_check="Known to the allocated worker",
        notes="Asked by letter",
        start=True,
    )
    made.refresh_from_db()
    assert made.status == RequestStatus.IN_PROGRESS
    assert made.identity_check == "Known to the allocated worker"
    assert len(changes_for(made)) == 2


def test_an_extension_needs_a_reason_and_comes_within_the_first_month(
    frozen_clock: FrozenClock, world: World
) -> None:
    made = _log(world, received_on=clock.today() - dt.timedelta(days=3))
    with pytest.raises(ValidationFailed) as refused:
        request_extend(actor=world.admin, request=made, months=2, reason="")
    assert "reason" in refused.value.errors
    request_extend(actor=world.admin, request=made, months=1, reason="Records in many places")
    made.refresh_from_db()
    assert made.status == RequestStatus.EXTENDED
    assert made.deadline > made.due_on
    with pytest.raises(ValidationFailed):  # not shorter than it is now
        request_extend(actor=world.admin, request=made, months=1, reason="Again")
    frozen_clock.advance(days=40)
    with pytest.raises(ValidationFailed) as late:
        request_extend(actor=world.admin, request=made, months=2, reason="Later")
    assert "first month" in late.value.errors["months"][0]


def test_completing_needs_the_export_and_a_refusal_needs_its_ground(world: World) -> None:
    made = _log(world)
    with pytest.raises(ValidationFailed) as refused:
        request_close(actor=world.admin, request=made, outcome="completed", on=clock.today())
    assert "Make the export" in refused.value.errors["outcome"][0]
    with pytest.raises(ValidationFailed) as refused:
        request_close(actor=world.admin, request=made, outcome="refused", on=clock.today())
    assert {"refusal_ground", "note"} <= set(refused.value.errors)
    request_close(
        actor=world.admin,
        request=made,
        outcome="refused",
        on=clock.today(),
        refusal_ground="excessive",
        note="The fifth identical request this month",
    )
    made.refresh_from_db()
    assert (made.status, made.refusal_ground) == ("refused", "excessive")
    with pytest.raises(ValidationFailed):  # closed: no more steps
        request_extend(actor=world.admin, request=made, months=1, reason="x")


def test_a_request_completes_once_its_export_is_made(world: World) -> None:
    made = _log(world)
    released_export(world, made)
    request_close(actor=world.admin, request=made, outcome="completed", on=clock.today())
    made.refresh_from_db()
    assert made.status == RequestStatus.COMPLETED
    assert made.completed_on == clock.today()


def test_only_the_data_team_makes_an_export(world: World) -> None:
    made = _log(world)
    worker: Worker = world.social_worker
    with pytest.raises(NotPermitted):
        package_make(actor=worker, request=made)
