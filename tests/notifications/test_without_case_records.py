"""Workers without case records are told of things too: the information governance lead
whose API token an administrator revoked, an administrator (the data team) whose legal hold
someone else lifted. They read their notifications and mark them read on a page of their own
(My work, a list of casework, is not theirs), reached from the header's unread count; the
page shows nothing of case records beyond what each notification says.

The tests marked "failed before" failed on the code before: the header showed the count only
to workers with case records, and there was no page but My work to read notifications on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from locus.access.menu import menu_for
from locus.access.models import Role, Worker
from locus.api.models import ApiToken
from locus.api.services import token_revoke_any
from locus.audit.models import AccessEvent
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import notify
from locus.retention import services as retention
from locus.retention.models import HeldKind, LegalHold
from tests.api.conftest import api_as
from tests.casework.helpers import open_case
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db

PAGE = "/notifications/"
REASON = "Token seen in the proxy log on Tuesday"


def _revoked(world: World, worker: Worker) -> Notification:
    api_as(worker)
    token = ApiToken.objects.get(worker=worker)
    token_revoke_any(actor=world.admin, token=token, reason=REASON)
    return Notification.objects.get(recipient=worker)


def _placed_and_lifted(world: World, placer: Worker) -> LegalHold:
    hold = retention.hold_place(
        actor=placer,
        held_kind=HeldKind.PERSON,
        held_id=world.csc_child.pk,
        reason="care",
        detail="Proceedings, ref ZC26C00042",
        review_on=dt.date(2099, 1, 1),
    )
    return _lifted(world, hold)


def _lifted(world: World, hold: LegalHold) -> LegalHold:
    lifter = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="lifter")
    return retention.hold_lift(actor=lifter, hold=hold, reason="Final order made")


def _header(html: str) -> str:
    start = html.index('locus-account__notifications"')
    return html[html.rindex("<a", 0, start) : html.index("</a>", start)]


def _data_team_without_case_records(world: World) -> Worker:
    """An administrator whose scope was set to none: the data team's member, no caseload."""
    return make_worker(
        world.system, team=None, role=Role.ADMINISTRATOR, scope="none", username="data_team"
    )


def test_an_auditor_whose_token_was_revoked_sees_the_count_and_reads_it(world: World) -> None:
    """Failed before: no count in the header, and no page to read it on."""
    told = _revoked(world, world.auditor)
    auditor = client_for(world.auditor)
    header = _header(auditor.get("/").content.decode())
    assert f'href="{PAGE}#notifications"' in header and "Notifications, 1 unread" in header
    html = auditor.get(PAGE).content.decode()
    assert "API token revoked: Your API token" in html
    # Where to read why, not the administrator's words: free text stays out of notifications.
    assert "why is on your API tokens page" in html and REASON not in html
    assert ">Unread</strong>" in html
    assert f'href="{reverse("api-tokens")}"' in html  # where the notification leads
    # The read is in the access trail, with the ids of the notifications it showed.
    read = AccessEvent.objects.filter(actor=world.auditor, record_type="notifications.notification")
    assert read.latest("at").detail == {"page": "notifications", "shown": [told.pk]}
    response = auditor.post(reverse("notification-read", args=[told.pk]))
    assert response.status_code == 302 and response["Location"] == f"{PAGE}#notifications"
    html = auditor.get(PAGE).content.decode()
    assert "Notifications, 0 unread" in html and ">Unread</strong>" not in html


def test_an_administrator_without_case_records_reads_a_hold_lifted_by_another(
    world: World,
) -> None:
    """Failed before: as for the auditor."""
    data_team = make_worker(
        world.system, team=None, role=Role.ADMINISTRATOR, scope="all", username="data_team"
    )
    hold = retention.hold_place(
        actor=data_team,
        held_kind=HeldKind.PERSON,
        held_id=world.csc_child.pk,
        reason="care",
        detail="Proceedings, ref ZC26C00042",
        review_on=dt.date(2099, 1, 1),
    )
    # Their scope is then set to none in the admin site (they keep the data team's work, not
    # the case records), before someone else lifts the hold.
    Worker.objects.filter(pk=data_team.pk).update(scope="none")
    data_team.refresh_from_db()
    assert not menu_for(data_team).case_records
    _lifted(world, hold)
    client = client_for(data_team)
    assert "Notifications, 1 unread" in _header(client.get("/").content.decode())
    html = client.get(PAGE).content.decode()
    assert "Legal hold lifted: A legal hold you placed (care proceedings) was lifted by" in html
    # No longer an administrator, they may not read the hold: the notice leads home instead.
    assert Notification.objects.get(recipient=data_team).url == reverse("dashboard")
    assert client.get(reverse("retention-hold", args=[hold.pk])).status_code == 404
    response = client.post(reverse("notifications-read-all"))
    assert response["Location"] == f"{PAGE}#notifications"
    assert "Notifications, 0 unread" in client.get(PAGE).content.decode()


def test_an_administrator_with_case_records_still_reads_a_lifted_hold_in_my_work(
    world: World,
) -> None:
    _placed_and_lifted(world, world.admin)
    client = client_for(world.admin)
    header = _header(client.get("/").content.decode())
    assert 'href="/my-work/#notifications"' in header and "Notifications, 1 unread" in header
    assert "Legal hold lifted: A legal hold you placed" in client.get("/my-work/").content.decode()
    response = client.post(reverse("notifications-read-all"))
    assert response["Location"] == "/my-work/#notifications"


@pytest.mark.parametrize("role", ["auditor", "data_team"])
def test_the_page_shows_no_case_record_beyond_what_a_notification_says(
    world: World, role: str
) -> None:
    """A notification about a case (told while the worker still worked cases, say) shows
    only its own words; its link goes through the case's own check, which refuses them."""
    worker = world.auditor if role == "auditor" else _data_team_without_case_records(world)
    case = open_case(world)
    case_page = reverse("context-case", args=[case.pk])
    with transaction.atomic():
        notify(
            worker,
            NotificationKind.SIGN_OFF_REQUEST,
            actor=world.system,
            about=case,
            url=case_page,
            text="You are asked to sign off an assessment",
        )
    client = client_for(worker)
    html = client.get(PAGE).content.decode()
    assert "You are asked to sign off an assessment" in html
    child = world.csc_child
    for secret in (child.given_name, child.family_name, case.context.name):
        assert secret not in html
    for case_page_link in ("/people/", "/contexts/", '/context-cases/"', "/my-work/"):
        assert f'href="{case_page_link}' not in html
    assert client.get(case_page).status_code == 404


def test_the_menu_sends_each_role_to_where_it_reads_notifications(world: World) -> None:
    assert menu_for(world.social_worker).notifications == "my-work"
    assert menu_for(world.admin).notifications == "my-work"
    assert menu_for(world.auditor).notifications == "notifications"
    assert menu_for(_data_team_without_case_records(world)).notifications == "notifications"


def test_the_email_to_a_worker_without_case_records_links_to_their_notifications(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Failed before: it linked to My work, which is not theirs."""
    world.auditor.email = "ig.lead@example.org"
    world.auditor.save()
    with django_capture_on_commit_callbacks(execute=True):
        _revoked(world, world.auditor)
    [email] = mail.outbox
    assert f"See it in your notifications: http://127.0.0.1:8000{PAGE}" in email.body
    assert "/my-work/" not in email.body and REASON not in email.body
