"""Break-glass: a worker's emergency sight of one record outside their scope.

The rules (also in ``access/RULES.md``):

* Practitioners, managers and analysts who see case records may ask, giving a
  category and a written reason; auditors never (they read the trail), nor
  administrators (who already see everything), nor a partner organisation's
  staff (who see no child at all).
* The sight lasts :data:`LASTS` unless the worker ends it sooner, counts as
  sight in the worker's own right (``scopes._break_glass``), and is read-only:
  it never lets the worker name, enrol or allocate the child (which would make
  the sight outlast the emergency).
* At most :data:`MAX_OPEN` at a time and :data:`MAX_PER_DAY` requests a day,
  counting requests for ids that turned out not to exist, so that asking is
  neither a search nor an oracle.
* Every read while it lasts is flagged in the audit trail (:func:`audit_flag`).
* A manager of the team the worker was in when they opened it reviews it (justified or
  not, with a note), whichever team the worker moves to afterwards; nobody reviews their
  own (by any account of theirs), and an administrator's IT role reviews no casework.
  Auditors (and administrators) see every use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from locus.access import scopes
from locus.access.models import BreakGlass, Role, Scope, Worker
from locus.access.policies import accounts_q, manages_a_team, same_person
from locus.access.provisioning import confirmed, confirmed_q
from locus.access.selectors import visible_person_ids
from locus.audit.models import AccessEvent
from locus.common import clock
from locus.common.ids import parse_id
from locus.people.models import Person

M = TypeVar("M", bound=Model)

LASTS = dt.timedelta(hours=4)
MAX_OPEN = 2
MAX_PER_DAY = 5
DAY = dt.timedelta(hours=24)
# A reason a reviewer can judge: a sentence, not "urgent" or "checking".
MIN_REASON_CHARS = 25
MIN_REASON_WORDS = 4

# The audit trail's name for a request (whether or not the id existed): one row per request.
REQUEST_RECORD_TYPE = "access.breakglassrequest"

REQUESTING_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.ANALYST})


def in_a_requesting_role(worker: Worker) -> bool:
    """Whether ``worker``'s role ever breaks glass: a check that costs no query, for pages
    that would otherwise look for emergency sight nobody in that role can hold."""
    return worker.role in REQUESTING_ROLES


def may_break_glass(worker: Worker) -> bool:
    """Whether ``worker`` may ask for emergency sight at all."""
    if worker.role not in REQUESTING_ROLES or worker.scope == Scope.ALL:
        return False
    if not scopes.sees_case_records(worker):
        return False
    # Only the partner half of ``scopes.in_team_given_no_child``: an independent reviewing
    # service's practitioner or manager (a chair) may still ask for emergency sight.
    return not scopes.in_partner_organisation(worker)


def open_for(worker: Worker, *, now: dt.datetime | None = None) -> QuerySet[BreakGlass]:
    """The worker's break-glass sight that is open now."""
    return BreakGlass.objects.filter(
        worker=worker, ended_at__isnull=True, expires_at__gt=now or clock.now()
    )


def open_uses(worker: Worker) -> list[BreakGlass]:
    """The worker's open break-glass sight with each record's person, soonest to expire
    first: what the banner on every page lists while it lasts."""
    return list(open_for(worker).select_related("person").order_by("expires_at", "id"))


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` is not enough to open a record in an emergency, or ``None``."""
    text = reason.strip()
    if not text:
        return "Enter the reason you need this record now"
    if len(text) < MIN_REASON_CHARS or len(text.split()) < MIN_REASON_WORDS:
        return (
            f"Give the reason in at least {MIN_REASON_WORDS} words ({MIN_REASON_CHARS} "
            "characters): what is happening and why this record will help"
        )
    return None


def can_review(reviewer: Worker, use: BreakGlass) -> bool:
    """A manager of the team the worker was in when they opened it (``use.team``), never the
    worker (by any account of theirs); not an administrator's IT role, nor a manager whose
    access waits to be confirmed (``policies.manages_a_team``)."""
    return (
        manages_a_team(reviewer)
        and reviewer.team_id == use.team_id
        and not same_person(reviewer, use.worker)
    )


def can_read_all_uses(worker: Worker) -> bool:
    """Auditors read every use, as they read the trail; administrators too, without reviewing.
    Not while the account's access waits to be confirmed (``access/provisioning.py``)."""
    return confirmed(worker) and worker.role in (Role.AUDITOR, Role.ADMINISTRATOR)


def uses_visible_to(viewer: Worker) -> QuerySet[BreakGlass]:
    """The break-glass uses ``viewer`` may list: their own; to a manager, those opened in
    their team (``use.team``, wherever the worker is now); all for audit."""
    return _readable(
        viewer,
        BreakGlass.objects.select_related("worker", "team", "reviewed_by"),
        "worker",
        "team",
    )


def unopened_requests_visible_to(viewer: Worker) -> QuerySet[AccessEvent]:
    """Requests that opened nothing (the id was no one's), to the same readers as the uses:
    a worker typing ids with reasons shows up to their manager, not only in the trail."""
    qs = AccessEvent.objects.filter(
        record_type=REQUEST_RECORD_TYPE, detail__granted=False
    ).select_related("actor__team")
    return _readable(viewer, qs, "actor", "actor__team")


def _readable(viewer: Worker, qs: QuerySet[M], by: str, team: str) -> QuerySet[M]:
    """Of ``qs``, what ``viewer`` may read: all, to audit; else what they did (``by`` names
    the worker), and a manager what was done in their team (``team`` names it). Nothing to an
    account whose access waits to be confirmed (``access/provisioning.py``)."""
    if not confirmed(viewer):
        return qs.none()
    if can_read_all_uses(viewer):
        return qs
    q = Q(**{by: viewer})
    if manages_a_team(viewer):
        q |= Q(**{f"{team}_id": viewer.team_id})
    return qs.filter(q)


def reviewers_of(use: BreakGlass) -> list[Worker]:
    """Who may review ``use`` (``can_review``): the active managers of the team it was
    opened in."""
    if use.team_id is None:
        return []
    managers = Worker.objects.filter(confirmed_q(), team_id=use.team_id, role=Role.MANAGER)
    return [m for m in managers if not same_person(m, use.worker)]


def can_list_uses(worker: Worker) -> bool:
    """Who has an emergency-access page: those who may ask (their own uses), managers (their
    team's, to review) and those who read every use (auditors, administrators). None while the
    account's access waits to be confirmed (``access/provisioning.py``)."""
    return may_break_glass(worker) or can_read_all_uses(worker) or manages_a_team(worker)


def awaiting_review_by(reviewer: Worker) -> QuerySet[BreakGlass]:
    """Uses opened in the reviewer's team, not their own (by any account), that nobody has
    reviewed yet (:func:`can_review`)."""
    if reviewer.team_id is None or not manages_a_team(reviewer):
        return BreakGlass.objects.none()
    return BreakGlass.objects.filter(team_id=reviewer.team_id, reviewed_at__isnull=True).exclude(
        accounts_q("worker", reviewer)
    )


def awaiting_review_count(reviewer: Worker) -> int:
    """How many uses await the reviewer (no query for anyone who reviews none)."""
    return awaiting_review_by(reviewer).count()


@dataclass(frozen=True)
class AuditFlag:
    """How a read during break-glass is written to the trail."""

    uses: list[int]  # the open break-glass uses, flagged on every read while they last
    of_person: BreakGlass | None  # the use that opened the record read, if it is one


def audit_flag(
    actor: Worker, record_type: str, record_id: str, person_ids: Iterable[object] = ()
) -> AuditFlag | None:
    """The break-glass flag for a read by ``actor``, or ``None`` outside break-glass."""
    if getattr(actor, "role", None) not in REQUESTING_ROLES:
        return None  # no query for those who never break glass
    uses = list(open_for(actor).order_by("started_at", "id"))
    if not uses:
        return None
    read = {str(p) for p in person_ids}
    if record_type == "people.person" and record_id:
        read.add(record_id)
    of_person = next((u for u in uses if str(u.person_id) in read), None)
    return AuditFlag(uses=[u.pk for u in uses], of_person=of_person)


def purpose_of(use: BreakGlass) -> str:
    return f"Break-glass ({use.get_category_display()}): {use.reason}"


def use_rows(viewer: Worker, uses: list[BreakGlass]) -> tuple[list[dict[str, Any]], set[int]]:
    """The emergency-access page's rows, and the ids of the people it names: a person is
    named only to a viewer who sees them, by id otherwise. Two queries for the lot."""
    named = visible_person_ids(viewer, [u.person_id for u in uses])
    names = Person.objects.in_bulk(list(named)) if named else {}
    now = clock.now()
    rows = [
        {
            "use": u,
            "person": names.get(u.person_id),
            "open": u.ended_at is None and u.expires_at > now,
            "can_review": u.reviewed_at is None and can_review(viewer, u),
            "mine": u.worker_id == viewer.pk,
        }
        for u in uses
    ]
    return rows, set(names)


# --- What the emergency access pages read ----------------------------------------------------

LISTED = 200  # the most recent uses (and unopened requests) a list shows


def sees_already(viewer: Worker, person_id: int) -> bool:
    """Whether the worker sees the person in their own right (or through glass already
    broken): then there is nothing to ask for, and nothing is revealed by saying so."""
    return scopes.people_visible_to(viewer, shared=False).filter(pk=person_id).exists()


def open_use(viewer: Worker, use_id: object) -> BreakGlass:
    """One of the worker's own open uses, or 404."""
    use: BreakGlass = get_object_or_404(open_for(viewer), pk=parse_id(use_id))
    return use


def listed_use(viewer: Worker, use_id: object) -> BreakGlass:
    """One use the worker may list (``uses_visible_to``), or 404."""
    use: BreakGlass = get_object_or_404(uses_visible_to(viewer), pk=parse_id(use_id))
    return use


def recent_uses(viewer: Worker) -> tuple[list[BreakGlass], list[AccessEvent]]:
    """The uses the worker may list, and the requests that opened nothing, newest first."""
    return (
        list(uses_visible_to(viewer)[:LISTED]),
        list(unopened_requests_visible_to(viewer)[:LISTED]),
    )


def person_seen(viewer: Worker, use: BreakGlass) -> Person | None:
    """The use's person, if the reviewer may see them (else the page gives only the id)."""
    return scopes.people_visible_to(viewer).filter(pk=use.person_id).first()
