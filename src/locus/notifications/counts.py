"""The unread count every page's header shows, as an expression on the worker's row.

The sign-in backend loads the worker once per request (``access/backends.py``); with this
annotation that same query brings the count, so the header costs no query of its own.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from locus.notifications.models import Notification


def unread_notifications() -> Coalesce:
    """The number of the outer worker's unread notifications (a correlated COUNT on the
    recipient and read-at index)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
