"""A write the service refuses draws its page again: the view shows the child it already
read with the worker's sight, and reads nothing for itself, nor does its template (the
service reads its record anew under ``lock``, and what the page loaded with it too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.people.models import LegalStatus
from tests.factories import START, World, client_for
from tests.mapping.helpers import held_meeting
from tests.page_reads import page_reads
from tests.people.episodes import open_plan

pytestmark = pytest.mark.django_db

DAY = (START + dt.timedelta(days=7)).strftime("%d/%m/%Y")


def _refused(client, url: str, posted: dict[str, str], says: str) -> list[str]:  # type: ignore[no-untyped-def]
    with page_reads() as reads:
        response = client.post(url, posted)
    assert response.status_code == 200 and says in response.content.decode()
    return list(reads)


def test_a_refused_end_or_change_of_a_legal_status_is_read_by_no_view(world: World) -> None:
    plan = open_plan(world)
    client = client_for(world.team_manager)
    end = reverse("status-end", args=[world.csc_child.pk, plan.pk])
    posted = {"end": DAY, "reason": "Stepped down"}
    assert client.post(end, posted).status_code == 302
    assert _refused(client, end, posted, "This episode has already ended") == []
    change = reverse("status-change", args=[world.csc_child.pk, plan.pk])
    posted = {"cp_category": "MUL", "start": DAY, "reason": "Conference"}
    assert _refused(client, change, posted, "This episode has already ended") == []
    assert plan.status == LegalStatus.CHILD_PROTECTION


def test_a_refused_leaving_is_read_by_no_view(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    url = reverse("school-roll-leave", args=[world.school.pk, enrolment.pk])
    posted = {"end": START.strftime("%d/%m/%Y"), "leave_reason": "other"}
    assert _refused(client_for(world.school_dsl), url, posted, "Say why the pupil left") == []


def test_a_refused_move_of_a_mapping_meeting_is_read_by_no_view(world: World) -> None:
    meeting = held_meeting(world)
    url = reverse("meeting-schedule", args=[meeting.pk])
    day = (START + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    posted = {"when": day, "time": "10:00", "online": "online"}
    says = "too late to schedule it"
    assert _refused(client_for(world.social_worker), url, posted, says) == []
