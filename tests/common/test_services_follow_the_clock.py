"""Services stamp the clock's time, not the wall clock's: a test (or the demo) that sets
"now" gets records, deadlines, audit rows and time windows of that moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.services import worker_set_password
from locus.access.signin import WINDOW, is_locked_out
from locus.audit.models import AccessEvent, ChangeEvent
from locus.audit.services import record_access
from locus.casework import deadlines, services
from locus.common.errors import ValidationFailed
from locus.incidents.models import Incident, IncidentKind, InvolvementRole
from locus.incidents.services import incident_record
from tests.casework.helpers import open_case, planned_case
from tests.factories import World
from tests.frozen_clock import FrozenClock

pytestmark = pytest.mark.django_db

# A Tuesday morning in winter (London is on UTC), well before the tests run.
MOMENT = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)


def record_robbery(world: World, occurred_at: dt.datetime) -> Incident:
    return incident_record(
        actor=world.police_analyst,
        kind=IncidentKind.ROBBERY,
        occurred_at=occurred_at,
        context=world.park,
        summary="Phone taken by two older boys.",
        involvements=[(world.police_child, InvolvementRole.HARMED)],
        source="police",
        confidence="high",
    )


def test_an_incident_and_its_audit_row_carry_the_clocks_time(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(MOMENT)
    incident = record_robbery(world, MOMENT - dt.timedelta(hours=2))
    assert incident.recorded_at == MOMENT
    audited = ChangeEvent.objects.get(record_type="incidents.incident", record_id=str(incident.pk))
    assert audited.at == MOMENT


def test_the_future_is_judged_by_the_clock(frozen_clock: FrozenClock, world: World) -> None:
    frozen_clock.at(MOMENT)
    # The next day is long past on the wall clock, but after the clock's "now".
    with pytest.raises(ValidationFailed) as refused:
        record_robbery(world, MOMENT + dt.timedelta(days=1))
    assert "occurred_at" in refused.value.errors


def test_a_case_opened_on_the_clocks_day_takes_its_deadline_from_it(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(MOMENT)
    case = open_case(world)
    assert (case.opened_on, case.opened_at) == (MOMENT.date(), MOMENT)
    assert case.assessment.due_on == deadlines.add_working_days(
        MOMENT.date(), deadlines.ASSESSMENT_WORKING_DAYS
    )


def test_an_action_update_is_stamped_with_the_clocks_time(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(MOMENT)
    action = planned_case(world).plan.actions.get()
    later = frozen_clock.advance(days=3, hours=2)
    services.action_update(
        actor=world.social_worker, action=action, status="in_progress", note="Patrols started"
    )
    action.refresh_from_db()
    assert action.updated_at == later
    assert [u.at for u in action.updates.all()] == [later, MOMENT]


def test_a_read_is_audited_at_the_clocks_time(frozen_clock: FrozenClock, world: World) -> None:
    frozen_clock.at(MOMENT)
    event = record_access(actor=world.social_worker, obj=world.park)
    assert AccessEvent.objects.get(pk=event.pk).at == MOMENT


def test_the_sign_in_lockout_window_runs_on_the_clock(
    frozen_clock: FrozenClock, world: World
) -> None:
    password = "lantern-orchard-41-ribbon"
    worker_set_password(actor=world.system, worker=world.social_worker, password=password)
    name = world.social_worker.username
    frozen_clock.at(MOMENT)
    client = Client(REMOTE_ADDR="127.0.0.9")
    for _ in range(5):
        client.post(reverse("login"), {"username": name, "password": "wrong-password"})
    assert is_locked_out(name, "127.0.0.9")
    frozen_clock.at(MOMENT + WINDOW - dt.timedelta(seconds=1))
    assert is_locked_out(name, "127.0.0.9")
    frozen_clock.at(MOMENT + WINDOW + dt.timedelta(seconds=1))
    assert not is_locked_out(name, "127.0.0.9")
