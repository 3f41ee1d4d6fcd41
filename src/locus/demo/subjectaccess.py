"""Demo subject access requests, for the data team's walk-through (``admin``).

Call :func:`add_demo_subject_access` once the demo accounts exist. Three requests about three
of ``social.worker``'s children (by name, never by id): one received 24 days ago, due within
the week, assigned to ``admin`` and so in their My work; one answered last month, its export
made by ``admin``, its release approved by ``data.officer`` and the request completed (by the
worker the demo starts: :mod:`locus.demo.tasks`); and one whose export ``admin`` made three
days ago, naming ``data.officer`` to check it, which waits for them to approve its release (in
their My work, unread). Nothing is added without both accounts (``ensure_demo_accounts``
makes them, whatever the borough's age); the third only when she holds a third child.
Made through the services as ``admin``, on the days they happened. Safe to call again:
nothing is added once the demo has requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.common import clock
from locus.demo.caseload import held_by
from locus.demo.tasks import answer_demo_request, prepare_demo_export
from locus.notifications.models import Notification
from locus.notifications.services import notification_read
from locus.people.models import Person
from locus.subjectaccess.models import SubjectAccessRequest
from locus.subjectaccess.package import package_ask
from locus.subjectaccess.services import request_log, request_update


def _logged(admin: Worker, person: Person, on: dt.date, **details: Any) -> SubjectAccessRequest:
    """A request as the data team logged it on the day it came in, assigned to themselves."""
    with clock.frozen_at(on):
        return request_log(actor=admin, person=person, received_on=on, assigned_to=admin, **details)


def _start(admin: Worker, request: SubjectAccessRequest, on: dt.date) -> None:
    """The data team checks the requester's identity and starts work on ``request``, ``on``."""
    with clock.frozen_at(on):
        request_update(
            actor=admin,
            request=request,
            assigned_to=admin,
            identity_checked_on=on,
            identity_check="Known to the allocated social worker",
            notes=request.notes,
            start=True,
        )


def _started(admin: Worker, person: Person, on: dt.date, **details: Any) -> SubjectAccessRequest:
    """A request logged on the day it came in, ``on``, and started that day (:func:`_start`)."""
    request = _logged(admin, person, on, **details)
    _start(admin, request, on)
    return request


def add_demo_subject_access() -> list[SubjectAccessRequest]:
    admin = Worker.objects.filter(username="admin", is_active=True).first()
    worker = Worker.objects.filter(username="social.worker").first()
    # The release is approved by the data team's second member: never the command line's
    # account, which signs in nowhere (``access.subjectaccess.may_be_assigned``).
    second = Worker.objects.filter(username="data.officer", is_active=True).first()
    if admin is None or worker is None or second is None or SubjectAccessRequest.objects.exists():
        return []
    children = list(held_by(worker)[:3])
    if len(children) < 2:
        return []
    today = clock.today()
    answered_on = today - dt.timedelta(days=60)
    done = _logged(
        admin,
        children[1],
        answered_on,
        requester="parent",
        requester_detail="Their mother, by letter (synthetic)",
        identity_checked_on=answered_on,
        identity_check="Known to the allocated social worker",
    )
    sent_on = answered_on + dt.timedelta(days=20)
    with clock.frozen_at(sent_on):
        made = package_ask(actor=admin, request=done, approver=second)
    # Read on the day: the officer approved the release then. (The demo's step that marks
    # old notifications read ran before this one, which needs the accounts.)
    for asked in Notification.objects.filter(recipient=second, read_at__isnull=True):
        notification_read(actor=second, notification_id=asked.pk)
    # The worker makes the package and completes the request, on the day they were sent.
    answer_demo_request.enqueue(made.pk, sent_on.isoformat())
    done.refresh_from_db()  # completed already where the tasks run at once
    open_one = _started(
        admin,
        children[0],
        today - dt.timedelta(days=24),
        requester="subject",
        notes="Asked their social worker, who passed the request on.",
    )
    waiting = _waiting(admin, second, children[2]) if len(children) > 2 else None
    return [open_one, done] + ([waiting] if waiting else [])


def _waiting(admin: Worker, second: Worker, child: Person) -> SubjectAccessRequest:
    """A request whose export ``admin`` made three days ago, naming ``second`` to check it:
    ``second`` is told (unread), and the package is made on that day by the demo's worker."""
    today = clock.today()
    waiting = _started(
        admin,
        child,
        today - dt.timedelta(days=19),
        requester="subject",
        requester_detail="By email to the council's data protection team (synthetic)",
    )
    asked_on = today - dt.timedelta(days=3)
    with clock.frozen_at(asked_on):
        made = package_ask(actor=admin, request=waiting, approver=second)
    prepare_demo_export.enqueue(made.pk, asked_on.isoformat())
    return waiting
