"""Demo meetings on a generated borough: made through the services, for the demo personas."""

from __future__ import annotations

import pytest

from locus.access import policies
from locus.access.forum import DEFAULT_SHARED_FIELDS, fields_shared_with
from locus.access.models import Worker
from locus.demo.generator import Summary
from locus.demo.mapping import add_demo_meetings
from locus.mapping.models import Attendance, MeetingStatus

pytestmark = pytest.mark.django_db


def test_demo_meetings_tell_the_story_of_a_held_and_an_upcoming_meeting(borough: Summary) -> None:
    meetings = add_demo_meetings()
    assert meetings, "the demo borough has a group shared by social.worker and another worker"
    held = meetings[0]
    held.refresh_from_db()
    assert held.status == MeetingStatus.HELD
    assert held.proposed_by.username == "social.worker"
    assert held.decisions.count() == 3
    assert held.map_snapshot["nodes"]
    interventions = list(held.interventions.all())
    assert any(i.group_id for i in interventions) and any(i.person_id for i in interventions)
    assert {i.status for i in interventions} >= {"planned", "in_progress"}
    police = Worker.objects.get(username="police.analyst")
    assert held.invitees.get(worker=police).attendance == Attendance.APOLOGIES
    attended = list(held.invitees.filter(attendance=Attendance.ATTENDED))
    # Each attendee confirmed their own attendance, and each child's holder agreed to bring them.
    assert attended and all(i.confirmed for i in attended)
    for link in held.children.select_related("person"):
        assert link.agreements.filter(agreed_by=link.holder).exists()
        # So every attendee sees every child the meeting was about: the agreed fields, where
        # they do not see the child in their own right.
        for invitee in attended:
            assert policies.can_view_person(invitee.worker, link.person)
            shared = fields_shared_with(invitee.worker, [link.person_id])
            assert shared in ({}, {link.person_id: DEFAULT_SHARED_FIELDS})
    # The analyst sent apologies: nothing is shared with them.
    assert fields_shared_with(police, held.children.values_list("person_id", flat=True)) == {}
    if len(meetings) > 1:
        upcoming = meetings[1]
        upcoming.refresh_from_db()
        assert upcoming.status == MeetingStatus.SCHEDULED and upcoming.online
    assert add_demo_meetings() == []  # safe to run again
