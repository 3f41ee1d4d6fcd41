"""Who sees and changes the retention rules, places and lifts legal holds, and purges.

* **The rules and the purge** are the data team's (the administrator role): they answer for
  what the authority keeps and for how long. An administrator changes a rule (with a reason)
  and starts a purge, after reading the dry run's list.
* **The information governance lead** (the auditor role) reads the rules, the holds and the
  past runs, to check them; never starts a purge, never changes a rule.
* **A legal hold** is placed by a team manager or an administrator: the manager of a case in
  proceedings knows of them first. A manager only on a record they may open (a hold on a
  record they cannot see is refused as if it did not exist); the administrator on any. A
  practitioner asks their manager. Everyone else is told these pages do not exist (404).
* **A hold is read and lifted** (its page names the proceedings and who placed it; a lift
  lets the record be purged) by the data team, by the manager who placed it and by a manager
  of the team that holds the record (a context case's lead team; a team with an open
  allocation of the person), the last two while they may still open the record. Seeing the
  record is not enough: a partner organisation sees the cases it referred, and every agency
  sees a case at a public place, but neither answers for the proceedings. The auditor role
  reads every hold (never lifts one). Anyone else is told the hold does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, partial

from locus.access import context_cases, scopes
from locus.access.models import Role, Worker
from locus.access.policies import holds_child, is_administrator, manages_a_team
from locus.access.provisioning import confirmed
from locus.casework.models import ContextCase
from locus.common.errors import NotPermitted
from locus.common.ids import as_id, parse_id
from locus.people.models import Person
from locus.retention.models import HeldKind, LegalHold, PurgeRun


def can_manage_retention(worker: Worker) -> bool:
    """Change a rule, start a purge."""
    return is_administrator(worker)


def can_read_retention(worker: Worker) -> bool:
    """Read the rules, the holds and the past runs."""
    return is_administrator(worker) or (confirmed(worker) and worker.role == Role.AUDITOR)


def can_hold(worker: Worker) -> bool:
    """Place or lift legal holds (on records the worker may open: ``held_record``): an
    administrator, or a team manager (``manages_a_team``: of a team, their access confirmed).
    A manager's account without a team answers for no team's proceedings, whatever its
    scope."""
    return is_administrator(worker) or manages_a_team(worker)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotPermitted(what)


def held_record(worker: Worker, kind: str, record_id: object) -> Person | ContextCase | None:
    """The person or case a worker may put a hold on, or None (missing, or not theirs to see:
    the same answer, so the form never confirms that a record exists). Seen in their own
    right: not by emergency access (break-glass), nor, for a person, by a forum share."""
    if not can_hold(worker):
        return None
    pk = as_id(record_id)
    if pk is None:
        return None
    if kind == HeldKind.PERSON:
        lasting = scopes.people_visible_to(worker, break_glass=False, shared=False)
        return lasting.filter(pk=pk).first()
    if kind == HeldKind.CASE:
        # In their own right, as for a person: emergency access shows a child's home and
        # groups, and the cases at them, for four hours only.
        with scopes.lasting_sight_only():
            return context_cases.cases_visible_to(worker).filter(pk=pk).first()
    return None


def _sight(worker: Worker, kind: str, record_id: object) -> tuple[bool, bool]:
    """Whether the worker may open the held record in their own right (``held_record``), and
    whether their team holds it (a context case's lead team, an open allocation of the
    person): the same for every hold on one record."""
    record = held_record(worker, kind, record_id)
    if record is None:
        return False, False
    if isinstance(record, Person):
        return True, holds_child(worker, record)
    return True, record.team_id == worker.team_id


def _answers_for(
    worker: Worker, hold: LegalHold, sight: Callable[[], tuple[bool, bool]] | None = None
) -> bool:
    """The manager who placed the hold, or a manager of the team that holds its record (a
    context case's lead team, a team with an open allocation of the person), while they may
    still open the record in their own right (``held_record``). ``sight``: the worker's
    ``_sight`` of the hold's record, when the caller asks it once for several holds."""
    placer = hold.placed_by_id == worker.pk
    if not placer and not manages_a_team(worker):
        return False
    opens, team_holds = (sight or partial(_sight, worker, hold.held_kind, hold.held_id))()
    return opens and (placer or team_holds)


def may_lift_hold(
    worker: Worker, hold: LegalHold, sight: Callable[[], tuple[bool, bool]] | None = None
) -> bool:
    """Whether the worker may lift this hold: an administrator any, a manager one they answer
    for (``_answers_for``)."""
    return is_administrator(worker) or (can_hold(worker) and _answers_for(worker, hold, sight))


def access_hold(worker: Worker, hold_id: object) -> LegalHold:
    """A hold the worker may lift (``may_lift_hold``), or 404."""
    require(can_hold(worker), "legal holds are for managers and administrators")
    hold = LegalHold.objects.filter(pk=parse_id(hold_id)).first()
    if hold is None or not may_lift_hold(worker, hold):
        raise NotPermitted("no such hold, or not one this worker may lift")
    return hold


def may_see_hold(worker: Worker, hold: LegalHold) -> bool:
    """Whether the worker may read this hold (its proceedings, who placed it): the data team
    and governance read every hold; a manager, one they answer for (``_answers_for``)."""
    return can_read_retention(worker) or (can_hold(worker) and _answers_for(worker, hold))


def hold_rights(worker: Worker, holds: Iterable[LegalHold]) -> list[tuple[LegalHold, bool, bool]]:
    """Each of ``holds`` on one record (the person page's banner, one line per hold), with
    whether the worker may read it and whether they may lift it: whoever may lift a hold may
    read it. The worker's sight of the record is asked once, not once a hold."""
    holds = list(holds)
    if len({(h.held_kind, h.held_id) for h in holds}) > 1:
        raise ValueError("hold_rights reads the holds on one record")
    sight = cache(partial(_sight, worker, holds[0].held_kind, holds[0].held_id)) if holds else None
    reads_all = can_read_retention(worker)
    found = []
    for hold in holds:
        lifts = may_lift_hold(worker, hold, sight)
        found.append((hold, lifts or reads_all, lifts))
    return found


def see_hold(worker: Worker, hold_id: object) -> LegalHold:
    """A hold the worker may read (``may_see_hold``), or 404."""
    hold = (
        LegalHold.objects.select_related("placed_by", "lifted_by")
        .filter(pk=parse_id(hold_id))
        .first()
    )
    if hold is None or not may_see_hold(worker, hold):
        raise NotPermitted("no such hold, or not one this worker may see")
    return hold


def access_run(worker: Worker, run_id: object) -> PurgeRun:
    require(can_read_retention(worker), "retention is for the data team and governance")
    run = PurgeRun.objects.select_related("started_by").filter(pk=parse_id(run_id)).first()
    if run is None:
        raise NotPermitted("no such run")
    return run
