"""Marking notifications read, and turning their emails on or off: posts from My work,
each answered by a redirect back to it. Another worker's notification answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from locus.common.http import AuthedRequest
from locus.notifications import services


def _back() -> HttpResponse:
    return redirect(reverse("my-work") + "#notifications")


@require_POST
def read_one(request: AuthedRequest, notification_id: int) -> HttpResponse:
    services.notification_read(actor=request.user, notification_id=notification_id)
    return _back()


@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    done = services.notifications_read_all(actor=request.user)
    messages.success(request, f"{done} notification{'' if done == 1 else 's'} marked as read")
    return _back()


@require_POST
def email(request: AuthedRequest) -> HttpResponse:
    wanted = request.POST.get("email") == "on"
    services.email_preference_set(actor=request.user, email=wanted)
    messages.success(request, f"Notification emails turned {'on' if wanted else 'off'}")
    return _back()
