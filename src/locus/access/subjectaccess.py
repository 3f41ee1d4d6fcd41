"""Who works subject access requests (docs/subject-access.md).

The data team (administrators) logs, works and answers requests, and makes and downloads
the export. Nobody else sees a request: the log names who asked about which child, which
is itself sensitive, and the export holds everything about the child. A request is worked
by a named member of the data team, so it is assigned to an active administrator. Not the
command line's own account (an administrator that signs in nowhere): a request assigned to
it, or an export named to it to check, would wait for nobody.

Releasing an export takes two people: whoever asks for it names another member of the data
team, who checks it (the only one who may download it before it is approved) and approves
its release with the reason; only then may the data team download it to send it. Nobody
approves an export they asked for, whatever their role. The approver may instead return it
unapproved, with the reason: nobody downloads or releases it again. Until they decide, any
other member of the data team may name another approver in their place (the one named is
away), with the reason; never the maker, as ever. An export failed or deleted, or one whose
request is closed, waits for no decision: nobody approves, returns or passes it on.

Each of these compares people, not accounts (``context_cases.same_person``): another account
of the maker's (the same email) is the maker, and neither checks nor approves their export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from locus.access import policies
from locus.access.context_cases import same_person
from locus.access.models import SYSTEM_USERNAME, Worker
from locus.access.scopes import administrators_q
from locus.subjectaccess.models import RequestStatus

if TYPE_CHECKING:
    from locus.subjectaccess.models import SubjectAccessPackage


def can_work_requests(worker: Worker) -> bool:
    """Log, read, update and answer subject access requests, make and download exports."""
    return policies.is_administrator(worker)


def may_be_assigned(worker: Worker) -> bool:
    """A request is assigned to a named member of the data team: an active administrator
    who signs in (not the command line's account). :func:`data_team_filter` as a query."""
    return policies.is_administrator(worker) and worker.username != SYSTEM_USERNAME


def data_team_filter() -> Q:
    """The workers a request may be assigned to (:func:`may_be_assigned`, as a query): none
    whose access waits to be confirmed (``access/provisioning.py``), as the predicate says."""
    return administrators_q() & ~Q(username=SYSTEM_USERNAME)


def may_be_named_approver(worker: Worker, maker: Worker) -> bool:
    """Whom the maker of an export may name to approve its release: another active member
    of the data team (:func:`may_be_assigned`), never the maker (nor another account of
    theirs)."""
    return may_be_assigned(worker) and not same_person(worker, maker)


def may_be_named_instead(worker: Worker, package: SubjectAccessPackage, actor: Worker) -> bool:
    """Whom ``actor`` may name to check ``package`` in place of its approver: another member
    of the data team, never its maker, the approver named now, nor ``actor`` themselves
    (naming oneself would let one person take another's export to read and release it), nor
    another account of any of them."""
    return (
        not same_person(worker, actor)
        and not _is_approver(worker, package)
        and may_be_named_approver(worker, package.made_by)
    )


def _is_approver(worker: Worker, package: SubjectAccessPackage) -> bool:
    """``worker`` is the person named to check ``package`` (by any of their accounts)."""
    return package.approver is not None and same_person(worker, package.approver)


def may_approve_release(worker: Worker, package: SubjectAccessPackage) -> bool:
    """The approver named on ``package``, still of the data team, and not its maker (also
    whoever may return it unapproved); never once it was returned. Not the maker by another
    account of theirs either."""
    return (
        package.returned_at is None
        and can_work_requests(worker)
        and package.approver_id == worker.pk
        and not same_person(worker, package.made_by)
    )


def waits_for_decision(package: SubjectAccessPackage) -> bool:
    """``package`` still waits for its approver's decision: neither approved nor returned,
    not lost (failed, or its file deleted: nobody will check it), and its request still open
    (a closed request's export is neither approved nor returned: nothing is sent for it)."""
    return (
        package.approved_at is None
        and package.returned_at is None
        and not package.lost
        and package.request.is_open
    )


def may_decide_release(worker: Worker, package: SubjectAccessPackage) -> bool:
    """Open the form that approves ``package``'s release or returns it: its approver
    (:func:`may_approve_release`) while it waits for their decision
    (:func:`waits_for_decision`), ready to check (prepared, its file held). Once decided, or
    its request closed, the forms are "not found" for everyone, as a decided sign-off's are:
    the request's page says what was decided."""
    return package.ready and waits_for_decision(package) and may_approve_release(worker, package)


def may_change_approver(worker: Worker, package: SubjectAccessPackage) -> bool:
    """Name another approver of ``package`` in place of the one named (away): any member of
    the data team but that approver (by any of their accounts: they return it instead if it
    is wrong), while it waits for their decision (:func:`waits_for_decision`: never for a
    failed or deleted export, nor once its request is closed)."""
    return (
        can_work_requests(worker)
        and not _is_approver(worker, package)
        and waits_for_decision(package)
    )


def may_download(worker: Worker, package: SubjectAccessPackage) -> bool:
    """Once its release is approved, the data team (to send it, and afterwards to send it
    again), unless the request was withdrawn or refused: nothing is sent then. Before
    approval, only the named approver, to check it, while it waits for their decision
    (:func:`waits_for_decision`: not once its request is closed, when nobody decides it);
    never its maker alone. A child's whole record is read only for a release."""
    if not can_work_requests(worker) or package.returned_at is not None:
        return False
    if package.approved_at is not None:
        return package.request.status not in (RequestStatus.REFUSED, RequestStatus.WITHDRAWN)
    return waits_for_decision(package) and may_approve_release(worker, package)
