"""Demo notifications, so that the header's "Notifications, N unread" has something to say.

The demo's meetings, sign-offs and actions are made through the services, which tell the
workers concerned as they go (invitations, sign-offs asked, actions given). This step adds
what time would: the reminders of reviews and actions falling due (``locus notify-due``),
and marks read what a worker would long since have read: every notification more than
two weeks old, and all but ``social.worker``'s newest few, so that My work shows both kinds.
Safe to call again: the reminders are sent once per due date, and read stays read.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from locus.access.models import Worker
from locus.common import clock
from locus.notifications.models import Notification
from locus.notifications.reminders import send_due_reminders
from locus.notifications.services import notification_read

# How many of social.worker's newest notifications stay unread.
LEFT_UNREAD = 3
# A notification older than this has been read: months of unread sign-off requests for work
# long since signed off is not what a manager's My work looks like.
READ_AFTER = dt.timedelta(days=14)


@transaction.atomic
def add_demo_notifications() -> int:
    """Send the reminders due today and mark read what would have been read (above); how many
    reminders were sent."""
    sent = send_due_reminders()
    sw = Worker.objects.filter(username="social.worker").first()
    # Once: after that, what the workers have read is theirs to say.
    if not Notification.objects.filter(read_at__isnull=False).exists():
        unread = Notification.objects.filter(read_at__isnull=True).select_related("recipient")
        older = list(unread.filter(created_at__lt=clock.now() - READ_AFTER))
        if sw is not None:
            older += list(unread.filter(recipient=sw)[LEFT_UNREAD:])
        for notification in {n.pk: n for n in older}.values():
            notification_read(actor=notification.recipient, notification_id=notification.pk)
    return sent
