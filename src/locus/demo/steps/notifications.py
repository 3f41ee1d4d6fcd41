"""Demo notifications, so that the header's "Notifications, N unread" has something to say.

The demo's meetings, sign-offs and actions are made through the services, which tell the
workers concerned as they go (invitations, sign-offs asked, actions given). This step adds
what time would: the reminders of reviews and actions falling due (``locus notify-due``),
and marks ``social.worker``'s oldest notifications read, so that My work shows both kinds.
Safe to call again: the reminders are sent once per due date, and read stays read.
"""

from __future__ import annotations

from django.db import transaction

from locus.access.models import Worker
from locus.notifications.models import Notification
from locus.notifications.reminders import send_due_reminders
from locus.notifications.services import notification_read

# How many of social.worker's newest notifications stay unread.
LEFT_UNREAD = 3


@transaction.atomic
def add_demo_notifications() -> int:
    """Send the reminders due today and mark social.worker's older notifications read; how
    many reminders were sent."""
    sent = send_due_reminders()
    sw = Worker.objects.filter(username="social.worker").first()
    # Once: after that, what the worker has read is theirs to say.
    if sw is not None and not Notification.objects.filter(recipient=sw, read_at__isnull=False):
        older = Notification.objects.filter(recipient=sw, read_at__isnull=True)[LEFT_UNREAD:]
        for notification in older:
            notification_read(actor=sw, notification_id=notification.pk)
    return sent
