"""Writing notifications, and marking them read.

:func:`notify` is called by the service whose write a worker needs to hear about (an
invitation, a sign-off asked of them, an action given to them...), inside that service's
transaction: the notification and the write commit or roll back together, and the email
(if any) goes only once they have committed. The caller gives the words: the kind of
thing and a date, never a child's name (``models``).

Who may read or mark a notification: only its recipient (``access/notifications.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme

from locus.access.models import Team, Worker
from locus.access.notifications import access_notification, notifications_page
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, record_type_of
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import Problems, create_audited, save_changes
from locus.notifications.models import Notification, NotificationKind, NotificationPreference
from locus.notifications.selectors import takes_email

log = logging.getLogger(__name__)

MAX_TEXT = Notification._meta.get_field("text").max_length or 200
MAX_URL = Notification._meta.get_field("url").max_length or 300


def _check(
    recipient: object, kind: str, about: models.Model, url: str, text: str
) -> tuple[str, str]:
    problems = Problems()
    problems.check(
        isinstance(recipient, Worker) and recipient.pk is not None,
        "recipient",
        "Choose the worker to notify",
    )
    problems.check(kind in choice_values(NotificationKind), "kind", "Choose a kind of notification")
    problems.check(
        isinstance(about, models.Model) and about.pk is not None,
        "about",
        "Give the saved record the notification is about",
    )
    text, url = (text or "").strip(), (url or "").strip()
    problems.check(bool(text), "text", "Say what the notification is about")
    problems.check(
        len(text) <= MAX_TEXT, "text", f"The text must be {MAX_TEXT} characters or fewer"
    )
    problems.check(
        on_this_site(url) and len(url) <= MAX_URL,
        "url",
        "Give the path of the record's page on this site",
    )
    problems.raise_if_any()
    return text, url


def on_this_site(url: str) -> bool:
    """Whether ``url`` is a path on this site: a notification never sends a worker elsewhere.
    Not only "//host": a browser reads "/\\host" as "//host" too, and drops a tab or a line
    break inside a link ("/<tab>/host"), so neither is a path here, nor is any control
    character."""
    return (
        url.startswith("/")
        and url.isprintable()
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def due_by(day: dt.date | None) -> str:
    """A notification's date, in words: ", due by 4 December 2026" (nothing without one)."""
    return f", due by {on_day(day)}" if day is not None else ""


def on_day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def invite(
    actor: Worker, worker: Worker, meeting: models.Model, url: str, what: str, on: dt.date | None
) -> Notification | None:
    """Tell a worker they are invited to a meeting (``what``: "the MACE panel"), and when."""
    when = f" on {on_day(on)}" if on is not None else ""
    text = f"You are invited to {what}{when}"
    return notify(
        worker, NotificationKind.MEETING_INVITATION, actor=actor, about=meeting, url=url, text=text
    )


def meeting_over(actor: Worker, meeting: models.Model) -> int:
    """A meeting is over (recorded as held, or cancelled): its invitations not yet read go,
    each removal in the change trail, as they invite the worker to what can no longer be
    attended (the meeting's page, under its own check, says what happened); read ones stay,
    as read. Call inside the recording service's transaction; returns how many went."""
    unread = Notification.objects.filter(
        record_type=record_type_of(meeting),
        record_id=meeting.pk,
        kind=NotificationKind.MEETING_INVITATION,
        read_at__isnull=True,
    )
    return _remove(actor, unread)


def meeting_cancelled(
    actor: Worker,
    meeting: models.Model,
    invitees: Iterable[Worker],
    url: str,
    what: str,
    on: dt.date | None,
) -> int:
    """A meeting is cancelled (``what``: "MACE panel", no article): its invitations not yet
    read go (their link invited the worker to a meeting that will not happen), each removal
    in the change trail, and each invitee is told it is cancelled, with its date (never a
    child, nor the reason: the meeting's page shows that). Call inside the cancelling
    service's transaction; returns how many invitations went."""
    gone = meeting_over(actor, meeting)
    when = f" on {on_day(on)}" if on is not None else ""
    text = f"The {what}{when} you were invited to is cancelled"
    for worker in {w.pk: w for w in invitees}.values():
        notify(
            worker,
            NotificationKind.MEETING_CANCELLED,
            actor=actor,
            about=meeting,
            url=url,
            text=text,
        )
    return gone


def assign(
    actor: Worker, owner: Worker, action: models.Model, url: str, what: str, due_on: dt.date | None
) -> Notification | None:
    """Tell a worker an action is theirs (``what``: "An action from a panel"; a context plan's
    says which, ``casework.selectors.action_told``)."""
    text = f"{what} is yours{due_by(due_on)}"
    return notify(
        owner, NotificationKind.ACTION_ASSIGNED, actor=actor, about=action, url=url, text=text
    )


def transfer_to_accept(
    actor: Worker, manager: Worker, transfer: models.Model, url: str
) -> Notification | None:
    """Tell the receiving manager a child's case waits for them to accept it. The hook for
    the transfer service: one call, inside its transaction, with the transfer's page."""
    return notify(
        manager,
        NotificationKind.TRANSFER_TO_ACCEPT,
        actor=actor,
        about=transfer,
        url=url,
        text="A case is transferred to your team: accept it or say why not",
    )


#: What a transfer's proposer is told when someone else closes it without moving the case.
_PROPOSER_TOLD: dict[str, str] = {
    NotificationKind.TRANSFER_DECLINED: "A case transfer you proposed was declined: read why",
    NotificationKind.TRANSFER_WITHDRAWN: (
        "A case transfer you proposed was withdrawn by a manager of your team: read why"
    ),
}


def transfer_closed(
    actor: Worker, proposer: Worker, transfer: models.Model, url: str, kind: str
) -> Notification | None:
    """Tell whoever proposed a transfer that another worker declined it, or withdrew it
    (``kind``): the reason is on the transfer's page, which they open while they see the
    child (the words say no more). Called inside the decision's transaction, after the
    requests to accept it are gone."""
    return notify(proposer, kind, actor=actor, about=transfer, url=url, text=_PROPOSER_TOLD[kind])


#: The kinds emailed whatever the worker chose about emails, and with their words: the
#: notices of a change to the worker's own sign-in (a password or a second factor an
#: administrator set or reset, a changed work email, an authenticator set up). Whoever made
#: the change may have signed in as the worker, marked the notice read and turned their emails
#: off: the inbox is where the worker hears of it. Their words name a worker and a time, never
#: a child. Every other kind is emailed only to a worker who takes emails, and without its words.
ALWAYS_EMAILED = frozenset({NotificationKind.SIGN_IN_CHANGED})


def sign_in_changed(actor: Worker, worker: Worker, what: str) -> Notification | None:
    """Tell ``worker`` that the administrator ``actor`` changed how they sign in (``what``:
    "set your password"), and when: an administrator who could sign in as a worker (a
    manager, signing off casework) must not do it unknown to them. Emailed with its words,
    whatever the worker chose (:data:`ALWAYS_EMAILED`). Call inside the change's transaction."""
    return _sign_in_notice(actor, worker, _by_administrator(actor, what))


def _sign_in_notice(
    actor: Worker, worker: Worker, text: str, to_self: bool = False
) -> Notification | None:
    """A notice to ``worker`` of a change to their sign-in, linked to their notifications:
    the one way a notice of a kind in :data:`ALWAYS_EMAILED` is made."""
    url = reverse(notifications_page(worker))
    kind = NotificationKind.SIGN_IN_CHANGED
    return notify(worker, kind, actor=actor, about=worker, url=url, text=text, to_self=to_self)


def _at_now() -> str:
    """Now, in words, in the project's time zone: "on 3 December 2026 at 14:05"."""
    when = timezone.localtime(clock.now())
    return f"on {on_day(when.date())} at {when:%H:%M}"


def _by_administrator(actor: Worker, what: str) -> str:
    """What the administrator ``actor`` did to the worker's sign-in, who and when, in at most
    :data:`MAX_TEXT` characters (a long name is cut short, never the rest)."""
    rest = (
        f", an administrator, {what} {_at_now()}. If you did not ask for this, tell your manager."
    )
    who = f"{actor.get_full_name() or actor.username} ({actor.username})"
    room = MAX_TEXT - len(rest)
    return (who if len(who) <= room else who[: room - 1] + "\u2026") + rest


#: How many characters of an address's domain a masked address keeps (the end of it).
MASK_DOMAIN = 40


def masked_email(address: str) -> str:
    """``address`` partly hidden, as banks show one: its first letter and its domain,
    "j\u2022\u2022\u2022@example.gov.uk" (a long domain keeps its end). Enough for the worker to
    know the address, too little for a stranger reading the notice to write to it."""
    local, at, domain = address.strip().rpartition("@")
    if not (at and local and domain):
        return "\u2022\u2022\u2022"
    if len(domain) > MASK_DOMAIN:
        domain = "\u2026" + domain[-(MASK_DOMAIN - 1) :]
    return f"{local[0]}\u2022\u2022\u2022@{domain}"


def work_email_changed(actor: Worker, worker: Worker, old: str) -> Notification | None:
    """Tell ``worker`` their work email was changed (to ``worker.email``, shown masked), by
    whom and when: in Locus, and by email to the ``old`` address as well as the new one.
    Every later notice of a sign-in change goes to the new address, so without this one an
    administrator who changed it, then set the password, would tell only themselves. Told of
    their own change too (someone at their desk may have made it). Call inside the change's
    transaction; the email to the old address goes once it has committed."""
    text = _told(actor, worker, f"changed your work email to {masked_email(worker.email)}")
    notice = _sign_in_notice(actor, worker, text, to_self=True)
    old = old.strip()
    if settings.LOCUS_NOTIFICATION_EMAIL and old and old.casefold() != worker.email.casefold():
        label = NotificationKind.SIGN_IN_CHANGED.label
        page = notifications_page(worker)
        transaction.on_commit(lambda: _send(old, label, page, text, OLD_ADDRESS))
    return notice


def _told(actor: Worker, worker: Worker, what: str) -> str:
    """What ``actor`` did to ``worker``'s account (``what``), who and when, in words for the
    worker: "You ..." when it was their own change (someone at their desk may have made it)."""
    if actor.pk == worker.pk:
        return f"You {what} {_at_now()}. If this was not you, tell your IT administrator now."
    return _by_administrator(actor, what)


#: How many characters of a name a notice of a rename shows (a longer one is cut short), so
#: that the old and the new name, who and when fit in one notice (:data:`MAX_TEXT`).
NAME_SHOWN = 25


def _name_shown(name: str) -> str:
    if not name:
        return "no name"
    shown = name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "\u2026"
    return f'"{shown}"'


def renamed(actor: Worker, worker: Worker, what: str, old: str, new: str) -> Notification | None:
    """Tell ``worker`` their ``what`` ("username", "name") was changed from ``old`` to
    ``new``, by whom and when: in Locus, and by email with its words whatever they chose
    (:data:`ALWAYS_EMAILED`). Their username is how they sign in, and their name how every
    record they write shows them: an administrator must not change either unknown to them.
    Told of their own change too. Call inside the change's transaction."""
    text = _told(
        actor, worker, f"changed your {what} from {_name_shown(old)} to {_name_shown(new)}"
    )
    return _sign_in_notice(actor, worker, text, to_self=True)


#: What the email to a worker's old address adds: it hears of nothing more.
OLD_ADDRESS = "Locus will not email this address about your account again."


def authenticator_set_up(worker: Worker) -> Notification | None:
    """Tell ``worker`` an authenticator was set up for their account (a first one, or one in
    place of one reset), and when: in Locus and by email. Whoever held a new worker's
    password before them (or held it after a reset) could set up their own; the worker hears
    of it at once. Call inside the set-up's transaction."""
    text = (
        f"An authenticator was set up for your account {_at_now()}. "
        "If this was not you, tell your IT administrator now."
    )
    return _sign_in_notice(worker, worker, text, to_self=True)


def notify(
    recipient: Worker,
    kind: str,
    *,
    actor: Worker,
    about: models.Model,
    url: str,
    text: str,
    due_on: dt.date | None = None,
    to_self: bool = False,
    team: Team | None = None,
) -> Notification | None:
    """Tell ``recipient`` about ``about`` (its page at ``url``), in ``text``; ``None`` when
    there is nobody to tell (the actor themselves, unless ``to_self``: a change to their
    sign-in they should hear of even when made as them; or a worker who can no longer sign
    in).

    Call inside the writing service's transaction. ``due_on``: for a reminder, the date it
    is due (one reminder per record, kind and date: ``reminders``). ``team``: for a notice
    about one team's share of ``about`` (a leaver's cases there), that team.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the writing service's transaction")
    text, url = _check(recipient, kind, about, url, text)
    if (recipient.pk == actor.pk and not to_self) or not recipient.is_active:
        return None
    notification = create_audited(
        actor,
        Notification,
        recipient=recipient,
        kind=kind,
        text=text,
        url=url,
        record_type=record_type_of(about),
        record_id=about.pk,
        due_on=due_on,
        team=team,
        created_at=clock.now(),
    )
    if settings.LOCUS_NOTIFICATION_EMAIL and recipient.email:
        # Where the recipient reads it: My work, or their notifications page if they have no
        # case records (an auditor told their API token was revoked).
        # The address it has now: a change to it later in the same transaction (a rename and
        # a new email saved together) must not send the earlier notice to the new address.
        page, address = notifications_page(recipient), recipient.email
        transaction.on_commit(lambda: _email(recipient.pk, address, kind, page, text))
    return notification


#: How an email names the page it links to.
PAGE_NAMES = {"my-work": "My work", "notifications": "your notifications"}


def _email(worker_id: int, address: str, kind: str, page: str, text: str) -> None:
    """The email for a notification of ``kind``, after its transaction committed. Email is
    not a secure channel: it says only that there is something, of which kind, and where to
    look; a kind in :data:`ALWAYS_EMAILED` says its words (``text``) too, and goes whatever
    the worker chose about emails."""
    always = kind in ALWAYS_EMAILED
    if not always and not takes_email(worker_id):
        return
    _send(address, NotificationKind(kind).label, page, text if always else "")


def _send(address: str, label: str, page: str, said: str = "", added: str = "") -> None:
    """Send one notification email (``added``: a last paragraph of its own); a mail server
    that is down fails nothing."""
    link = settings.LOCUS_SITE_URL.rstrip("/") + reverse(page)
    try:
        send_mail(
            subject=f"Locus: {label}",
            message=f"You have a new item in Locus: {label}.\n\n"
            + (f"{said}\n\n" if said else "")
            + f"See it in {PAGE_NAMES[page]}: {link}\n"
            + (f"\n{added}\n" if added else ""),
            from_email=None,
            recipient_list=[address],
        )
    except Exception:
        # The write it tells of has committed; a mail server being down must not undo it
        # or fail the page. The notification is in My work either way.
        log.exception("A notification email could not be sent")


@transaction.atomic
def notification_read(*, actor: Worker, notification_id: object) -> Notification:
    """Mark one of the actor's notifications read (another's answers as missing)."""
    notification = access_notification(actor, notification_id)
    if notification.read_at is not None:
        return notification
    return save_changes(actor=actor, obj=notification, fields={"read_at": clock.now()})


@transaction.atomic
def notifications_read_all(*, actor: Worker) -> int:
    """Mark every unread notification of the actor's read; how many were."""
    now = clock.now()
    unread = list(Notification.objects.filter(recipient=actor, read_at__isnull=True))
    for notification in unread:
        save_changes(actor=actor, obj=notification, fields={"read_at": now})
    return len(unread)


@transaction.atomic
def email_preference_set(*, actor: Worker, email: bool) -> NotificationPreference:
    """The actor turns their notification emails on or off. Two presses at once (two tabs, a
    double click) may both find no row: ``get_or_create`` makes it in a savepoint and, if the
    other made it first, reads that one and changes it, so neither fails."""
    preference, made = NotificationPreference.objects.get_or_create(
        worker=actor, defaults={"email": bool(email)}
    )
    if made:
        record_change(actor=actor, action=ChangeAction.CREATE, obj=preference)
        return preference
    return save_changes(actor=actor, obj=preference, fields={"email": bool(email)})


def forget_all(*, actor: Worker, records: Iterable[models.Model]) -> int:
    """:func:`forget` for many records at once (a purge deletes a person's rows together):
    one query per kind of record, not one per record."""
    by_type: dict[str, list[int]] = {}
    for record in records:
        by_type.setdefault(record_type_of(record), []).append(record.pk)
    gone = 0
    for record_type, ids in by_type.items():
        gone += _remove(
            actor, Notification.objects.filter(record_type=record_type, record_id__in=ids)
        )
    return gone


def forget(
    *,
    actor: Worker,
    record: models.Model,
    recipient: Worker | None = None,
    kind: str | None = None,
) -> int:
    """Remove the notifications about a record that is going (purged under the retention
    rules, deleted as entered in error), or only ``recipient``'s about a record that is no
    longer theirs (a sign-off passed on to another manager: its page would answer "not
    found" to them), or only those of ``kind``, which no longer apply (the cases a closed
    account held, once it is back and confirmed); call inside the removing service's
    transaction."""
    about = Notification.objects.filter(record_type=record_type_of(record), record_id=record.pk)
    if recipient is not None:
        about = about.filter(recipient=recipient)
    if kind is not None:
        about = about.filter(kind=kind)
    return _remove(actor, about)


def withdraw(*, actor: Worker, notifications: models.QuerySet[Notification]) -> int:
    """Remove ``notifications``, chosen by their caller (one team's notice of a leaver's
    cases, once that team's are passed on), each removal in the change trail; call inside the
    removing service's transaction. How many went."""
    return _remove(actor, notifications)


def _remove(actor: Worker, notifications: models.QuerySet[Notification]) -> int:
    """Delete ``notifications``, each deletion in the change trail; how many."""
    gone = list(notifications)
    for notification in gone:
        record_change(actor=actor, action=ChangeAction.DELETE, obj=notification)
    notifications.filter(pk__in=[n.pk for n in gone]).delete()
    return len(gone)
