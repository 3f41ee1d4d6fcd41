"""Retention in the demo: a child in care proceedings under a legal hold, and a child whose
record is past its retention date, so that the purge's dry run lists something.

Call :func:`add_demo_retention` after ``generate_borough``. ``team.manager`` places the hold
on the first child of their team (by name) who is looked after or has a child protection
plan (a child in need in a borough with neither); the past child is recorded by the system
account seven years ago and nothing about them is open, so their record fell due last year
(6 years after the last activity). Made through the services; safe to call again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from locus.access.models import Worker
from locus.access.services import system_worker
from locus.common import clock
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person
from locus.people.services import person_create
from locus.retention.models import HeldKind, HoldReason, LegalHold
from locus.retention.services import hold_place

PAST = {"given_name": "Morgan", "family_name": "Oldrecord"}


def _past_child() -> Person:
    found = Person.objects.filter(**PAST).first()
    if found is not None:
        return found
    today = clock.today()
    with clock.frozen_at(today - dt.timedelta(days=7 * 366)):
        return person_create(
            actor=system_worker(),
            given_name=PAST["given_name"],
            family_name=PAST["family_name"],
            date_of_birth=today - dt.timedelta(days=23 * 366),
        )


def _hold() -> LegalHold | None:
    manager = Worker.objects.filter(username="team.manager", is_active=True).first()
    if manager is None or manager.team_id is None:
        return None
    if LegalHold.objects.filter(placed_by=manager, lifted_at__isnull=True).exists():
        return None
    # A looked-after child or one on a child protection plan (where care proceedings are);
    # in a small borough with neither, a child in need.
    child = None
    for statuses in (
        [LegalStatus.LOOKED_AFTER, LegalStatus.CHILD_PROTECTION],
        [LegalStatus.CHILD_IN_NEED],
    ):
        child = (
            Allocation.objects.current()
            .filter(
                LegalStatusEpisode.objects.current_q(through="person__episodes"),
                team_id=manager.team_id,
                person__episodes__status__in=statuses,
            )
            .order_by("person__family_name", "person__given_name", "person_id")
            .values_list("person_id", flat=True)
            .first()
        )
        if child is not None:
            break
    if child is None:
        return None
    return hold_place(
        actor=manager,
        held_kind=HeldKind.PERSON,
        held_id=child,
        reason=HoldReason.CARE_PROCEEDINGS,
        detail="Care proceedings at the family court, ref ZC26C00042 (synthetic).",
        review_on=clock.today() + dt.timedelta(days=90),
    )


@transaction.atomic
def add_demo_retention() -> tuple[Person, LegalHold | None]:
    return _past_child(), _hold()
