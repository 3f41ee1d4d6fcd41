"""My work lists the worker's own notifications, newest first, unread ones said in words,
each linking to its record; "Mark all as read" and "Mark as read" are posts; another
worker's notification answers 404; the header's unread count costs no query of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.common.clock import frozen_at, now
from locus.notifications.models import Notification, NotificationKind, NotificationPreference
from locus.notifications.selectors import PER_PAGE
from locus.notifications.services import notify
from tests.conftest import PERSONAS
from tests.factories import World, client_for

MY_WORK = "/my-work/"


def _tell(world: World, recipient: Worker, text: str, url: str = "/contexts/") -> Notification:
    with transaction.atomic():
        made = notify(
            recipient,
            NotificationKind.MEETING_INVITATION,
            actor=world.system,
            about=world.park,
            url=url,
            text=text,
        )
    assert made is not None
    return made


def _queries(client: Any, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_my_work_lists_my_notifications_newest_first_unread_in_words(world: World) -> None:
    moment = now()
    with frozen_at(moment.replace(hour=9)):
        _tell(world, world.social_worker, "You are invited to the MACE panel", "/panels/")
    with frozen_at(moment.replace(hour=10)):
        _tell(world, world.social_worker, "You are invited to a peer group mapping meeting")
    _tell(world, world.teammate, "Not for the social worker")
    html = client_for(world.social_worker).get(MY_WORK).content.decode()
    newer = html.index("Meeting invitation: You are invited to a peer group mapping meeting")
    assert newer < html.index("Meeting invitation: You are invited to the MACE panel")
    assert html.count(">Unread</strong>") == 2
    assert 'href="/panels/"' in html
    assert "Not for the social worker" not in html
    assert "Notifications, 2 unread" in html


def test_mark_all_as_read_empties_the_count(world: World) -> None:
    for n in range(3):
        _tell(world, world.social_worker, f"Invitation {n}")
    theirs = _tell(world, world.teammate, "Theirs")
    client = client_for(world.social_worker)
    assert "Notifications, 3 unread" in client.get(MY_WORK).content.decode()
    response = client.post(reverse("notifications-read-all"), follow=True)
    html = response.content.decode()
    assert "Notifications, 0 unread" in html and ">Unread</strong>" not in html
    assert "3 notifications marked as read" in html
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_one_read_and_another_s_is_not_found(world: World) -> None:
    mine = _tell(world, world.social_worker, "Mine")
    theirs = _tell(world, world.teammate, "Theirs")
    client = client_for(world.social_worker)
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification-read", args=[theirs.pk + 999])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.post(reverse("notification-read", args=[mine.pk])).status_code == 302
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_marking_read_is_a_post_only(world: World) -> None:
    mine = _tell(world, world.social_worker, "Mine")
    client = client_for(world.social_worker)
    assert client.get(reverse("notifications-read-all")).status_code == 405
    assert client.get(reverse("notification-read", args=[mine.pk])).status_code == 405
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_email_choice_is_offered_to_a_worker_with_an_address(world: World) -> None:
    world.social_worker.email = ""  # an account made before every account had an email
    world.social_worker.save()
    client = client_for(world.social_worker)
    assert "Turn emails off" not in client.get(MY_WORK).content.decode()
    world.social_worker.email = "sam@example.org"
    world.social_worker.save()
    assert "Turn emails off" in client.get(MY_WORK).content.decode()
    client.post(reverse("notifications-email"), {"email": "off"})
    assert "Turn emails on" in client.get(MY_WORK).content.decode()


def test_the_header_count_costs_no_query_of_its_own(world: World, settings: Any) -> None:
    client = client_for(world.social_worker)
    page = reverse("people")
    for n in range(4):
        _tell(world, world.social_worker, f"Invitation {n}")
    counted, html = _queries(client, page)
    assert "Notifications, 4 unread" in html
    # The same page without the count: as many queries (it comes with the worker's row).
    engine = settings.TEMPLATES[0]
    processors = engine["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        {
            **engine,
            "OPTIONS": {
                **engine["OPTIONS"],
                "context_processors": [p for p in processors if "notifications" not in p],
            },
        }
    ]
    uncounted, html = _queries(client, page)
    assert "4 unread" not in html
    assert counted == uncounted


def test_my_work_s_notifications_cost_the_same_however_many(world: World) -> None:
    client = client_for(world.social_worker)
    _tell(world, world.social_worker, "First")
    one, _ = _queries(client, MY_WORK)
    for n in range(6):
        _tell(world, world.social_worker, f"More {n}")
    many, html = _queries(client, MY_WORK)
    assert html.count(">Unread</strong>") == 7 and many == one


def test_the_header_sends_those_without_my_work_to_their_notifications_page(
    world: World,
) -> None:
    """An auditor is told of things too (an API token revoked): the count is theirs as well,
    and leads to their notifications page, not to My work (test_without_case_records.py)."""
    html = client_for(world.auditor).get(reverse("dashboard")).content.decode()
    assert 'href="/notifications/#notifications">Notifications, 0 unread</a>' in html
    assert 'href="/my-work/' not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_recipient_marks_a_notification_read(world: World, persona: str) -> None:
    theirs = _tell(world, world.team_manager, "Sign this off")
    worker = world.persona(persona)
    response = client_for(worker).post(reverse("notification-read", args=[theirs.pk]))
    assert response.status_code == (302 if worker == world.team_manager else 404)
    read = Notification.objects.get(pk=theirs.pk).read_at is not None
    assert read == (worker == world.team_manager)


def _read(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(read_at=now())


def test_my_work_lists_only_the_newest_unread_and_links_to_them_all(world: World) -> None:
    """My work keeps the work near the top: the ten newest unread notifications, a line when
    more are unread, and a link to every notification on the notifications page."""
    moment = now()
    told = []
    for n in range(12):
        with frozen_at(moment.replace(hour=8) + dt.timedelta(minutes=n)):
            told.append(_tell(world, world.social_worker, f"Invitation number {n:02d}"))
    _read(told[11])  # the newest, read: not listed
    client = client_for(world.social_worker)
    html = client.get(MY_WORK).content.decode()
    assert html.count(">Unread</strong>") == 10
    assert "Invitation number 11" not in html  # read
    assert "Invitation number 10" in html and "Invitation number 01" in html
    assert "Invitation number 00" not in html  # the eleventh unread: on the page only
    assert "More are unread than shown here." in html
    assert 'href="/notifications/">All your notifications</a>' in html
    _read(told[0])
    html = client.get(MY_WORK).content.decode()
    assert "More are unread than shown here." not in html
    for notification in told:
        _read(notification)
    html = client.get(MY_WORK).content.decode()
    assert "You have no unread notifications." in html and "Invitation number" not in html


def test_the_notifications_page_lists_all_of_mine_a_page_at_a_time(world: World) -> None:
    moment = now()
    told = []
    for n in range(PER_PAGE + 2):
        with frozen_at(moment.replace(hour=7) + dt.timedelta(minutes=n)):
            told.append(_tell(world, world.social_worker, f"Told {n:02d}"))
    _read(told[-1])
    _tell(world, world.teammate, "Not for the social worker")
    client = client_for(world.social_worker)
    first = client.get("/notifications/").content.decode()
    # Newest first, read ones too (with when they were read), thirty to a page.
    assert first.index(f"Told {PER_PAGE + 1}") < first.index(f"Told {PER_PAGE}")
    assert f"Told {PER_PAGE + 1}" in first and ">Unread</strong>" in first
    assert "Told 01" not in first and "Not for the social worker" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "Told 00" in second and "Told 01" in second and f"Told {PER_PAGE + 1}" not in second
    # Each page's read is in the access trail with the ids of the notifications it showed.
    read = AccessEvent.objects.filter(
        actor=world.social_worker, record_type="notifications.notification"
    ).latest("at")
    assert read.detail == {"page": "notifications", "shown": [told[1].pk, told[0].pk]}


def test_a_mark_made_on_the_notifications_page_comes_back_to_it_and_nowhere_else(
    world: World,
) -> None:
    mine = _tell(world, world.social_worker, "Mine")
    other = _tell(world, world.social_worker, "Other")
    client = client_for(world.social_worker)
    to_page = client.post(reverse("notification-read", args=[mine.pk]), {"back": "page"})
    assert to_page["Location"] == "/notifications/#notifications"
    # Anything but the one fixed word goes back where the header leads: never to a given path.
    for back in ("https://example.org/", "//example.org", "/people/", ""):
        response = client.post(reverse("notification-read", args=[other.pk]), {"back": back})
        assert response["Location"] == "/my-work/#notifications"
    response = client.post(reverse("notifications-read-all"), {"back": "page"})
    assert response["Location"] == "/notifications/#notifications"
    response = client.post(reverse("notifications-email"), {"email": "off", "back": "page"})
    assert response["Location"] == "/notifications/#notifications"


def test_marks_and_the_email_choice_need_the_page_s_csrf_token(world: World) -> None:
    """A page elsewhere cannot mark a worker's notifications read (hiding what they were
    told) or turn their emails off by posting from the worker's browser: each post needs
    the form's token, and without it writes nothing."""
    mine = _tell(world, world.social_worker, "Mine")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.social_worker)
    for name, args, data in (
        ("notification-read", [mine.pk], {}),
        ("notifications-read-all", [], {}),
        ("notifications-email", [], {"email": "off"}),
    ):
        assert client.post(reverse(name, args=args), data).status_code == 403
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert not NotificationPreference.objects.filter(worker=world.social_worker).exists()
