"""Writes to the subject access log: every one checked, atomic and audited (docs/subject-access.md).

The data team logs a request on the day it arrives; the statutory deadline is worked out from
that day (``deadlines``), never typed. A request moves from received to in progress, may be
extended once or twice within its first month, and closes as completed (the export sent),
refused (manifestly unfounded or excessive, with the reason) or withdrawn.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.common import clock
from locus.common.errors import ValidationFailed
from locus.common.modelkit import choice_values
from locus.common.models import JobState
from locus.common.services import Problems, create_audited, require, save_changes
from locus.people.models import Person
from locus.subjectaccess import deadlines
from locus.subjectaccess.models import RefusalGround, Requester, RequestStatus, SubjectAccessRequest

DETAIL_LIMIT = 300
TEXT_LIMIT = 5000


def person_ref(person: Person) -> str:
    """How the log names the person after a purge: ids only, never the name."""
    ref = f"Person {person.pk}"
    return f"{ref}, LA child ID {person.la_child_id}" if person.la_child_id else ref


def _next_reference(received_on: dt.date) -> str:
    year = received_on.year
    taken = SubjectAccessRequest.objects.filter(reference__startswith=f"SAR-{year}-").count()
    return f"SAR-{year}-{taken + 1:04d}"


def _check_day(problems: Problems, field: str, day: dt.date | None, what: str) -> None:
    if day is not None:
        problems.check(day <= clock.today(), field, f"The {what} must be today or in the past")


def _check_identity(
    problems: Problems, received_on: dt.date | None, checked_on: dt.date | None, how: str
) -> None:
    _check_day(problems, "identity_checked_on", checked_on, "day identity was checked")
    problems.check(
        checked_on is None or bool(how.strip()),
        "identity_check",
        "Say how identity was checked (for example, passport seen)",
    )
    problems.check(
        checked_on is not None or not how.strip(),
        "identity_checked_on",
        "Enter the day identity was checked",
    )
    problems.check(
        len(how) <= DETAIL_LIMIT,
        "identity_check",
        f"How identity was checked must be {DETAIL_LIMIT} characters or fewer",
    )


def _check_assignee(problems: Problems, worker: Worker | None) -> None:
    problems.check(
        worker is not None and rules.may_be_assigned(worker),
        "assigned_to",
        "Choose a member of the data team (an active administrator)",
    )


@transaction.atomic
def request_log(
    *,
    actor: Worker,
    person: Person | None,
    received_on: dt.date | None,
    requester: str,
    assigned_to: Worker | None,
    requester_detail: str = "",
    identity_checked_on: dt.date | None = None,
    identity_check: str = "",
    notes: str = "",
) -> SubjectAccessRequest:
    """Log a request received on ``received_on`` about ``person``, due one calendar month on."""
    require(rules.can_work_requests(actor), "not found")
    problems = Problems()
    problems.check(person is not None, "person", "Choose the person the request is about")
    problems.check(received_on is not None, "received_on", "Enter the day the request was received")
    _check_day(problems, "received_on", received_on, "day the request was received")
    problems.check(requester in choice_values(Requester), "requester", "Choose who asked")
    problems.check(
        requester in ("", Requester.SUBJECT) or bool(requester_detail.strip()),
        "requester_detail",
        "Enter the name of the parent, carer or representative who asked",
    )
    problems.check(
        len(requester_detail) <= DETAIL_LIMIT,
        "requester_detail",
        f"Who asked must be {DETAIL_LIMIT} characters or fewer",
    )
    _check_identity(problems, received_on, identity_checked_on, identity_check)
    _check_assignee(problems, assigned_to)
    problems.check(
        len(notes) <= TEXT_LIMIT, "notes", f"Notes must be {TEXT_LIMIT} characters or fewer"
    )
    problems.raise_if_any()
    assert person is not None and received_on is not None
    return create_audited(
        actor,
        SubjectAccessRequest,
        reference=_next_reference(received_on),
        received_on=received_on,
        requester=requester,
        requester_detail=requester_detail.strip(),
        identity_checked_on=identity_checked_on,
        identity_check=identity_check.strip(),
        person=person,
        person_ref=person_ref(person),
        due_on=deadlines.due_on(received_on),
        assigned_to=assigned_to,
        notes=notes.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )


def _require_open(request: SubjectAccessRequest) -> None:
    if not request.is_open:
        raise ValidationFailed(f"This request is {request.get_status_display().lower()}")


@transaction.atomic
def request_update(
    *,
    actor: Worker,
    request: SubjectAccessRequest,
    assigned_to: Worker | None,
    identity_checked_on: dt.date | None,
    identity_check: str,
    notes: str,
    start: bool = False,
) -> SubjectAccessRequest:
    """Record the identity check, reassign, add notes; ``start`` marks a received request
    as in progress."""
    require(rules.can_work_requests(actor), "not found")
    _require_open(request)
    problems = Problems()
    _check_identity(problems, request.received_on, identity_checked_on, identity_check)
    _check_assignee(problems, assigned_to)
    problems.check(
        len(notes) <= TEXT_LIMIT, "notes", f"Notes must be {TEXT_LIMIT} characters or fewer"
    )
    problems.raise_if_any()
    fields: dict[str, object] = {
        "assigned_to": assigned_to,
        "identity_checked_on": identity_checked_on,
        "identity_check": identity_check.strip(),
        "notes": notes.strip(),
    }
    if start and request.status == RequestStatus.RECEIVED:
        fields["status"] = RequestStatus.IN_PROGRESS
    return save_changes(actor=actor, obj=request, fields=fields)


@transaction.atomic
def request_extend(
    *, actor: Worker, request: SubjectAccessRequest, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend the deadline to ``months`` further months from the first deadline's month (1 or
    2 in all), for a complex or numerous request. The requester must be told within the first
    month, so an extension is recorded on or before the first deadline."""
    require(rules.can_work_requests(actor), "not found")
    _require_open(request)
    problems = Problems()
    problems.check(
        months in range(1, deadlines.MAX_EXTENSION_MONTHS + 1),
        "months",
        "Choose an extension of one or two months",
    )
    problems.check(bool(reason.strip()), "reason", "Say why the request is complex or numerous")
    problems.check(
        len(reason) <= TEXT_LIMIT, "reason", f"The reason must be {TEXT_LIMIT} characters or fewer"
    )
    problems.check(
        clock.today() <= request.due_on,
        "months",
        f"A request can only be extended within its first month (by {request.due_on:%d/%m/%Y})",
    )
    problems.raise_if_any()
    new_deadline = deadlines.extended_due_on(request.received_on, months)
    problems.check(
        new_deadline > request.deadline,
        "months",
        f"The request is already extended to {request.deadline:%d/%m/%Y}",
    )
    problems.raise_if_any()
    return save_changes(
        actor=actor,
        obj=request,
        fields={
            "status": RequestStatus.EXTENDED,
            "extended_to": new_deadline,
            "extension_reason": reason.strip(),
        },
    )


@transaction.atomic
def request_close(
    *,
    actor: Worker,
    request: SubjectAccessRequest,
    outcome: str,
    on: dt.date | None,
    note: str = "",
    refusal_ground: str = "",
) -> SubjectAccessRequest:
    """Close a request as completed (an export was made), refused (with the ground and the
    reason, which the requester is told with their right to complain to the ICO) or
    withdrawn."""
    require(rules.can_work_requests(actor), "not found")
    _require_open(request)
    problems = Problems()
    problems.check(
        outcome in (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN),
        "outcome",
        "Choose how the request ended",
    )
    problems.check(on is not None, "on", "Enter the day the request ended")
    _check_day(problems, "on", on, "day the request ended")
    problems.check(
        on is None or on >= request.received_on,
        "on",
        "The day the request ended must be on or after the day it was received",
    )
    if outcome == RequestStatus.REFUSED:
        problems.check(
            refusal_ground in choice_values(RefusalGround),
            "refusal_ground",
            "Choose why the request is refused",
        )
        problems.check(bool(note.strip()), "note", "Give the reason for refusing")
    if outcome == RequestStatus.WITHDRAWN:
        # An open request holds the child's records back from the purge: ending it unsaid
        # would let them go with no record of why.
        problems.check(bool(note.strip()), "note", "Say how the requester withdrew the request")
    if outcome == RequestStatus.COMPLETED and request.person_id is not None:
        problems.check(
            request.packages.filter(state=JobState.DONE, approved_at__isnull=False).exists(),
            "outcome",
            "Make the export, and have its release approved, before completing the request",
        )
    problems.check(
        len(note) <= TEXT_LIMIT, "note", f"The note must be {TEXT_LIMIT} characters or fewer"
    )
    problems.raise_if_any()
    return save_changes(
        actor=actor,
        obj=request,
        fields={
            "status": outcome,
            "completed_on": on,
            "outcome_note": note.strip(),
            "refusal_ground": refusal_ground if outcome == RequestStatus.REFUSED else "",
        },
    )
