"""A purge blanks what the trail said about the people it removed, and nothing else."""

from __future__ import annotations

import pytest
from django.db import transaction

from locus.audit.models import AccessEvent, ChangeEvent
from locus.audit.services import record_access, redact_about
from locus.people.services import person_update
from tests.factories import World, last_change


def test_redaction_blanks_content_about_the_person_and_keeps_the_event(world: World) -> None:
    child, other = world.csc_child, world.yjs_child
    person_update(actor=world.social_worker, person=child, known_as="Blue")
    record_access(actor=world.social_worker, obj=child, purpose="visit planning")
    record_access(actor=world.social_worker, obj=other, purpose="kept")
    about_child = ChangeEvent.objects.filter(people__contains=f",{child.pk},").count()
    with transaction.atomic():
        blanked = redact_about([child.pk])
    assert blanked >= about_child + 1
    change = last_change(child)
    assert (change.before, change.after, change.redacted_at is not None) == ({}, {}, True)
    assert (change.actor_id, change.record_id) == (world.social_worker.pk, str(child.pk))
    read = AccessEvent.objects.filter(record_id=str(child.pk)).latest("id")
    assert (read.purpose, read.detail, read.redacted_at is not None) == ("", {}, True)
    kept = AccessEvent.objects.filter(record_id=str(other.pk)).latest("id")
    assert (kept.purpose, kept.redacted_at) == ("kept", None)
    with transaction.atomic():
        assert redact_about([child.pk]) == 0  # a rerun finds nothing left to do


@pytest.mark.django_db(transaction=True)
def test_redaction_refuses_to_run_outside_a_transaction(world: World) -> None:
    with pytest.raises(RuntimeError, match="inside the purge's transaction"):
        redact_about([world.csc_child.pk])
