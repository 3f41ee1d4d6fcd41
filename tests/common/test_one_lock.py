"""One way for a service to hold a row it already has in hand: ``common.services.lock``.
A hand-written ``refresh_from_db`` under ``select_for_update`` elsewhere is a second copy
of it, which would drift from the first (which fields it reads afresh, what it returns)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import locus
from locus.common.services import lock
from locus.places.models import Enrolment
from tests.factories import World

SRC = Path(locus.__file__).resolve().parent
HOME = SRC / "common" / "services.py"
# A refresh of the caller's instance read under a row lock, spelled out.
HAND_WRITTEN = re.compile(r"refresh_from_db\([^)]*select_for_update", re.S)


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts and p != HOME]


def test_no_service_holds_a_row_in_hand_but_through_lock() -> None:
    found = [str(p.relative_to(SRC)) for p in _sources() if HAND_WRITTEN.search(p.read_text())]
    assert found == []


def test_no_service_writes_a_lock_helper_of_its_own() -> None:
    found = [str(p.relative_to(SRC)) for p in _sources() if "def _lock(" in p.read_text()]
    assert found == []


@pytest.mark.django_db
def test_lock_reads_afresh_what_came_with_the_record_in_the_same_read(world: World) -> None:
    enrolment = Enrolment.objects.select_related("school__responsible_agency", "person").get(
        pk=world.pupil.enrolments.get().pk
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(leave_reason="moved")
    with CaptureQueriesContext(connection) as read, transaction.atomic():
        assert lock(enrolment) is enrolment
        shown = (enrolment.leave_reason, enrolment.school.responsible_agency, enrolment.person.pk)
    assert shown == ("moved", world.school.responsible_agency, world.pupil.pk)
    selects = [q["sql"] for q in read.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1  # the record and what came with it: nothing loaded after


@pytest.mark.django_db
def test_lock_of_some_fields_reads_only_those(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    Enrolment.objects.filter(pk=enrolment.pk).update(leave_reason="moved")
    with transaction.atomic():
        lock(enrolment, fields=["leave_reason"])
    assert enrolment.leave_reason == "moved"
