"""What the demo leaves to the worker ``locus demo`` starts beside the site, so the site is up
before this slower work is done: the subject access requests' packages (a PDF of a child's
whole record each), the answered one's and the one waiting for its release to be approved. It
is done in the first seconds the site is up; with the tasks run at once (the tests) it is done
in the set-up."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from locus.common import clock
from locus.common.models import JobState
from locus.subjectaccess.models import RequestStatus, SubjectAccessPackage
from locus.subjectaccess.package import package_approve, produce
from locus.subjectaccess.services import request_close


@task()
def answer_demo_request(package_id: int, on: str) -> str:
    """Make the package ``package_id``, approve its release and complete its request, all on
    the day ``on`` (ISO): the day the story's data team sent the export. Returns the state the
    package ends in."""
    day = dt.date.fromisoformat(on)
    with clock.frozen_at(day):
        state = produce(package_id)
        rows = SubjectAccessPackage.objects.select_related("request", "made_by", "approver")
        made = rows.get(pk=package_id)
        if state == JobState.DONE and made.approver is not None and not made.released:
            package_approve(
                actor=made.approver,
                package=made,
                reason="Read against the record; redactions and files checked (demo)",
            )
        if state == JobState.DONE and made.request.is_open:
            request_close(
                actor=made.made_by,
                request=made.request,
                outcome=RequestStatus.COMPLETED,
                on=day,
                note="Sent by post",
            )
    return state


@task()
def prepare_demo_export(package_id: int, on: str) -> str:
    """Make the package ``package_id`` on the day ``on`` (ISO), and leave it for its named
    approver to check and approve. Returns the state the package ends in."""
    with clock.frozen_at(dt.date.fromisoformat(on)):
        return produce(package_id)
