"""The demo's leaver: a practitioner in team.manager's team whose account was closed while she
held children, so that her managers have cases to pass on (a notice, and My work's section)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import ChangeEvent
from locus.demo.generator import Summary
from locus.demo.steps.leaver import LEAVER_USERNAME, add_demo_leaver
from locus.notifications.models import Notification, NotificationKind
from locus.people.models import Allocation

pytestmark = pytest.mark.django_db

PASSWORD = "Synthetic-leaver-pass-42"


def test_the_demo_leaver_s_children_wait_for_team_manager_to_pass_on(
    borough: Summary, client: Client
) -> None:
    leaver = add_demo_leaver()
    assert leaver is not None and not leaver.is_active
    manager = Worker.objects.get(username="team.manager")
    assert leaver.team == manager.team
    held = Allocation.objects.current().filter(worker=leaver).select_related("person")
    children = sorted(a.person.full_name for a in held)
    assert 2 <= len(children) <= 3
    # Closed as the admin site closes an account: in the trail, as the administrator's change.
    closed = ChangeEvent.objects.filter(record_type="access.worker", record_id=str(leaver.pk))
    assert closed.filter(actor__username="admin", after__is_active=False).exists()
    for username in ("team.manager", "practice.manager"):
        told = Notification.objects.filter(
            recipient__username=username, kind=NotificationKind.CASES_TO_PASS_ON
        )
        assert told.count() == 1, username
        # Each notice names its team, so it goes once that team's cases are passed on.
        assert told.get().team == manager.team, username
    client.force_login(manager)
    page = client.get(reverse("my-work")).content.decode()
    assert f"Held by someone whose account is closed ({len(children)})" in page
    section = page.split('id="held-by-closed-accounts"', 1)[1]
    for name in children:
        assert name in section
    assert "Erin Holloway" in section
    # Each child's page names her as the holder, whose account is closed.
    first = held.order_by("person__family_name", "person__given_name", "person_id").first()
    assert first is not None
    person_page = client.get(reverse("person", args=[first.person_id]))
    assert person_page.status_code == 200 and "Erin Holloway" in person_page.content.decode()
    assert add_demo_leaver() is None  # safe to run again


def test_the_demo_leaver_cannot_sign_in(borough: Summary) -> None:
    leaver = add_demo_leaver()
    assert leaver is not None
    leaver.set_password(PASSWORD)  # even with a password she knew, the account is closed
    leaver.save(update_fields=["password"])
    assert authenticate(username=LEAVER_USERNAME, password=PASSWORD) is None
