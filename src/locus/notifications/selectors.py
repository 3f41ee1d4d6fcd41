"""Reading a worker's own notifications: nobody reads another's (``access/notifications.py``)."""

from __future__ import annotations

from locus.access.models import Worker
from locus.notifications.models import Notification, NotificationPreference

# My work lists the newest; older ones stay in the table (and the audit trail).
LISTED = 30


def notifications_for(viewer: Worker) -> list[Notification]:
    """The viewer's newest notifications, newest first (one query)."""
    return list(Notification.objects.filter(recipient=viewer)[:LISTED])


def unread_count(viewer: Worker) -> int:
    """How many of the viewer's notifications are unread (one COUNT)."""
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


def takes_email(worker_id: int) -> bool:
    """Whether the worker takes notification emails: no preference row means yes (one query)."""
    choice = NotificationPreference.objects.filter(worker_id=worker_id).values_list(
        "email", flat=True
    )
    return next(iter(choice), True)


def my_notifications(viewer: Worker) -> dict[str, object]:
    """What My work shows of the viewer's notifications: the newest, and their email choice
    (``None`` for a worker with no email address, who has none to make)."""
    return {
        "notifications": notifications_for(viewer),
        "email_choice": takes_email(viewer.pk) if viewer.email else None,
    }
