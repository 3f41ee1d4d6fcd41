"""A closed context case is history: its assessment and conference take no more work.

A case may be closed at the assessment or conference stage (no further action, stepped
down). Before, the assessment's services and the conference's asked only their own
record's status, so a closed case's assessment could still be started, written, evidenced
and sent to a manager for sign-off (a new request in their My work), and its conference
scheduled (the chair invited) and recorded, after the case closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.casework import services
from locus.casework.models import ContextCase, SignOffRequest
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.notifications.models import Notification
from locus.sharing.vocab import SAFEGUARDING
from tests.casework.helpers import (
    CASEWORK_MODELS,
    assessed_case,
    attendees,
    conference_of,
    fill,
    open_case,
    refreshed,
    request_closure,
    schedule,
)
from tests.factories import World, nothing_written

pytestmark = pytest.mark.django_db


def _closed(world: World, case: ContextCase, **closure: Any) -> ContextCase:
    request_closure(world, case, **closure)
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    case = refreshed(case)
    assert case.status == "closed"
    return case


def test_a_closed_case_s_assessment_cannot_be_started(world: World) -> None:
    case = _closed(world, open_case(world), no_rating_reason="Closed before any assessment")
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="This case is closed: its assessment cannot"),
    ):
        services.assessment_start(actor=world.social_worker, assessment=case.assessment)


def test_a_closed_case_s_assessment_takes_no_writing_evidence_or_sign_off_request(
    world: World,
) -> None:
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    fill(world, case.assessment)  # written in full: it could have gone for sign-off
    assessment = _closed(world, refreshed(case)).assessment
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        fill(world, assessment, capacity_analysis="Written after the case closed")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        services.evidence_add(
            actor=world.social_worker,
            assessment=assessment,
            domain_key=assessment.findings.first().key,
            text="Seen after closure",
            source="professional",
        )
    with (
        nothing_written(*CASEWORK_MODELS, SignOffRequest, Notification),
        pytest.raises(InvalidTransition, match="closed"),
    ):
        services.assessment_submit(
            actor=world.social_worker, assessment=assessment, manager=world.team_manager
        )


def test_a_closed_case_s_conference_cannot_be_scheduled(world: World) -> None:
    conference = conference_of(_closed(world, assessed_case(world)))  # at the conference stage
    with (
        nothing_written(*CASEWORK_MODELS, Notification),  # the chair is not invited
        pytest.raises(InvalidTransition, match="its conference cannot be scheduled"),
    ):
        services.conference_schedule(
            actor=world.social_worker,
            conference=conference,
            when=clock.now() - dt.timedelta(hours=1),
            location="Room 2",
            chair=world.other_social_worker,
        )


def test_a_closed_case_s_conference_cannot_be_recorded(world: World) -> None:
    case = assessed_case(world)
    schedule(world, conference_of(case))  # set for yesterday: it could be recorded
    conference = conference_of(_closed(world, refreshed(case)))
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="its conference cannot be recorded"),
    ):
        services.conference_record(
            actor=world.social_worker,
            conference=conference,
            attendees=attendees(world),
            minutes="Held after the case closed.",
            plan_agreed=False,
            basis=SAFEGUARDING,
        )
