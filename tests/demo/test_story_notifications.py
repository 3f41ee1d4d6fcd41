"""The demo's notifications, on a small generated borough: the personas have some to read,
the reminders are sent once however often the demo starts, and no text names a child."""

from __future__ import annotations

import pytest

from locus.audit.models import ChangeAction, ChangeEvent
from locus.casework.reference import ensure_reference_data
from locus.common.clock import now
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.steps.notifications import LEFT_UNREAD, READ_AFTER, add_demo_notifications
from locus.notifications.models import Notification
from locus.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_personas_have_notifications_and_none_names_a_child(borough: Summary) -> None:
    ensure_reference_data()
    add_demo_context_cases()  # its sign-offs and actions tell the personas as they are made
    add_demo_notifications()
    mine = Notification.objects.filter(recipient__username="team.manager")
    assert mine.filter(kind="sign_off_request", read_at__isnull=True).exists()
    sw = Notification.objects.filter(recipient__username="social.worker")
    assert sw.exists() and sw.filter(read_at__isnull=True).count() <= LEFT_UNREAD
    count = Notification.objects.count()
    assert add_demo_notifications() == 0 and Notification.objects.count() == count
    texts = " ".join(Notification.objects.values_list("text", flat=True))
    names = Person.objects.values_list("given_name", "family_name")
    assert not [f"{g} {f}" for g, f in names if f"{g} {f}" in texts]


def test_the_demo_s_old_notifications_are_read_as_a_worker_would_have(borough: Summary) -> None:
    ensure_reference_data()
    add_demo_context_cases()
    add_demo_notifications()
    old = Notification.objects.filter(created_at__lt=now() - READ_AFTER)
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    # The recent ones wait for the personas, so each has something to read.
    recent = Notification.objects.filter(created_at__gte=now() - READ_AFTER)
    assert recent.filter(recipient__username="team.manager", read_at__isnull=True).exists()
    # Each was marked read by its own recipient, in the trail as any mark is.
    marks = ChangeEvent.objects.filter(
        record_type="notifications.notification", action=ChangeAction.UPDATE
    ).values_list("actor_id", "record_id")
    read = Notification.objects.filter(read_at__isnull=False).values_list("recipient_id", "pk")
    assert set(marks) == {(recipient, str(pk)) for recipient, pk in read}
