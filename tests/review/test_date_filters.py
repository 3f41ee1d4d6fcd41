"""Every list filtered by dates answers a last day of 31/12/9999 (a real date the forms
accept), on the page, its downloads and the API, instead of a server error: each used to add a
day to it, past the last date there is. And a day's filter counts the whole of that day, by
local time, on every list alike (one rule, ``common.periods.on_days_q``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from locus.audit.models import AccessEvent
from locus.audit.selectors import AuditFilter
from locus.common.periods import on_days_q
from locus.incidents.models import Incident
from locus.incidents.selectors import incidents_for
from tests.api.conftest import api_as
from tests.factories import World, client_for, make_incident

LAST_DAY = "31/12/9999"


@pytest.mark.parametrize(
    ("persona", "path", "params"),
    [
        ("social_worker", "/incidents/", {"until": LAST_DAY}),
        ("social_worker", "/incidents/", {"since": LAST_DAY, "until": LAST_DAY}),
        ("social_worker", "/sharing/", {"date_to": LAST_DAY}),
        ("social_worker", "/sharing/register.csv", {"date_to": LAST_DAY}),
        ("auditor", "/audit/", {"date_to": LAST_DAY}),
        ("auditor", "/audit/export.csv", {"date_to": LAST_DAY}),
        ("auditor", "/exports/audit/", {"date_to": LAST_DAY}),
    ],
)
def test_a_last_day_of_9999_is_answered_not_a_server_error(
    world: World, persona: str, path: str, params: dict[str, str]
) -> None:
    client = client_for(world.persona(persona))
    client.raise_request_exception = False
    assert client.get(path, params).status_code == 200, path


def test_the_api_incidents_list_answers_until_9999_12_31(world: World) -> None:
    program = api_as(world.social_worker)
    response = program.get("/incidents", until="9999-12-31")
    assert response.status_code == 200


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_a_day_s_filter_counts_the_whole_day_by_local_time(world: World) -> None:
    # A summer day: London is an hour ahead of UTC, so 23:30 UTC is the next local day.
    day = dt.date(2026, 7, 10)

    def incident(when: dt.datetime) -> Incident:
        return make_incident(
            world.social_worker,
            context=world.park,
            involvements=[(world.csc_child, "harmed")],
            occurred_at=when,
        )

    early = incident(_at(day, 0, 5) - dt.timedelta(hours=1))  # 00:05 local
    late = incident(_at(day, 22, 50))  # 23:50 local
    after = incident(_at(day, 23, 30))  # 00:30 local, the next day
    found = set(
        incidents_for(viewer=world.social_worker, since=day, until=day).values_list("pk", flat=True)
    )
    assert {early.pk, late.pk} <= found and after.pk not in found
    assert set(Incident.objects.filter(on_days_q("occurred_at", day, None))) >= {early, after}
    everything = Incident.objects.filter(on_days_q("occurred_at", None, dt.date.max))
    assert everything.count() == Incident.objects.count()


def test_the_audit_trail_s_days_follow_the_same_rule(world: World) -> None:
    client_for(world.social_worker).get("/people/")
    today = timezone.localtime(AccessEvent.objects.latest("at").at).date()
    found = AuditFilter(date_from=today, date_to=today).apply(AccessEvent.objects.all())
    assert found.count() == AccessEvent.objects.filter(on_days_q("at", today, today)).count() > 0


@pytest.mark.parametrize("bad", [dt.datetime(2026, 7, 10, 12), "2026-07-10", 20260710])
def test_on_days_q_refuses_what_is_not_a_day(bad: object) -> None:
    with pytest.raises(TypeError, match="first must be a date"):
        on_days_q("at", bad, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="last must be a date"):
        on_days_q("at", None, bad)  # type: ignore[arg-type]
