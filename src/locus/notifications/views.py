"""Reading notifications, marking them read, and turning their emails on or off. The posts
answer with a redirect back to where the worker reads them (My work, or the notifications
page for a worker without case records). Another worker's notification answers 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from locus.access.models import Worker
from locus.access.notifications import notifications_page
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.notifications import services
from locus.notifications.models import Notification
from locus.notifications.selectors import my_notifications


def _back(worker: Worker) -> HttpResponse:
    return redirect(reverse(notifications_page(worker)) + "#notifications")


def notifications(request: AuthedRequest) -> HttpResponse:
    """The worker's own notifications and nothing else: for a worker without case records,
    the only page that lists them (it shows what each notification says, and its link).
    The read is in the access trail with the ids of the notifications shown."""
    shown = my_notifications(request.user)
    listed = cast(list[Notification], shown["notifications"])
    record_access(
        actor=request.user,
        record_type="notifications.notification",
        detail={"page": "notifications", "shown": [n.pk for n in listed]},
    )
    return render(request, "notifications/page.html", shown)


@require_POST
def read_one(request: AuthedRequest, notification_id: int) -> HttpResponse:
    services.notification_read(actor=request.user, notification_id=notification_id)
    return _back(request.user)


@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    done = services.notifications_read_all(actor=request.user)
    messages.success(request, f"{done} notification{'' if done == 1 else 's'} marked as read")
    return _back(request.user)


@require_POST
def email(request: AuthedRequest) -> HttpResponse:
    wanted = request.POST.get("email") == "on"
    services.email_preference_set(actor=request.user, email=wanted)
    messages.success(request, f"Notification emails turned {'on' if wanted else 'off'}")
    return _back(request.user)
