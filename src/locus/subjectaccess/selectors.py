"""Reads of the subject access log: the data team's only (access/subjectaccess.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.common.ids import parse_id
from locus.common.modelkit import choice_values
from locus.subjectaccess.models import (
    OPEN_STATUSES,
    RequestStatus,
    SubjectAccessPackage,
    SubjectAccessRequest,
)


def requests_for(viewer: Worker, *, status: str = "") -> QuerySet[SubjectAccessRequest]:
    """The log, open requests first by deadline, filtered by ``status`` ("open" for all
    open ones)."""
    if not rules.can_work_requests(viewer):
        raise NotPermitted("not found")
    rows = SubjectAccessRequest.objects.select_related("person", "assigned_to")
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status in choice_values(RequestStatus):
        rows = rows.filter(status=status)
    return rows.order_by("-received_on", "-id")


def request_of(viewer: Worker, request_id: object) -> SubjectAccessRequest:
    """One request, for the data team; anyone else, or no such request: "not found"."""
    if not rules.can_work_requests(viewer):
        raise NotPermitted("not found")
    found = (
        SubjectAccessRequest.objects.select_related("person", "assigned_to", "recorded_by")
        .filter(pk=parse_id(request_id))
        .first()
    )
    if found is None:
        raise NotPermitted("not found")
    return found


def packages_of(request: SubjectAccessRequest) -> list[SubjectAccessPackage]:
    return list(request.packages.select_related("made_by").defer("contents"))


def package_of(request: SubjectAccessRequest, package_id: object) -> SubjectAccessPackage:
    found = request.packages.filter(pk=parse_id(package_id)).first()
    if found is None:
        raise NotPermitted("not found")
    return found


def data_team() -> list[Worker]:
    """Who a request may be assigned to: the active administrators."""
    return list(
        Worker.objects.filter(rules.data_team_filter()).order_by("last_name", "first_name", "pk")
    )


def due_for(viewer: Worker) -> list[SubjectAccessRequest]:
    """The open requests assigned to ``viewer``, for My work: each with its statutory
    deadline. Nobody outside the data team has any (one query)."""
    if not rules.can_work_requests(viewer):
        return []
    return list(
        SubjectAccessRequest.objects.filter(assigned_to=viewer, status__in=OPEN_STATUSES).order_by(
            "due_on", "pk"
        )
    )
