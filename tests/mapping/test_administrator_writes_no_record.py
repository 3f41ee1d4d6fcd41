"""Writing what a forum said about a child is casework: the IT administrator organises any
mapping meeting (schedules it, invites, cancels and closes it) but names no child in one
(a proposal is its children), records no minutes and adds no decision (RULES.md, forum
share; ``meetings.writes_forum_record``). Its pages offer them none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import meetings as policies
from locus.common.errors import NotPermitted
from locus.mapping.services import decision_add, meeting_invite
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import MEETING_MODELS, hold, propose, schedule

pytestmark = pytest.mark.django_db


def test_the_administrator_proposes_no_meeting(world: World) -> None:
    assert not policies.can_propose_meeting(world.admin)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        propose(world, actor=world.admin, agreed=False)
    client = client_for(world.admin)
    assert client.get(reverse("meeting-propose")).status_code == 404
    assert "Propose a meeting" not in client.get(reverse("meetings")).content.decode()


def test_the_administrator_schedules_and_invites_but_minutes_nothing(world: World) -> None:
    meeting = schedule(world, propose(world), actor=world.admin)
    meeting_invite(actor=world.admin, meeting=meeting, worker=world.school_dsl)
    assert policies.is_organiser(world.admin, meeting)
    assert not policies.can_record_minutes(world.admin, meeting)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        hold(world, meeting, actor=world.admin, confirmed=False)
    client = client_for(world.admin)
    assert (
        "Record minutes" not in client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    )
    assert client.get(reverse("meeting-minutes", args=[meeting.pk])).status_code == 404


def test_the_administrator_adds_no_decision(world: World) -> None:
    meeting = hold(world, schedule(world, propose(world)))
    assert policies.can_read_minutes(world.admin, meeting)  # reported, not changed here
    assert not policies.can_add_decision(world.admin, meeting)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        decision_add(actor=world.admin, meeting=meeting, text="Close the park at night")
    client = client_for(world.admin)
    assert (
        "Add a decision" not in client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    )
    assert client.get(reverse("meeting-decision", args=[meeting.pk])).status_code == 404
