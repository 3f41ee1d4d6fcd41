"""Reading notifications, marking them read, and turning their emails on or off. The posts
answer with a redirect back to where the worker marked them: the notifications page, or else
where the header sends them (My work, or the notifications page for a worker without case
records). Another worker's notification answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from locus.access.notifications import notifications_page
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.notifications import services
from locus.notifications.selectors import PER_PAGE, email_choice, notifications_for

# The one value of the posts' "back" field that is not the default: the form was on the
# notifications page. A fixed word, not a path, so the field can send nobody elsewhere.
FROM_PAGE = "page"


def _back(request: AuthedRequest) -> HttpResponse:
    page = "notifications" if request.POST.get("back") == FROM_PAGE else None
    return redirect(reverse(page or notifications_page(request.user)) + "#notifications")


def notifications(request: AuthedRequest) -> HttpResponse:
    """The worker's own notifications, read and unread, a page at a time, and nothing else:
    for a worker without case records the only page that lists them; for everyone else the
    whole list behind My work's unread ones. The read is in the access trail with the ids
    of the notifications shown."""
    page, params = paginate(request, notifications_for(request.user), per_page=PER_PAGE)
    record_access(
        actor=request.user,
        record_type="notifications.notification",
        detail={"page": "notifications", "shown": [n.pk for n in page.object_list]},
    )
    return render(
        request,
        "notifications/page.html",
        {"notifications": page.object_list, "page": page, **params, **email_choice(request.user)},
    )


@require_POST
def read_one(request: AuthedRequest, notification_id: int) -> HttpResponse:
    services.notification_read(actor=request.user, notification_id=notification_id)
    return _back(request)


@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    done = services.notifications_read_all(actor=request.user)
    messages.success(request, f"{done} notification{'' if done == 1 else 's'} marked as read")
    return _back(request)


@require_POST
def email(request: AuthedRequest) -> HttpResponse:
    wanted = request.POST.get("email") == "on"
    services.email_preference_set(actor=request.user, email=wanted)
    messages.success(request, f"Notification emails turned {'on' if wanted else 'off'}")
    return _back(request)
