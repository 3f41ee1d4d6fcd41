"""An account's sight needs a second person: the IT administrator alone opens nobody's records.

An administrator on the admin site could otherwise make an account with an email they hold,
in any team, with any role and scope, set its password and sign in as it; or move a dormant
account into another team, or widen its sight. So an account the admin site makes, or whose
team, role or scope it changes (widening its sight) or which it makes active again, waits:
it signs in, but has none of its role's powers until a second person confirms it
(``access.services.worker_access_confirm``), or refuses it with a reason, in Locus: every
power a role gives asks :func:`confirmed` (or, in a query, :func:`confirmed_q`), so it sees
no case records (``scopes.sees_case_records``), has no administrator's powers
(``scopes.is_administrator``), reads neither the trail nor every emergency access, every
share or the retention rules, and manages no team (``policies.manages_a_team``). No other
rule reads the waiting field.

That person is a team manager of the account's team, or another administrator for an
account without a team (an administrator, an auditor): never the administrator who made
the change, nor the account itself, nor another account of either's person (the same work
email, ``policies.same_person``), nor anyone whose own access is waiting. The command line
(``locus createadmin``), the demo and changes that narrow sight need no one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from locus.access.models import SYSTEM_USERNAME, Role, Scope, Team, Worker
from locus.audit.models import ChangeAction, ChangeEvent

# Every rule module asks :func:`confirmed`, so this one imports none of them at its top: the
# functions that need ``policies`` or ``context_cases`` import them when called.

# From the narrowest sight to the widest: a change down this list needs no one.
_SCOPE_ORDER = [Scope.NONE, Scope.OWN, Scope.TEAM, Scope.AGENCY, Scope.ALL]


def awaiting(worker: Worker) -> bool:
    """The account sees nothing until its access is confirmed (refused stays so)."""
    return worker.access_awaiting_since is not None


def confirmed(worker: Worker) -> bool:
    """Whether ``worker``'s role gives it any power: an active account whose access does not
    wait for a second person. Every power a role gives asks this first (no query)."""
    return bool(worker.is_active) and not awaiting(worker)


AWAITING_NOTE = "(access not yet confirmed)"
"""How an attendance list names a worker whose access waits: the recorder may record them
present (the list says who was in the room, it grants nothing), and knows they see nothing."""


def awaiting_note(worker: Worker) -> str:
    """:data:`AWAITING_NOTE` for a waiting account, "" for any other."""
    return AWAITING_NOTE if awaiting(worker) else ""


def waiting_since(worker: Worker) -> dt.datetime | None:
    """Since when the account's access has waited (None once confirmed): kept on a record
    made while it waited, so the record carries nothing during that same wait
    (:func:`same_wait_q`)."""
    return worker.access_awaiting_since


def same_wait_q(field: str, since_field: str) -> Q:
    """The rows whose worker (``field``) still waits the wait they were recorded in
    (``since_field`` kept :func:`waiting_since`): a conference attendance recorded while a
    new account waited opens nothing until a second person confirms it: not while refused,
    and a refusal keeps the wait, so one confirmed after being asked about again confirms
    it. A later wait (a widened scope, once confirmed) is another, and takes nothing back."""
    return Q(**{f"{field}__access_awaiting_since": F(since_field)})


def confirmed_q(field: str = "") -> Q:
    """:func:`confirmed` as a query: on the worker model, or (``field``) through the worker
    field of another model (an identifier query's ``routed_to``)."""
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}is_active": True, f"{prefix}access_awaiting_since__isnull": True})


def closed_q(field: str = "") -> Q:
    """Accounts that hold their cases no more: closed, or made active again and not yet
    confirmed (they hold nothing until a second person confirms them). The change trail tells
    a reactivation's wait from one for any other change: a reactivation with no confirmation
    after it. On the worker model, or (``field``) through another model's worker field."""
    prefix = f"{field}__" if field else ""
    changes = ChangeEvent.objects.filter(
        record_type=Worker._meta.label_lower, action=ChangeAction.UPDATE
    )
    confirmed_since = changes.filter(
        record_id=OuterRef("record_id"), pk__gt=OuterRef("pk"), after__access_awaiting_since=None
    )
    reopened = changes.filter(
        ~Exists(confirmed_since),
        record_id=Cast(OuterRef(f"{field}_id" if field else "pk"), CharField()),
        after__is_active=True,
    )
    return Q(**{f"{prefix}is_active": False}) | Q(
        Exists(reopened), **{f"{prefix}access_awaiting_since__isnull": False}
    )


def why_given_no_work(worker: Worker) -> str:
    """Why an active ``worker`` is given no work (made a lead, an assessor, a chair, an owner
    or a case holder), in words for the form's field, or "" when their access is confirmed:
    work given to an account whose access waits would sit with someone who cannot act on it.
    An inactive account is refused by its caller, in its own words."""
    if worker.is_active and awaiting(worker):
        return (
            f"{worker}'s access is waiting for a second person to confirm it: they are given "
            "no work until then"
        )
    return ""


def widens_sight(before: dict[str, Any] | None, worker: Worker) -> bool:
    """Whether the admin site's save of ``worker`` (its fields ``before``, ``None`` for a new
    account) needs a second person: a new account, another team (and so perhaps another
    agency), another role, a wider scope, or an account made active again. A narrower scope
    or a deactivation needs no one, nor any change to an account saved closed: it is asked
    when the account is made active again, whoever may confirm it then."""
    if before is None:
        return True
    if not worker.is_active:
        return False
    wider = _SCOPE_ORDER.index(Scope(worker.scope)) > _SCOPE_ORDER.index(Scope(before["scope"]))
    return (
        worker.team_id != before["team"]
        or worker.role != before["role"]
        or wider
        or (worker.is_active and not before["is_active"])
    )


def changed_while_waiting(worker: Worker) -> list[Worker]:
    """Every account that changed ``worker`` since its access began to wait, other than by
    deciding it: the administrators who asked (each change the admin site made), and any other
    change to the account meanwhile. The wait starts at the first change a second person must
    confirm and runs through later changes and a refusal, until a confirmation
    (``services.worker_access_ask`` keeps its start), so an administrator who made an account
    with an email they hold is still too close after a colleague changed it too."""
    if not awaiting(worker):
        return []
    changes = ChangeEvent.objects.filter(
        record_type=worker._meta.label_lower,
        record_id=str(worker.pk),
        at__gte=worker.access_awaiting_since,
    ).values_list("actor_id", "after")
    ids = {actor for actor, after in changes if not (after or {}).get("access_decided_by_id")}
    if worker.access_asked_by_id is not None:
        ids.add(worker.access_asked_by_id)
    return list(Worker.objects.filter(pk__in=ids))


def confirmers_of(worker: Worker) -> QuerySet[Worker]:
    """Who may confirm or refuse ``worker``'s waiting access (:func:`may_decide`), by name: a
    manager of their team; for an account with no team, an administrator. Where their team
    has no manager who may (a new team's first manager, or a team whose only manager made
    the change), the managers of the agency's other teams of its kind (the chairs' unit or
    not) decide instead, so that nobody waits with nobody to ask. Never one who changed it
    while it waited (:func:`changed_while_waiting`), nor another account of theirs, nor the
    command line's account."""
    from locus.access.context_cases import accounts_of  # it imports this module, by scopes

    if not awaiting(worker) or worker.access_decided_at is not None:
        return Worker.objects.none()
    too_close = accounts_of(worker)
    for changer in changed_while_waiting(worker):
        too_close |= accounts_of(changer)
    eligible = (
        Worker.objects.filter(confirmed_q())
        .exclude(pk__in=too_close)
        .exclude(username=SYSTEM_USERNAME)
        .order_by("last_name", "first_name", "pk")
    )
    if worker.team_id is None:
        return eligible.filter(role=Role.ADMINISTRATOR, scope=Scope.ALL)
    managers = eligible.filter(role=Role.MANAGER)
    own = managers.filter(team_id=worker.team_id)
    if own.exists():
        return own
    team = Team.objects.get(pk=worker.team_id)
    return managers.filter(team__agency_id=team.agency_id, team__independent=team.independent)


def may_decide(confirmer: Worker, worker: Worker) -> bool:
    """Whether ``confirmer`` may confirm or refuse ``worker``'s waiting access: one of
    :func:`confirmers_of`, so never one who changed it while it waited, nor another account
    of theirs."""
    # policies imports this module: asked here, when called.
    from locus.access.policies import same_person

    if not confirmed(confirmer) or same_person(confirmer, worker):
        return False
    if any(same_person(confirmer, changer) for changer in changed_while_waiting(worker)):
        return False
    return confirmers_of(worker).filter(pk=confirmer.pk).exists()


def access_to_decide(viewer: Worker, worker_id: int) -> Worker:
    """The account whose waiting access ``viewer`` may confirm or refuse, or 404."""
    worker = (
        Worker.objects.select_related("team__agency", "access_asked_by")
        .filter(pk=worker_id)
        .first()
    )
    if worker is None or not may_decide(viewer, worker):
        raise Http404("Not found")
    return worker


def waiting_message(worker: Worker) -> str:
    """What a waiting account is told on its pages, in plain words."""
    if worker.access_decided_at is not None:
        return (
            f"Your access was refused by {worker.access_decided_by} "
            f"(\u201c{worker.access_refusal}\u201d). Ask your administrator."
        )
    first = confirmers_of(worker).first()
    if worker.team is not None:
        # A team with no manager who may decide: a manager of another of the agency's teams.
        where = worker.team.name
        if first is not None and first.team_id != worker.team_id:
            where = f"{worker.team.agency.name}'s teams"
        others = f"a manager of {where}"
        if first is not None:
            others = f"{first} or another manager of {where}"
    else:
        others = "another administrator"
        if first is not None:
            others = f"{first} or another administrator"
    return f"Your access is waiting for {others} to confirm it."
