"""notify: bad input refused by field with nothing written, nobody told twice or of their
own act, emails sent only after the write commits and saying nothing of the case; marking
read only one's own, audited; forgetting a record's notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction

from locus.audit.models import ChangeEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications import services
from locus.notifications.models import Notification, NotificationKind, NotificationPreference
from tests.factories import World, changes_for, nothing_written


def _tell(world: World, **fields: Any) -> Notification | None:
    values: dict[str, Any] = {
        "recipient": world.team_manager,
        "kind": NotificationKind.SIGN_OFF_REQUEST,
        "actor": world.social_worker,
        "about": world.park,
        "url": "/contexts/1/",
        "text": "You are asked to sign off a context case's plan",
        **fields,
    }
    recipient, kind = values.pop("recipient"), values.pop("kind")
    with transaction.atomic():
        return services.notify(recipient, kind, **values)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"recipient": None}, "recipient", "Choose the worker to notify"),
        ({"kind": "gossip"}, "kind", "Choose a kind of notification"),
        ({"about": None}, "about", "Give the saved record the notification is about"),
        ({"text": "   "}, "text", "Say what the notification is about"),
        ({"text": "x" * 201}, "text", "The text must be 200 characters or fewer"),
        ({"url": "https://elsewhere.example/"}, "url", "Give the path of the record's page"),
        ({"url": "//elsewhere.example/"}, "url", "Give the path of the record's page"),
        # A browser reads each of these as "//elsewhere.example/": another site.
        ({"url": "/\\elsewhere.example/"}, "url", "Give the path of the record's page"),
        ({"url": "/\t/elsewhere.example/"}, "url", "Give the path of the record's page"),
        ({"url": "/\n/elsewhere.example/"}, "url", "Give the path of the record's page"),
        ({"url": "/" + "a" * 300}, "url", "Give the path of the record's page"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_written(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    with nothing_written(Notification, ChangeEvent), pytest.raises(ValidationFailed) as refused:
        _tell(world, **fields)
    assert refused.value.errors[field][0].startswith(message)


def test_notify_writes_one_audited_row_for_the_recipient(world: World) -> None:
    made = _tell(world)
    assert made is not None and made.recipient == world.team_manager and made.unread
    assert made.record_type == "places.context" and made.record_id == world.park.pk
    assert [c.action for c in changes_for(made)] == ["create"]


def test_nobody_is_told_of_their_own_act_nor_an_inactive_worker(world: World) -> None:
    world.teammate.is_active = False
    world.teammate.save()
    with nothing_written(Notification):
        assert _tell(world, recipient=world.social_worker) is None
        assert _tell(world, recipient=world.teammate) is None


def test_notify_outside_a_transaction_is_refused(world: World) -> None:
    # pytest-django wraps each test in a transaction: step outside it to call as a bare caller.
    connection = transaction.get_connection()
    saved = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the writing service's transaction"):
            services.notify(
                world.team_manager,
                NotificationKind.SIGN_OFF_REQUEST,
                actor=world.social_worker,
                about=world.park,
                url="/x/",
                text="t",
            )
    finally:
        connection.in_atomic_block = saved


def test_the_email_goes_after_the_commit_and_names_no_child_or_case(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.team_manager.email = "tess.manager@example.org"
    world.team_manager.save()
    child = world.csc_child
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _tell(world, text=f"About {child.given_name} {child.family_name} at the park")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [email] = mail.outbox
    assert email.to == ["tess.manager@example.org"]
    assert email.subject == "Locus: Sign-off request"
    assert "You have a new item in Locus: Sign-off request" in email.body
    assert "/my-work/" in email.body
    for secret in (child.given_name, child.family_name, world.park.name, "/contexts/"):
        assert secret not in email.subject + email.body


def test_no_email_once_turned_off_nor_without_an_address(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.team_manager.email = "tess.manager@example.org"
    world.team_manager.save()
    world.teammate.email = ""  # an account made before every account had an email
    world.teammate.save()
    with transaction.atomic():
        services.email_preference_set(actor=world.team_manager, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        _tell(world)
        _tell(world, recipient=world.teammate)  # no address
    assert mail.outbox == []
    assert NotificationPreference.objects.get(worker=world.team_manager).email is False


def _emails_off(worker: Any, address: str) -> None:
    worker.email = address
    worker.save()
    with transaction.atomic():
        services.email_preference_set(actor=worker, email=False)


def test_only_the_sign_in_notices_are_emailed_whatever_the_worker_chose() -> None:
    """The one list of kinds emailed to a worker who turned emails off: a kind added to it
    is added on purpose, not by a notice happening to carry words."""
    assert {NotificationKind.SIGN_IN_CHANGED} == services.ALWAYS_EMAILED


@pytest.mark.parametrize(
    "kind", sorted(set(NotificationKind) - services.ALWAYS_EMAILED), ids=lambda kind: kind.value
)
def test_every_other_kind_obeys_the_worker_s_choice_and_keeps_its_words_out(
    world: World, django_capture_on_commit_callbacks: Any, kind: NotificationKind
) -> None:
    """Each kind outside ``ALWAYS_EMAILED`` (a kind added later too) is emailed only to a
    worker who takes emails, and says no more than its kind."""
    _emails_off(world.team_manager, "tess.manager@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert _tell(world, kind=kind, text="Words kept in Locus") is not None
    assert mail.outbox == []
    with transaction.atomic():
        services.email_preference_set(actor=world.team_manager, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        _tell(world, kind=kind, text="Words kept in Locus")
    [email] = mail.outbox
    assert email.subject == f"Locus: {kind.label}"
    assert "Words kept in Locus" not in email.body


@pytest.mark.parametrize("kind", sorted(services.ALWAYS_EMAILED), ids=lambda kind: kind.value)
def test_each_kind_always_emailed_goes_with_emails_off_and_says_its_words(
    world: World, django_capture_on_commit_callbacks: Any, kind: NotificationKind
) -> None:
    _emails_off(world.team_manager, "tess.manager@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _tell(world, kind=kind, text="Jo Admin set your password on 3 December 2026 at 14:05")
    [email] = mail.outbox
    assert email.to == ["tess.manager@example.org"]
    assert "Jo Admin set your password on 3 December 2026 at 14:05" in email.body


SIGN_IN_NOTICES: dict[str, Any] = {
    "password set": lambda w: services.sign_in_changed(
        w.admin, w.team_manager, "set your password"
    ),
    "second factor reset": lambda w: services.sign_in_changed(
        w.admin, w.team_manager, "reset your second factor"
    ),
    "email changed": lambda w: services.work_email_changed(
        w.admin, w.team_manager, "old.tess@example.org"
    ),
    "authenticator set up": lambda w: services.authenticator_set_up(w.team_manager),
}


@pytest.mark.parametrize("notice", SIGN_IN_NOTICES.values(), ids=SIGN_IN_NOTICES.keys())
def test_each_notice_of_a_change_to_the_worker_s_sign_in_is_emailed_with_emails_off(
    world: World, django_capture_on_commit_callbacks: Any, notice: Any
) -> None:
    """Each of them is of a kind in ``ALWAYS_EMAILED``, and reaches the worker's inbox though
    they turned emails off: whoever made the change may have done that as them."""
    _emails_off(world.team_manager, "tess.manager@example.org")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = notice(world)
    assert made is not None and made.kind in services.ALWAYS_EMAILED
    [email] = [e for e in mail.outbox if e.to == ["tess.manager@example.org"]]
    assert made.text in email.body


def test_turning_emails_off_while_another_request_made_the_choice_still_turns_them_off(
    world: World,
) -> None:
    """A worker who presses "Turn emails off" twice at once (two tabs, a double click) has
    them off, not an error page: the other request made their choice's row after this one
    looked for it. Failed before: the second row broke the one-a-worker constraint."""
    worker, raced = world.team_manager, []

    def other_request_between(execute: Any, sql: str, *args: Any) -> Any:
        found = execute(sql, *args)
        if not raced and 'FROM "notifications_notificationpreference"' in sql:
            raced.append(True)  # this request looked and found none; the other makes it now
            NotificationPreference.objects.create(worker=worker, email=True)
        return found

    with connection.execute_wrapper(other_request_between), transaction.atomic():
        chosen = services.email_preference_set(actor=worker, email=False)
    assert raced and NotificationPreference.objects.get().pk == chosen.pk
    assert NotificationPreference.objects.get(worker=worker).email is False
    assert [c.action for c in changes_for(chosen)] == ["update"]


def test_a_worker_marks_only_their_own_notification_read(world: World) -> None:
    made = _tell(world)
    assert made is not None
    with nothing_written(ChangeEvent), pytest.raises(NotPermitted):
        services.notification_read(actor=world.social_worker, notification_id=made.pk)
    with pytest.raises(NotPermitted):
        services.notification_read(actor=world.team_manager, notification_id="x")
    read = services.notification_read(actor=world.team_manager, notification_id=made.pk)
    assert read.read_at is not None
    assert [c.action for c in changes_for(read)] == ["create", "update"]


def test_mark_all_read_marks_only_the_actor_s_and_audits_each(world: World) -> None:
    mine = [_tell(world), _tell(world)]
    theirs = _tell(world, recipient=world.teammate)
    assert services.notifications_read_all(actor=world.team_manager) == 2
    assert all(n is not None and changes_for(n)[-1].action == "update" for n in mine)
    assert Notification.objects.get(pk=theirs.pk if theirs else 0).read_at is None
    assert services.notifications_read_all(actor=world.team_manager) == 0


def test_a_record_s_notifications_are_forgotten_with_it(world: World) -> None:
    _tell(world)
    other = _tell(world, about=world.school)
    with transaction.atomic():
        assert services.forget(actor=world.system, record=world.park) == 1
    assert list(Notification.objects.all()) == [other]


def test_the_transfer_hook_tells_the_receiving_manager_without_naming_the_child(
    world: World,
) -> None:
    allocation = world.csc_child.allocations.get()
    with transaction.atomic():
        made = services.transfer_to_accept(
            world.social_worker, world.team_manager, allocation, "/people/1/"
        )
    assert made is not None and made.kind == NotificationKind.TRANSFER_TO_ACCEPT
    assert made.recipient == world.team_manager and made.record_type == "people.allocation"
    assert world.csc_child.given_name not in made.text


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("jo.bloggs@example.gov.uk", "j\u2022\u2022\u2022@example.gov.uk"),
        ("  x@a.example ", "x\u2022\u2022\u2022@a.example"),
        ("not-an-address", "\u2022\u2022\u2022"),
        ("@example.org", "\u2022\u2022\u2022"),
        ("j@" + "d" * 60 + ".example", "j\u2022\u2022\u2022@\u2026" + "d" * 31 + ".example"),
    ],
)
def test_an_address_is_shown_partly_hidden(address: str, shown: str) -> None:
    """A notice names a new work email as banks do: its first letter and its domain."""
    assert services.masked_email(address) == shown
