"""Workers in the Django admin: changes are audited, passwords never are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from locus.access.models import Role, Scope, Worker
from locus.access.services import (
    EMAIL_HELD,
    EMAIL_NEEDED,
    worker_email_change,
    worker_rename,
    worker_set_password,
)
from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications.models import Notification, NotificationKind, NotificationPreference
from tests.factories import World, changes_for, make_worker, nothing_written

PASSWORD = "admin-set-password-42"


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def _worker_events(world: World) -> list[ChangeEvent]:
    return list(
        ChangeEvent.objects.filter(
            record_type="access.worker", record_id=str(world.social_worker.pk)
        ).order_by("id")
    )


def test_a_password_set_in_the_admin_is_audited_without_the_hash(
    world: World, admin_client: Client
) -> None:
    worker = world.social_worker
    before = len(_worker_events(world))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:3000]
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)  # the admin did change it...
    events = _worker_events(world)
    assert len(events) > before  # ...and the trail must say so
    changed = [event for event in events[before:] if "password" in event.after]
    assert [event.actor for event in changed] == [world.admin]
    for event in events:
        assert worker.password not in str(event.before) + str(event.after)


def test_a_password_disabled_in_the_admin_is_audited(world: World, admin_client: Client) -> None:
    worker = world.social_worker
    worker_set_password(actor=world.admin, worker=worker, password=PASSWORD)
    before = len(changes_for(worker))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.has_usable_password()
    events = changes_for(worker)
    assert len(events) == before + 1
    assert events[-1].actor == world.admin
    assert "argon2" not in str(events[-1].before) + str(events[-1].after)


def test_a_refused_admin_password_submission_leaves_no_audit(
    world: World, admin_client: Client
) -> None:
    worker = world.social_worker
    worker_set_password(actor=world.admin, worker=worker, password=PASSWORD)
    worker.refresh_from_db()
    stored = worker.password
    before = len(changes_for(worker))
    admin_client.post(f"/admin/access/worker/{worker.pk}/password/", {"usable_password": "false"})
    worker.refresh_from_db()
    assert worker.password == stored  # nothing changed...
    assert len(changes_for(worker)) == before  # ...so nothing may be recorded


def test_an_invalid_admin_password_form_leaves_no_audit(world: World, admin_client: Client) -> None:
    worker = world.social_worker
    before = len(changes_for(worker))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"usable_password": "true", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    assert len(changes_for(worker)) == before


def test_an_administrator_does_not_set_their_own_role_scope_team_or_status(
    world: World, admin_client: Client
) -> None:
    """Nobody widens their own sight or takes on duties (a manager signs off casework and
    reviews emergency access): another administrator changes them, under their own name."""
    me = world.admin
    url = f"/admin/access/worker/{me.pk}/change/"
    page = admin_client.get(url).content.decode()
    for field in ("team", "role", "scope", "is_active"):
        assert f'name="{field}"' not in page, field
    form = {
        "username": me.username,
        "first_name": me.first_name,
        "last_name": me.last_name,
        "email": me.email,
        "job_title": "Systems lead",
        "phone": me.phone,
        # What a hand-made post would try: ignored, not saved.
        "team": world.csc_team_a.pk,
        "role": Role.MANAGER,
        "scope": Scope.AGENCY,
    }
    assert admin_client.post(url, form).status_code == 302
    me.refresh_from_db()
    assert me.job_title == "Systems lead"  # the rest of their own record they keep up
    assert (me.role, me.scope, me.team_id) == (Role.ADMINISTRATOR, Scope.ALL, None)
    assert me.is_active
    # Another administrator may.
    other = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="second")
    page = admin_client.get(f"/admin/access/worker/{other.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="team"' in page


def test_an_administrator_does_not_set_the_role_of_their_own_other_account(
    world: World, admin_client: Client
) -> None:
    """An account of the administrator's made before one person had one account (the same
    email) is theirs too: they do not make it a team's manager; another administrator may."""
    mine = make_worker(world.system, team=world.csc_team_a, role=Role.PRACTITIONER)
    Worker.objects.filter(pk=mine.pk).update(email=world.admin.email.upper())
    page = admin_client.get(f"/admin/access/worker/{mine.pk}/change/").content.decode()
    for field in ("team", "role", "scope", "is_active"):
        assert f'name="{field}"' not in page, field


def test_the_admin_site_refuses_an_email_another_account_has(
    world: World, admin_client: Client
) -> None:
    """One person, one account, on the admin site's worker form too."""
    Worker.objects.filter(pk=world.teammate.pk).update(email="pat@example.org")
    worker = world.social_worker
    url = f"/admin/access/worker/{worker.pk}/change/"
    form = {
        "username": worker.username,
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": "PAT@example.org",
        "team": worker.team_id,
        "role": worker.role,
        "scope": worker.scope,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    email = worker.email
    page = admin_client.post(url, form)
    assert page.status_code == 200 and "Another account has this email" in page.content.decode()
    worker.refresh_from_db()
    assert worker.email == email
    form["email"] = "sam@example.org"
    assert admin_client.post(url, form).status_code == 302
    worker.refresh_from_db()
    assert worker.email == "sam@example.org"


ADD = "/admin/access/worker/add/"


def _errors(page: Any) -> dict:
    """What the admin site's form said was wrong, field by field."""
    return dict(page.context["adminform"].form.errors)


def _change_form(worker: Worker, **changes: str) -> dict:
    """The admin site's change form for ``worker`` as it stands, with ``changes``."""
    form = {
        "username": worker.username,
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": worker.email,
        "team": worker.team_id or "",
        "role": worker.role,
        "scope": worker.scope,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    return {**form, **changes}


def test_the_admin_site_adds_no_account_without_a_work_email(
    world: World, admin_client: Client
) -> None:
    """An administrator adding an account is asked for the worker's work email, and an account
    without one is not added (separation of duties tells a person's accounts apart by it).
    Was: the add form asked only for a username and a password."""
    assert 'name="email"' in admin_client.get(ADD).content.decode()
    form = {"username": "new.worker", "usable_password": "false", "email": "  "}
    with nothing_written(Worker):
        page = admin_client.post(ADD, form)
    assert page.status_code == 200 and _errors(page) == {"email": [EMAIL_NEEDED]}
    assert admin_client.post(ADD, {**form, "email": "new.worker@example.org"}).status_code == 302
    assert Worker.objects.get(username="new.worker").email == "new.worker@example.org"


def test_the_admin_site_does_not_clear_a_work_email(world: World, admin_client: Client) -> None:
    """A worker's email, once given, is not cleared on the admin site: the account would then
    be compared only with itself. Was: the change form saved it blank."""
    worker = world.social_worker
    url = f"/admin/access/worker/{worker.pk}/change/"
    page = admin_client.post(url, _change_form(worker, email=""))
    assert page.status_code == 200 and _errors(page) == {"email": [EMAIL_NEEDED]}
    assert Worker.objects.get(pk=worker.pk).email == "social_worker@workers.example"


def test_an_account_made_without_an_email_keeps_working_and_is_listed_until_it_has_one(
    world: World, admin_client: Client
) -> None:
    """An account made before every account had an email is not locked out: it may still be
    saved (deactivated, say) as it is, and the worker list's "No work email" filter lists it,
    and only it, until an administrator gives it one. Was: no filter found them."""
    worker = world.teammate
    Worker.objects.filter(pk=worker.pk).update(email="")
    listed = admin_client.get("/admin/access/worker/?email=none")
    assert "No work email" in listed.content.decode()
    assert [w.pk for w in listed.context["cl"].result_list] == [worker.pk]
    url = f"/admin/access/worker/{worker.pk}/change/"
    form = _change_form(Worker.objects.get(pk=worker.pk), is_active="")
    assert admin_client.post(url, form).status_code == 302
    assert not Worker.objects.get(pk=worker.pk).is_active
    form["email"] = "teammate@example.org"
    assert admin_client.post(url, form).status_code == 302
    listed = admin_client.get("/admin/access/worker/?email=none")
    assert list(listed.context["cl"].result_list) == []


@pytest.mark.parametrize("emails_off", [False, True])
def test_a_password_an_administrator_sets_tells_the_worker_at_once_who_and_when(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any, emails_off: bool
) -> None:
    """An administrator who sets a manager's password could sign in as them and sign off
    casework. The manager learns of it at once, in Locus and by email: who set it and when.
    Was: only the trail said so, and nobody told the manager. The email goes even to a
    manager who turned notification emails off (was: it did not): signed in as them, the
    administrator could mark the notice read, so the inbox is where they hear of it."""
    manager = world.team_manager
    if emails_off:
        NotificationPreference.objects.create(worker=manager, email=False)
    with (
        clock.frozen_at(dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_client.post(
            f"/admin/access/worker/{manager.pk}/password/",
            {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
        )
    [notice] = Notification.objects.filter(recipient=manager)
    assert notice.kind == NotificationKind.SIGN_IN_CHANGED
    assert world.admin.username in notice.text
    assert "set your password on 3 December 2026 at 14:05" in notice.text
    [email] = mail.outbox
    assert email.to == [manager.email]
    assert notice.text in email.body
    # An administrator's own password, on the same form, tells nobody.
    admin_client.post(
        f"/admin/access/worker/{world.admin.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert not Notification.objects.filter(recipient=world.admin).exists()


def test_an_email_an_administrator_changes_is_told_to_the_old_address_and_the_worker(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """An administrator who changed a manager's work email, then set their password, sent
    the password's notice to the new address: the manager never heard. The change itself is
    now told to the old address by email and to the manager in Locus, naming who and when and
    the new address partly hidden, and it is in the trail under the administrator. Was: the
    change was saved with nothing told to anyone."""
    manager = world.team_manager
    old = manager.email
    url = f"/admin/access/worker/{manager.pk}/change/"
    form = _change_form(manager, email="new.address@council.example")
    with (
        clock.frozen_at(dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert admin_client.post(url, form).status_code == 302
    assert Worker.objects.get(pk=manager.pk).email == "new.address@council.example"
    [notice] = Notification.objects.filter(recipient=manager)
    assert notice.kind == NotificationKind.SIGN_IN_CHANGED
    assert world.admin.username in notice.text
    assert (
        "changed your work email to n\u2022\u2022\u2022@council.example "
        "on 3 December 2026 at 14:05" in notice.text
    )
    assert "new.address" not in notice.text
    to_old = [email for email in mail.outbox if email.to == [old]]
    assert len(to_old) == 1 and notice.text in to_old[0].body
    [change] = [e for e in changes_for(manager) if set(e.after or {}) == {"email"}]
    assert change.actor == world.admin
    assert change.before == {"email": old}
    assert change.after == {"email": "new.address@council.example"}


def test_an_administrator_changing_their_own_email_is_told_too(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Someone at an administrator's unlocked desk could move their account to an address of
    their own: the administrator hears of it at their old address and in Locus. Was: nothing
    was told (a worker was never told of their own act)."""
    me = world.admin
    old = me.email
    url = f"/admin/access/worker/{me.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(url, _change_form(me, email="me@elsewhere.example"))
    assert page.status_code == 302
    [notice] = Notification.objects.filter(recipient=me)
    assert notice.text.startswith("You changed your work email to m\u2022\u2022\u2022@elsewhere")
    told = sorted(
        address for email in mail.outbox if notice.text in email.body for address in email.to
    )
    assert told == sorted([old, "me@elsewhere.example"])


def test_an_email_change_the_form_would_refuse_is_refused_by_its_service(world: World) -> None:
    """The service refuses a blank email and another account's, writing nothing."""
    worker = world.social_worker
    for email, message in (("  ", EMAIL_NEEDED), (world.teammate.email, EMAIL_HELD)):
        with nothing_written(Worker), pytest.raises(ValidationFailed) as refused:
            worker_email_change(actor=world.admin, worker=worker, email=email)
        assert refused.value.errors == {"email": [message]}
    with pytest.raises(NotPermitted):
        worker_email_change(actor=world.team_manager, worker=worker, email="x@council.example")
    assert not Notification.objects.exists()


def test_the_old_address_is_told_even_when_the_worker_turned_emails_off(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """A worker's choice about notification emails is for their address: the old one, told
    once that it is no longer theirs, hears of the change whatever they chose; as does the
    new one (a change to their sign-in is emailed whatever they chose)."""
    worker = world.social_worker
    old = worker.email
    NotificationPreference.objects.create(worker=worker, email=False)
    url = f"/admin/access/worker/{worker.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(url, _change_form(worker, email="sw@council.example"))
    assert page.status_code == 302
    to_old = [email for email in mail.outbox if email.to == [old]]
    assert len(to_old) == 1 and "will not email this address" in to_old[0].body
    assert sorted(email.to[0] for email in mail.outbox) == sorted([old, "sw@council.example"])


AT_14_05 = dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize("emails_off", [False, True])
def test_a_username_an_administrator_changes_is_told_to_the_worker(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any, emails_off: bool
) -> None:
    """A worker's username is how they sign in: an administrator who changes it is named to
    the worker at once, in Locus and by email (whatever the worker chose about emails), with
    the old and the new username and when; the change is in the trail under the
    administrator. Was: the worker was told nothing, and found they could not sign in."""
    manager = world.team_manager
    if emails_off:
        NotificationPreference.objects.create(worker=manager, email=False)
    url = f"/admin/access/worker/{manager.pk}/change/"
    with clock.frozen_at(AT_14_05), django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(url, _change_form(manager, username="t.manning"))
    assert page.status_code == 302
    assert Worker.objects.get(pk=manager.pk).username == "t.manning"
    [notice] = Notification.objects.filter(recipient=manager)
    assert notice.kind == NotificationKind.SIGN_IN_CHANGED
    assert notice.text.startswith(f"Test admin ({world.admin.username}), an administrator,")
    assert (
        'changed your username from "team_manager" to "t.manning" on 3 December 2026 at 14:05'
        in notice.text
    )
    [email] = mail.outbox
    assert email.to == [manager.email] and notice.text in email.body
    [change] = [e for e in changes_for(manager) if e.actor == world.admin and e.after]
    assert change.actor == world.admin
    assert (change.before, change.after) == (
        {"username": "team_manager"},
        {"username": "t.manning"},
    )


def test_a_name_an_administrator_changes_is_told_to_the_worker(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """The name every record a worker writes shows: changed, the worker is told the old and
    the new name, who and when. A username and a name changed together are told apart."""
    manager = world.team_manager
    url = f"/admin/access/worker/{manager.pk}/change/"
    form = _change_form(manager, first_name="Tara", last_name="Manning", username="t.manning")
    with clock.frozen_at(AT_14_05), django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form).status_code == 302
    texts = sorted(n.text for n in Notification.objects.filter(recipient=manager))
    assert len(texts) == 2
    assert 'changed your name from "Test team_manager" to "Tara Manning" on 3 Dec' in texts[0]
    assert 'changed your username from "team_manager" to "t.manning"' in texts[1]
    assert sorted(e.body.count("changed your") for e in mail.outbox) == [1, 1]
    [change] = [e for e in changes_for(manager) if e.actor == world.admin and e.after]
    assert change.after == {"username": "t.manning", "first_name": "Tara", "last_name": "Manning"}


def test_a_rename_with_a_new_email_is_told_to_the_address_the_worker_reads(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Renamed and given a new email in one save: the rename is told to the address the
    worker has read until now (the email's own notice goes to both)."""
    worker = world.social_worker
    old = worker.email
    url = f"/admin/access/worker/{worker.pk}/change/"
    form = _change_form(worker, username="s.worker", email="s.worker@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, form).status_code == 302
    [renamed] = [e for e in mail.outbox if "changed your username" in e.body]
    assert renamed.to == [old]


def test_an_administrator_renaming_themselves_is_told_too(
    world: World, admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    me = world.admin
    url = f"/admin/access/worker/{me.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, _change_form(me, username="it.admin")).status_code == 302
    [notice] = Notification.objects.filter(recipient=me)
    assert notice.text.startswith('You changed your username from "admin" to "it.admin" on ')
    assert [e.to for e in mail.outbox] == [[me.email]]


def test_a_long_rename_fits_one_notice(world: World) -> None:
    """The longest names are cut short, never who made the change or when."""
    worker = world.social_worker
    with clock.frozen_at(AT_14_05):
        worker_rename(actor=world.admin, worker=worker, username="u" * 150, first_name="F" * 150)
    [notice] = Notification.objects.filter(recipient=worker, text__contains="username")
    assert '"' + "u" * 24 + '\u2026" on 3 December 2026 at 14:05.' in notice.text
    assert notice.text.startswith("Test admin (admin)")
    [named] = Notification.objects.filter(recipient=worker, text__contains="your name")
    assert named.text.endswith("If you did not ask for this, tell your manager.")


def test_a_rename_the_form_would_refuse_is_refused_by_its_service(world: World) -> None:
    """The service refuses a blank username, another account's and one with spaces in it,
    writing nothing and telling nobody; only an administrator renames."""
    worker = world.social_worker
    for username in ("  ", world.teammate.username, "two words"):
        with nothing_written(Worker), pytest.raises(ValidationFailed) as refused:
            worker_rename(actor=world.admin, worker=worker, username=username)
        assert list(refused.value.errors) == ["username"]
    with pytest.raises(NotPermitted):
        worker_rename(actor=world.team_manager, worker=worker, last_name="Smith")
    worker_rename(actor=world.admin, worker=worker, username=worker.username, first_name="Test")
    assert not Notification.objects.exists()


def test_the_admin_site_leaves_no_active_manager_practitioner_or_analyst_without_a_team(
    world: World, admin_client: Client
) -> None:
    """A manager saved with no team held no team's powers but passed every role check that
    forgot to ask for one (Annex A, merging places, legal holds); the change form now asks
    for a team, as ``worker_create`` does. An auditor works across Locus with none, and a
    deactivated account needs none."""
    for role in (Role.MANAGER, Role.PRACTITIONER, Role.ANALYST):
        worker = make_worker(world.system, team=world.csc_team_b, role=role, username=f"{role}.x")
        url = f"/admin/access/worker/{worker.pk}/change/"
        with nothing_written(Worker):
            page = admin_client.post(url, _change_form(worker, team=""))
        assert page.status_code == 200
        assert "a practitioner, manager or analyst works in a team" in page.content.decode()
        assert Worker.objects.get(pk=worker.pk).team == world.csc_team_b
        left = _change_form(worker, team="")
        del left["is_active"]  # deactivated
        assert admin_client.post(url, left).status_code == 302
    auditor = make_worker(world.system, team=None, role=Role.AUDITOR, username="auditor.x")
    url = f"/admin/access/worker/{auditor.pk}/change/"
    assert admin_client.post(url, _change_form(auditor, job_title="Auditor")).status_code == 302
