"""Fixtures for the demo generator's tests.

Generating even a small borough takes a moment, so ``borough`` makes one for
the whole of ``tests/demo``, committed to the test database, and removes exactly
the rows it added when the package is done (everything above the id high-water
marks taken before), so tests elsewhere never see it.

It is made with the clock stopped a second before midnight and checked with the
clock stopped a second after it, so that what the tests assert holds whatever
the time they run at: they count ages and dates from ``borough.day``, the day the
borough was made as of, never from the day the check happens to run on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from locus.access.models import Agency, Team, Worker
from locus.audit.models import AccessEvent, ChainHead, ChangeEvent, SignInEvent
from locus.common import clock
from locus.demo.generator import Summary, generate_borough
from locus.incidents.models import Incident, Involvement
from locus.mapping.models import (
    Decision,
    Intervention,
    InterventionUpdate,
    Invitee,
    Meeting,
    MeetingChild,
)
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.places.models import Context, Enrolment

SEED = 11
PEOPLE = 200
PASSWORD = "demo-borough-test-1"

# Children before parents, so that PROTECT foreign keys never block a delete.
MODELS_IN_DELETE_ORDER: list[type[models.Model]] = [
    # Co-case records PROTECT the workers and contexts they name, so they go first.
    InterventionUpdate,
    Intervention,
    Decision,
    Invitee,
    MeetingChild,
    Meeting,
    ChangeEvent,
    AccessEvent,
    SignInEvent,
    Involvement,
    Incident,
    Association,
    GroupMembership,
    Allocation,
    LegalStatusEpisode,
    Enrolment,
    Person,
    Context,
    Worker,
    Team,
    Agency,
]


def high_water() -> dict[type[models.Model], int]:
    marks = {}
    for model in MODELS_IN_DELETE_ORDER:
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        marks[model] = last or 0
    return marks


def delete_above(marks: dict[type[models.Model], int]) -> None:
    for model in MODELS_IN_DELETE_ORDER:
        model._default_manager.filter(pk__gt=marks[model]).delete()


def wipe() -> None:
    """Remove every row the generator writes (inside a test's transaction)."""
    delete_above(dict.fromkeys(MODELS_IN_DELETE_ORDER, 0))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; these tests set a handful of passwords many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def just_before_midnight() -> dt.datetime:
    """A second before midnight (London) at the end of yesterday."""
    yesterday = clock.today() - dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(yesterday, dt.time(23, 59, 59)))


@pytest.fixture(scope="package")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Summary]:
    made = just_before_midnight()
    with django_db_blocker.unblock():
        marks = high_water()
        # The audit trail's chain heads move on with the borough's audit rows: deleting the
        # rows puts the heads back too, or every later test would find its chain broken.
        heads = list(ChainHead.objects.all())
        try:
            with clock.frozen_at(made):
                summary = generate_borough(seed=SEED, people=PEOPLE)
            with clock.frozen_at(made + dt.timedelta(seconds=2)):  # the next day
                yield summary
        finally:
            delete_above(marks)
            ChainHead.objects.all().delete()
            ChainHead.objects.bulk_create(heads)


def person_key(person: Person | None) -> tuple[str, ...]:
    if person is None:
        return ()
    dob = person.date_of_birth.isoformat() if person.date_of_birth else ""
    return (person.kind, person.given_name, person.family_name, dob, person.upn or "")


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def canonical_dump() -> dict[str, list[tuple[Any, ...]]]:
    """The borough as sorted tuples of names, dates and relations: no ids, no clocks."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    dump["agencies"] = sorted(Agency.objects.values_list("name", "kind"))
    dump["teams"] = sorted(Team.objects.values_list("agency__name", "name"))
    dump["workers"] = sorted(
        (w.username, w.first_name, w.last_name, w.role, w.scope, str(w.team or ""), w.job_title)
        for w in Worker.objects.select_related("team__agency")
    )
    dump["contexts"] = sorted(
        (
            c.kind,
            c.name,
            c.description,
            c.address,
            c.postcode,
            c.latitude or 0.0,
            c.longitude or 0.0,
            c.responsible_agency.name if c.responsible_agency else "",
        )
        for c in Context.objects.select_related("responsible_agency")
    )
    dump["people"] = sorted(
        (
            *person_key(p),
            p.sex,
            p.ethnicity,
            p.la_child_id or "",
            p.nhs_number or "",
            p.home.name if p.home else "",
            p.home.postcode if p.home else "",
            _iso(p.retain_until),
        )
        for p in Person.objects.select_related("home")
    )
    dump["enrolments"] = sorted(
        (person_key(e.person), e.school.name, _iso(e.start), _iso(e.end))
        for e in Enrolment.objects.select_related("person", "school")
    )
    dump["episodes"] = sorted(
        (
            person_key(e.person),
            e.status,
            e.cp_category,
            e.lac_legal_status,
            e.agency.name,
            _iso(e.start),
            _iso(e.end),
        )
        for e in LegalStatusEpisode.objects.select_related("person", "agency")
    )
    dump["allocations"] = sorted(
        (person_key(a.person), a.worker.username, a.team.name, _iso(a.start), _iso(a.end))
        for a in Allocation.objects.select_related("person", "worker", "team")
    )
    dump["memberships"] = sorted(
        (
            person_key(m.person),
            m.group.name,
            m.role,
            _iso(m.since),
            _iso(m.until),
            m.source,
            m.confidence,
            m.recorded_by.username,
            _iso(m.recorded_at),
        )
        for m in GroupMembership.objects.select_related("person", "group", "recorded_by")
    )
    dump["associations"] = sorted(
        (
            person_key(a.person),
            person_key(a.other),
            a.other_label,
            a.relationship,
            a.nature,
            a.source,
            a.confidence,
            a.recorded_by.username,
            _iso(a.recorded_at),
            _iso(a.valid_from),
            _iso(a.valid_until),
            tuple(sorted(c.name for c in a.contexts.all())),
        )
        for a in Association.objects.select_related("person", "other", "recorded_by")
        .prefetch_related("contexts")
        .all()
    )
    dump["incidents"] = sorted(
        (
            i.kind,
            _iso(i.occurred_at),
            i.context.name,
            i.summary,
            i.reporting_agency.name,
            i.recorded_by.username,
            _iso(i.recorded_at),
            tuple(sorted((person_key(v.person), v.role) for v in i.involvements.all())),
        )
        for i in Incident.objects.select_related("context", "reporting_agency", "recorded_by")
        .prefetch_related("involvements__person")
        .all()
    )
    return dump
