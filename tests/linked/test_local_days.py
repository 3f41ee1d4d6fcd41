"""On SQLite the evidence loader works out an incident's local day itself (rather than
a Python call per row): the same as Django's ``TruncDate`` across clock changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q
from django.db.models.functions import TruncDate

from locus.incidents.models import Incident
from locus.linked.evidence import _incident_rows
from tests.factories import World, make_incident

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TIMES = [
    dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON),  # 23:30 UTC the day before
    dt.datetime(2026, 1, 15, 23, 30, tzinfo=LONDON),  # GMT: the same day in UTC
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=LONDON),  # the minute before the clocks go forward
    dt.datetime(2026, 3, 29, 2, 0, tzinfo=LONDON),  # the first hour of summer time
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1),  # the repeated hour, the second time
]


def test_incident_days_and_hours_are_local_across_clock_changes(world: World) -> None:
    made = [
        make_incident(
            world.system,
            context=world.park,
            involvements=[(world.csc_child, "harmed")],
            reporting_agency=world.police,
            occurred_at=when,
        )
        for when in TIMES
    ]
    rows = {
        row[0]: row
        for row in _incident_rows(Incident.objects.filter(Q(id__in=[i.pk for i in made])))
    }
    truth = dict(
        Incident.objects.filter(id__in=rows)
        .annotate(day=TruncDate("occurred_at"))
        .values_list("id", "day")
    )
    for incident, when in zip(made, TIMES, strict=True):
        assert rows[incident.pk][2] == when.date() == truth[incident.pk]
