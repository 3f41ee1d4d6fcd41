"""Visits that reclaim a context, and a protected home's consent (RULES.md, "Visits and
protected homes").

* **Who sees a plan and its visits**: a worker who sees case records and the context (public
  places: all of them; a home or group is never visited under a plan). A partner
  organisation's staff see only the plans their agency goes on.
* **Who plans visits**: a practitioner or manager of the team working the context's open
  case (its lead and team), as for the case's other work. A place is reclaimed as Level 2
  work, so a plan belongs with the case that found the place, not with any team passing by.
* **Who ends them** (the place reclaimed), with a reason: the team that made the plan (its
  practitioners and managers; kept on the plan, ``VisitPlan.team``, whichever team its maker
  is in later), the case closed or not: the plan outlives the case, and its team decides
  when the work is done; or the lead of the place's open case. Not another team that works
  or worked a case at the place, nor a worker who goes for another agency.
* **Who goes on a plan**: a practitioner or manager in the team working the place's case
  (or its lead), or in an agency taking part (``plan.agencies``); never a conference chair
  (an independent reviewing service's staff: ``goes_at_all``). Being named is not kept
  for good: a named worker who moves to a team outside both no longer goes (``goes_on``).
* **Who records a visit** (made or missed): a worker who goes on the plan, or one who may
  plan it. Never the IT administrator (no casework) nor an auditor (reads the trail).
* **Naming young people met**: only those the recorder sees in their own right
  (``policies.can_name_people``); a viewer who may not see a child sees the count only.
* **A home's consent**: seen by whoever sees the home; recorded by a practitioner or manager
  who sees it and works its open case or belongs to its holding team, never of a partner
  organisation (a housing officer who recorded the home) nor of an independent reviewing
  service.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from locus.access import scopes
from locus.access.context_cases import (
    cases_visible_to,
    casework_owners,
    is_casework_worker,
    is_partner,
    owns_casework,
)
from locus.access.lookups import one_or_404
from locus.access.models import Agency, Worker
from locus.access.places import in_holding_team
from locus.access.policies import can_view_context
from locus.casework.models import ContextCase
from locus.outreach.models import VisitPlan
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind


def plans_visible_to(worker: Worker) -> QuerySet[VisitPlan]:
    """The visit plans ``worker`` sees (and with them, their visits)."""
    if not scopes.sees_case_records(worker):
        return VisitPlan.objects.none()
    plans = VisitPlan.objects.filter(context_id__in=scopes.contexts_visible_to(worker).values("id"))
    if is_partner(worker):
        plans = plans.filter(agencies=worker.agency_id or 0)
    return plans


def access_plan(worker: Worker, plan_id: object) -> VisitPlan:
    """The plan, or 404 for one that is missing or that ``worker`` may not see."""
    return one_or_404(
        plans_visible_to(worker).select_related("context", "ended_by", "team__agency"), plan_id
    )


def _writes(worker: Worker) -> bool:
    """A practitioner or manager in a team who sees case records: no administrator (an IT
    role), no auditor, no analyst."""
    return is_casework_worker(worker) and scopes.sees_case_records(worker)


def _cases_worked(worker: Worker) -> QuerySet[ContextCase]:
    """The context cases ``worker``'s team works (or worked), or that they lead."""
    team = Q(team_id=worker.team_id) if worker.team_id is not None else Q(pk__in=[])
    return ContextCase.objects.filter(team | Q(lead=worker))


def _works_open_case(worker: Worker, context: Context) -> bool:
    return _cases_worked(worker).filter(context=context).exclude(status="closed").exists()


def goes_at_all(worker: Worker) -> bool:
    """Whether ``worker`` may be named to go on any plan: an active practitioner or manager
    in a team, not of an independent reviewing service (a conference chair chairs and reviews
    the place's case and does nothing else in its casework: a chair who went on its visits
    would chair their own work)."""
    return owns_casework(worker)


def workers_who_may_go() -> QuerySet[Worker]:
    """The workers :func:`goes_at_all` allows, for the form that starts a plan."""
    return casework_owners()


def may_go(worker: Worker, context: Context, agencies: Iterable[Agency]) -> bool:
    """Whether ``worker`` may be named to go on a plan for ``context`` with ``agencies``
    taking part: a practitioner or manager in the team working its case (or its lead), or in
    one of those agencies. :func:`goes_on` asks the same of the plans already made. A case
    that has closed still counts: its plan is not ended with it, and its team's workers named
    on it still go."""
    if not goes_at_all(worker):
        return False
    in_agency = worker.agency_id in {a.pk for a in agencies}
    return in_agency or _cases_worked(worker).filter(context=context).exists()


def goes_on(worker: Worker) -> QuerySet[VisitPlan]:
    """The plans that name ``worker`` and that they still go on (:func:`may_go`, asked now):
    a worker named while in the case's team who then moves to another agency's team (a
    school's safeguarding team) no longer records its visits nor has them in My work; nor
    does a conference chair named on one (:func:`goes_at_all`)."""
    if not _writes(worker) or not goes_at_all(worker):
        return VisitPlan.objects.none()
    taking_part = VisitPlan.objects.filter(agencies=worker.agency_id or 0).values("id")
    worked = _cases_worked(worker).values("context_id")
    return VisitPlan.objects.filter(workers=worker).filter(
        Q(id__in=taking_part) | Q(context_id__in=worked)
    )


def can_plan_visits(worker: Worker, context: Context) -> bool:
    """Plan regular visits to a public place: the team working its open case."""
    return (
        _writes(worker)
        and context.kind not in RESTRICTED_KINDS
        and can_view_context(worker, context)
        and _works_open_case(worker, context)
    )


def can_end_visits(worker: Worker, plan: VisitPlan) -> bool:
    """End a plan's visits, saying why, while they see the place: a practitioner or manager
    of the team that made the plan (``plan.team``, kept when it was made), or the lead of the
    place's open case. Another team that works or worked a case at the place sees the plan,
    and records its visits when it goes on them, but the work it ends is its own."""
    if not _writes(worker) or not can_view_context(worker, plan.context):
        return False
    if plan.team_id is not None and worker.team_id == plan.team_id:
        return True
    leads = ContextCase.objects.filter(context=plan.context, lead=worker)
    return leads.exclude(status="closed").exists()


def can_record_visit(worker: Worker, plan: VisitPlan) -> bool:
    """Record a visit made or missed: a worker who still goes on the plan, or one who may
    plan it."""
    if not _writes(worker) or not can_view_context(worker, plan.context):
        return False
    return goes_on(worker).filter(pk=plan.pk).exists() or can_plan_visits(worker, plan.context)


def plannable_contexts(worker: Worker) -> QuerySet[Context]:
    """The public places ``worker`` may plan visits to (for the form that starts a plan)."""
    if not _writes(worker):
        return Context.objects.none()
    team = Q(team_id=worker.team_id) | Q(lead=worker)
    cases = cases_visible_to(worker).exclude(status="closed").filter(team)
    return (
        scopes.contexts_visible_to(worker)
        .exclude(kind__in=RESTRICTED_KINDS)
        .filter(id__in=cases.values("context_id"))
    )


def plans_some(worker: Worker) -> bool:
    """Whether ``worker`` may plan visits anywhere now (one query): the visit plans list
    offers the form, and the form opens, only then."""
    return plannable_contexts(worker).exists()


def sees_household(worker: Worker, context: Context) -> bool:
    """A home's household and consent: whoever sees the home."""
    return context.kind == ContextKind.HOME and can_view_context(worker, context)


def can_record_consent(worker: Worker, context: Context) -> bool:
    """Record the household's consent: a practitioner or manager who sees the home and
    works its open case or belongs to its holding team; never a partner organisation's
    staff (a housing officer who recorded the home sees it, but seeking and recording the
    family's agreement to protective work is the casework's), nor an independent reviewing
    service's (they chair and review, and do none of the casework)."""
    return (
        _writes(worker)
        and owns_casework(worker)
        and not is_partner(worker)
        and sees_household(worker, context)
        and (_works_open_case(worker, context) or in_holding_team(worker, context))
    )
