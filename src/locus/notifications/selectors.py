"""Reading a worker's own notifications: nobody reads another's (``access/notifications.py``)."""

from __future__ import annotations

from django.db.models import QuerySet

from locus.access.models import Worker
from locus.notifications.models import Notification, NotificationPreference

# My work lists the newest unread ones, so that the work itself stays near the top however
# many a worker has had; every notification, read or not, is on the notifications page, a page
# at a time.
UNREAD_LISTED = 10
PER_PAGE = 30


def unread_for(viewer: Worker) -> tuple[list[Notification], bool]:
    """The viewer's newest unread notifications, newest first, and whether there are more
    unread than that (one query)."""
    newest = list(
        Notification.objects.filter(recipient=viewer, read_at__isnull=True)[: UNREAD_LISTED + 1]
    )
    return newest[:UNREAD_LISTED], len(newest) > UNREAD_LISTED


def notifications_for(viewer: Worker) -> QuerySet[Notification]:
    """All the viewer's notifications, read and unread, newest first (to be paged)."""
    return Notification.objects.filter(recipient=viewer)


def unread_count(viewer: Worker) -> int:
    """How many of the viewer's notifications are unread (one COUNT)."""
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


def takes_email(worker_id: int) -> bool:
    """Whether the worker takes notification emails: no preference row means yes (one query)."""
    choice = NotificationPreference.objects.filter(worker_id=worker_id).values_list(
        "email", flat=True
    )
    return next(iter(choice), True)


def email_choice(viewer: Worker) -> dict[str, object]:
    """Whether the viewer takes notification emails (``None`` for a worker with no email
    address, who has none to make)."""
    return {"email_choice": takes_email(viewer.pk) if viewer.email else None}


def my_notifications(viewer: Worker) -> dict[str, object]:
    """What My work shows of the viewer's notifications: the newest unread, whether more are
    unread, and their email choice."""
    unread, more = unread_for(viewer)
    return {"notifications": unread, "more_unread": more, **email_choice(viewer)}
