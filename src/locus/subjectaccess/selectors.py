"""Reads of the subject access log: the data team's only (access/subjectaccess.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.common.ids import parse_id
from locus.common.modelkit import choice_values
from locus.common.models import JobState
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


@dataclass(frozen=True)
class PackageRow:
    """An export as ``viewer`` sees it listed: whether they may approve its release now,
    and whether they may download it (released, or theirs to check)."""

    package: SubjectAccessPackage
    may_approve: bool
    may_download: bool
    may_change_approver: bool = False


def packages_of(request: SubjectAccessRequest, viewer: Worker) -> list[PackageRow]:
    rows = request.packages.select_related("made_by", "approver", "approver_changed_by").defer(
        "contents"
    )
    return [
        PackageRow(
            p,
            may_approve=rules.may_decide_release(viewer, p),
            may_download=rules.may_download(viewer, p),
            may_change_approver=rules.may_change_approver(viewer, p),
        )
        for p in rows
    ]


def package_of(request: SubjectAccessRequest, package_id: object) -> SubjectAccessPackage:
    found = request.packages.filter(pk=parse_id(package_id)).first()
    if found is None:
        raise NotPermitted("not found")
    return found


def package_for_step(
    request: SubjectAccessRequest,
    package_id: object,
    viewer: Worker,
    may: Callable[[Worker, SubjectAccessPackage], bool],
) -> SubjectAccessPackage:
    """One export of the request, for a step on it that ``viewer`` may take (``may``: the
    rule of ``access.subjectaccess`` that says who takes it); anyone else: "not found", to
    the form's opening as to its saving. Nobody is shown a form only the named approver
    (or, to name someone else, another member of the data team) could save."""
    found = package_of(request, package_id)
    if not may(viewer, found):
        raise NotPermitted("not found")
    return found


def approvers_for(maker: Worker) -> list[Worker]:
    """Whom ``maker`` may name to approve an export's release: the data team but them."""
    return [w for w in data_team() if rules.may_be_named_approver(w, maker)]


def releases_waiting(viewer: Worker) -> list[SubjectAccessPackage]:
    """The exports ``viewer`` is named to check and approve, not yet approved nor lost
    (failed or deleted: ``SubjectAccessPackage.lost`` as a query), for My work (one query)."""
    if not rules.can_work_requests(viewer):
        return []
    return list(
        SubjectAccessPackage.objects.filter(
            approver=viewer, approved_at__isnull=True, request__status__in=OPEN_STATUSES
        )
        .exclude(state=JobState.FAILED)
        .exclude(state=JobState.DONE, file_name="")
        .select_related("request")
        .order_by("made_at", "pk")
    )


def approvers_instead(package: SubjectAccessPackage, viewer: Worker) -> list[Worker]:
    """Whom ``viewer`` may name to check ``package`` in place of its approver: the data team
    but its maker, the approver named now and ``viewer``."""
    return [w for w in data_team() if rules.may_be_named_instead(w, package, viewer)]


def data_team() -> list[Worker]:
    """Who a request may be assigned to: the active administrators but the command line's
    own account (``rules.data_team_filter``)."""
    team = Worker.objects.filter(rules.data_team_filter())
    return list(team.order_by("last_name", "first_name", "pk"))


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
