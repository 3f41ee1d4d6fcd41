"""One attendance choice set for every forum, and the data moved onto it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from locus.casework.models import ConferenceAttendee, ConferenceDecision
from locus.forums.models import Attendance
from locus.mapping.models import Invitee
from locus.panels.models import PanelAttendee
from tests.casework.helpers import assessed_case, conference_of, hold, schedule
from tests.factories import World
from tests.panels.helpers import with_agenda

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [ConferenceAttendee, Invitee, PanelAttendee])
def test_the_three_forums_share_one_attendance_set(model: type) -> None:
    field = model._meta.get_field("attendance")
    assert field.choices == Attendance.choices
    assert field.max_length >= max(len(v) for v in Attendance.values)


def test_the_sets_union_covers_every_forum() -> None:
    assert Attendance.values == ["invited", "attended", "apologies", "absent"]
    assert Attendance.ABSENT.label == "Did not attend"


def _migration(app: str, name: str) -> object:
    return importlib.import_module(f"locus.{app}.migrations.{name}")


def test_a_panel_s_did_not_attend_becomes_the_shared_absent(world: World) -> None:
    meeting = with_agenda(world)
    meeting.attendees.update(attendance="did_not_attend")
    migration = _migration("panels", "0003_forums_names")
    migration.forwards(apps, None)  # type: ignore[attr-defined]
    assert set(meeting.attendees.values_list("attendance", flat=True)) == {"absent"}
    migration.backwards(apps, None)  # type: ignore[attr-defined]
    assert set(meeting.attendees.values_list("attendance", flat=True)) == {"did_not_attend"}


def test_a_conference_s_decisions_take_its_recorder(world: World) -> None:
    conference = hold(world, schedule(world, conference_of(assessed_case(world))))
    decisions = ConferenceDecision.objects.filter(conference=conference)
    assert decisions.exists()
    decisions.update(recorded_by=world.admin, recorded_at=conference.case.opened_at)
    _migration("casework", "0006_conference_decision_recorded").forwards(apps, None)  # type: ignore[attr-defined]
    conference.refresh_from_db()
    assert {(d.recorded_by_id, d.recorded_at) for d in decisions} == {
        (conference.recorded_by_id, conference.recorded_at)
    }
