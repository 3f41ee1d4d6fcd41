"""The demo's stories are written on the days they happened, through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from locus.access.services import system_worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.casework.models import ContextCase
from locus.common import clock
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary

pytestmark = pytest.mark.django_db


def test_context_cases_are_written_on_their_own_days_not_moved_afterwards(
    borough: Summary,
) -> None:
    cases = add_demo_context_cases()
    centre = ContextCase.objects.get(
        pk=next(c.pk for c in cases if c.context.name == "Kingsgate Shopping Centre")
    )
    referral = centre.referrals.get()
    assert (clock.today() - centre.opened_on).days == 105  # the stage's age, as before
    # The referral's audit row carries the day it was received: the step ran on that day.
    made = ChangeEvent.objects.get(
        record_type="casework.referral", record_id=str(referral.pk), action=ChangeAction.CREATE
    )
    assert timezone.localtime(made.at).date() == referral.received_on == centre.opened_on
    plan = centre.plan
    assert plan.approved_at is not None
    assert (clock.today() - timezone.localtime(plan.approved_at).date()).days == 70
    # Nothing was moved back in time afterwards (which the system account would have done).
    moved = ChangeEvent.objects.filter(
        actor=system_worker(), action=ChangeAction.UPDATE, record_type__startswith="casework."
    )
    assert not moved.exists()
