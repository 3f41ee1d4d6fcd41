"""Who sees a notification: its recipient, and nobody else (not a manager, not an auditor,
who reads the audit trail instead). Anyone else's id answers as a missing one. Every worker
may read their own, whatever their role (:func:`notifications_page` says where)."""

from __future__ import annotations

from locus.access import scopes
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.common.ids import as_id
from locus.notifications.models import Notification


def access_notification(viewer: Worker, notification_id: object) -> Notification:
    """The viewer's own notification with this id, or ``NotPermitted`` (a 404)."""
    number = as_id(notification_id)
    found = (
        Notification.objects.filter(pk=number, recipient=viewer).first()
        if number is not None
        else None
    )
    if found is None:
        raise NotPermitted("a worker reads only their own notifications")
    return found


def notifications_page(worker: Worker) -> str:
    """The url name of the page where ``worker`` first reads their notifications (the header's
    link): My work, with its newest unread ones, for whoever works with case records; for anyone
    else (the information governance lead, an administrator without case records), the page of
    their notifications alone. They are told of things too (an API token revoked, a legal hold
    they placed lifted), and My work, a list of casework, is not theirs. That page lists every
    worker's own notifications, read and unread, for anyone who wants the whole list."""
    return "my-work" if scopes.sees_case_records(worker) else "notifications"
