"""Creating agencies, teams and workers; break-glass sight and its review."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import password_changed, validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Field, Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from locus.access import break_glass, meetings, provisioning, scopes
from locus.access.context_cases import accounts_of
from locus.access.models import (
    SYSTEM_USERNAME,
    Agency,
    AgencyKind,
    BreakGlass,
    BreakGlassCategory,
    BreakGlassOutcome,
    Role,
    Scope,
    Team,
    Worker,
)
from locus.access.policies import CASEWORK_ROLES, can_manage_workers, managed_team_id
from locus.access.transfers import held_by_closed_accounts
from locus.access.transfers import managers as team_managers
from locus.audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent
from locus.audit.services import record_access, record_change, record_type_of, snapshot
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.ids import as_id
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    create_audited,
    lock,
    permitted,
    require,
    save_changes,
)
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import (
    forget,
    notify,
    on_day,
    renamed,
    withdraw,
    work_email_changed,
)
from locus.people.models import Allocation, Person

# The command line's account (``system_worker``); a data migration that changes records
# acts as the same account (``audit.migration_ops.system_actor``).
SYSTEM_ACCOUNT = {
    "username": SYSTEM_USERNAME,
    "first_name": "Locus",
    "last_name": "system",
    "role": Role.ADMINISTRATOR,
    "scope": Scope.ALL,
}

# The sight each role gets unless an administrator sets another.
DEFAULT_SCOPE = {
    Role.PRACTITIONER: Scope.TEAM,
    Role.MANAGER: Scope.TEAM,
    Role.ANALYST: Scope.AGENCY,
    Role.AUDITOR: Scope.NONE,
    Role.ADMINISTRATOR: Scope.ALL,
}


@transaction.atomic
def system_worker() -> Worker:
    """The account that the command line acts as (demo generation, imports).

    It cannot sign in (no usable password), and its actions are audited like anyone's.
    """
    worker = Worker.objects.filter(username=SYSTEM_USERNAME).first()
    if worker is None:
        worker = Worker(**SYSTEM_ACCOUNT)
        worker.set_unusable_password()
        worker.save()
        record_change(
            actor=worker, action=ChangeAction.CREATE, obj=worker, after=_worker_fields(worker)
        )
    return worker


def _worker_fields(worker: Worker) -> dict:
    data = snapshot(worker)
    data.pop("password", None)  # a hash is still a secret; never in the trail
    return data


def _new_name(problems: Problems, name: str, what: str, others: QuerySet[Any], taken: str) -> str:
    """A new agency's or team's name: given, and none of ``others`` has it already."""
    name = name.strip()
    problems.check(bool(name), "name", f"Enter the {what}'s name")
    problems.check(not others.filter(name=name).exists(), "name", taken)
    return name


@transaction.atomic
def agency_create(*, actor: Worker, name: str, kind: str) -> Agency:
    permitted(can_manage_workers, actor)
    problems = Problems()
    name = _new_name(
        problems, name, "agency", Agency.objects.all(), "An agency with this name exists"
    )
    problems.check(kind in choice_values(AgencyKind), "kind", f"Unknown kind of agency: {kind!r}")
    problems.raise_if_any()
    return create_audited(actor, Agency, name=name, kind=kind)


@transaction.atomic
def team_create(*, actor: Worker, agency: Agency, name: str, independent: bool = False) -> Team:
    permitted(can_manage_workers, actor)
    problems = Problems()
    others = Team.objects.filter(agency=agency)
    name = _new_name(
        problems, name, "team", others, "This agency already has a team with this name"
    )
    problems.raise_if_any()
    if not isinstance(independent, bool):
        raise TypeError("independent must be True or False")
    return create_audited(actor, Team, agency=agency, name=name, independent=independent)


#: Said when a change to what a team's members see is refused (``fixed_by_members``).
TEAM_HAS_MEMBERS = (
    "This team has members. Make a new team and move people to it; each move is confirmed "
    "by a manager."
)

#: Said when a change to what an agency's workers see is refused (``fixed_by_members``).
AGENCY_HAS_MEMBERS = (
    "This agency's teams have members. Make a new agency with teams of its own and move "
    "people to them; each move is confirmed by a manager."
)

#: The fields of a team, and of an agency, that decide what every member sees and does.
TEAM_FIXED: tuple[str, ...] = ("agency", "independent")
AGENCY_FIXED: tuple[str, ...] = ("kind",)


def fixed_by_members(obj: Team | Agency, changes: dict[str, Any]) -> dict[str, str]:
    """The changes among ``changes`` (a field's name and its new value) to the team or agency
    ``obj`` (as stored) that are refused because it has members (active accounts), each with
    why: a team's agency (every member's agency-wide sight) and independence (an independent
    reviewing service's staff chair and review, and do no casework), an agency's kind (the
    fields of a record and the police incidents its workers see). One administrator would
    otherwise widen every member's sight at once, or let conference chairs do casework; a
    worker is moved to another team instead, and each move waits for a manager to confirm it
    (``provisioning.widens_sight``). A new team or agency, or one with no members, may still
    be corrected. Asked by the admin site's forms and by the services that save the change."""
    if isinstance(obj, Team):
        fixed, message, members = TEAM_FIXED, TEAM_HAS_MEMBERS, Q(team=obj)
    else:
        fixed, message, members = AGENCY_FIXED, AGENCY_HAS_MEMBERS, Q(team__agency=obj)
    if obj.pk is None:
        return {}
    changed = [
        name
        for name in fixed
        if name in changes and _stored_value(changes[name]) != obj.serializable_value(name)
    ]
    if not changed or not Worker.objects.filter(members, is_active=True).exists():
        return {}
    return dict.fromkeys(changed, message)


def _stored_value(value: Any) -> Any:
    """A field's new value as its column holds it (a record's id for a record)."""
    return value.pk if isinstance(value, Model) else value


def _corrected(
    actor: Worker, obj: Team | Agency, problems: Problems, changes: dict[str, Any]
) -> Any:
    """Save ``changes`` to ``obj`` (held by the caller), in the change trail, unless
    ``problems`` or :func:`fixed_by_members` refuse them."""
    for name, message in fixed_by_members(obj, changes).items():
        problems.add(name, message)
    problems.raise_if_any()
    return save_changes(actor=actor, obj=obj, fields=changes)


def _changes(given: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The changes a caller gave (``None``: unchanged), each one of ``fields``."""
    require(set(given) <= set(fields), f"only {', '.join(fields)} are changed here")
    return {name: value for name, value in given.items() if value is not None}


@transaction.atomic
def agency_change(*, actor: Worker, agency: Agency, **given: Any) -> Agency:
    """Correct an agency's ``name`` or ``kind`` (the admin site's agency page). Its kind is
    fixed once any of its teams has members (:func:`fixed_by_members`)."""
    permitted(can_manage_workers, actor)
    lock(agency)
    changes = _changes(given, ("name", "kind"))
    problems = Problems()
    if "name" in changes:
        others = Agency.objects.exclude(pk=agency.pk)
        taken = "An agency with this name exists"
        changes["name"] = _new_name(problems, changes["name"], "agency", others, taken)
    kind = changes.get("kind", agency.kind)
    problems.check(kind in choice_values(AgencyKind), "kind", f"Unknown kind of agency: {kind!r}")
    return _corrected(actor, agency, problems, changes)


@transaction.atomic
def team_change(*, actor: Worker, team: Team, **given: Any) -> Team:
    """Correct a team's ``name``, ``agency`` or ``independent`` (the admin site's team page).
    Its agency and independence are fixed once it has members (:func:`fixed_by_members`)."""
    permitted(can_manage_workers, actor)
    lock(team)
    changes = _changes(given, ("name", "agency", "independent"))
    problems = Problems()
    if "name" in changes or "agency" in changes:
        agency = changes.get("agency", team.agency_id)
        others = Team.objects.filter(agency=agency).exclude(pk=team.pk)
        taken = "This agency already has a team with this name"
        name = changes.get("name", team.name)
        changes["name"] = _new_name(problems, name, "team", others, taken)
    if not isinstance(changes.get("independent", False), bool):
        raise TypeError("independent must be True or False")
    return _corrected(actor, team, problems, changes)


#: A worker of a role that works in a team, saved without one.
TEAM_NEEDED = "Choose the worker's team: a practitioner, manager or analyst works in a team"


def needs_team(role: str) -> bool:
    """A practitioner, manager or analyst works in a team: it decides what they see and
    which manager's powers are theirs (a manager with no team manages none). An administrator
    or an auditor works across Locus."""
    return role not in (Role.ADMINISTRATOR, Role.AUDITOR)


@transaction.atomic
def worker_create(
    *,
    actor: Worker,
    username: str,
    first_name: str,
    last_name: str,
    team: Team | None,
    role: str,
    password: str | None = None,
    scope: str | None = None,
    email: str = "",
    job_title: str = "",
    phone: str = "",
) -> Worker:
    """Create a worker. Everyone but an administrator must belong to a team, and everyone has
    their work email (``EMAIL_NEEDED``; only ``system_worker``, which nobody signs in with, is
    made without one). A manager made so is told of the cases closed accounts hold in their
    team (:func:`closed_account_cases_taken_on`)."""
    permitted(can_manage_workers, actor)
    username = username.strip()
    problems = Problems()
    problems.check(bool(username), "username", "Enter a username")
    problems.check(
        not Worker.objects.filter(username=username).exists(), "username", "This username is taken"
    )
    problems.check(role in choice_values(Role), "role", f"Unknown role: {role!r}")
    scope = scope or DEFAULT_SCOPE.get(role, Scope.OWN)  # type: ignore[call-overload]
    problems.check(scope in choice_values(Scope), "scope", f"Unknown scope: {scope!r}")
    problems.check(team is not None or not needs_team(role), "team", TEAM_NEEDED)
    email = email.strip()
    problems.check(bool(email), "email", EMAIL_NEEDED)
    problems.check(not email_held_by_another(email), "email", EMAIL_HELD)
    worker = Worker(
        username=username,
        first_name=first_name,
        last_name=last_name,
        team=team,
        role=role,
        scope=scope,
        email=email,
        job_title=job_title,
        phone=phone,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if password:
        try:
            validate_password(password, worker)
        except ValidationError as exc:
            for message in exc.messages:
                problems.add("password", message)
    problems.raise_if_any()
    if password:
        worker.set_password(password)
    else:
        worker.set_unusable_password()
    worker.save()
    record_change(actor=actor, action=ChangeAction.CREATE, obj=worker, after=_worker_fields(worker))
    # Made a manager with no one to confirm it (the demo, a script): told at once of the cases
    # closed accounts hold in their team, as one confirmed later is.
    closed_account_cases_taken_on(actor=actor, manager=worker)
    return worker


def _held(worker: Worker, concerned: QuerySet[Allocation] | None = None) -> list[dict]:
    """How many children ``worker`` holds now in each team (open allocations), by team name:
    of ``concerned`` (their open allocations in the teams a change concerns), or of every team."""
    rows = Allocation.objects.current().filter(worker=worker) if concerned is None else concerned
    return list(
        rows.values("team_id", "team__name")
        .annotate(children=Count("person", distinct=True))
        .order_by("team__name", "team_id")
    )


def children_in_words(count: int) -> str:
    """A count of children in words: "1 child", "3 children"."""
    return f"{count} {'child' if count == 1 else 'children'}"


def _still_holds(worker: Worker, held: list[dict], before: str, then: str) -> str:
    """Why a change to ``worker`` waits for their cases (``held``, :func:`_held`) to be
    reallocated, in one shape whatever the change (``before``: "they move"), or "" when they
    hold none: a manager of each team transfers each case or ends the allocation first, on the
    child's page. ``then`` says what is done after."""
    counts = [f"{children_in_words(row['children'])} in {row['team__name']}" for row in held]
    if not counts:
        return ""
    teams = "that team" if len(counts) == 1 else "each of those teams"
    return (
        f"{worker} still holds the cases of {' and '.join(counts)}. A worker's cases are "
        f"reallocated before {before}: a manager of {teams} transfers each case or ends the "
        "allocation, on the child's page (\u201cPropose a transfer\u201d, \u201cEnd the "
        "allocation\u201d; their team's children are under People, \u201cOnly my team's "
        f"cases\u201d). Then {then}."
    )


def cases_left_in_old_team(worker: Worker, team_id: int | None, then: str = "move them") -> str:
    """Why ``worker`` may not be in team ``team_id`` yet, in words for the administrator who
    moves them (the admin site's team) and for the manager who would confirm the move, or ""
    when nothing stops it: a worker's cases are reallocated before they move. Each child they
    hold in another team (an open allocation made there) stays that team's case, so a manager
    of that team transfers it or ends the allocation first, on the child's page. Moved with
    their cases, the worker would go on holding those children, and changing their details,
    from a team (perhaps an agency) that does not hold them. ``then`` says what is done after."""
    left = (
        Allocation.objects.current()
        .filter(worker=worker)
        .exclude(team__in=[] if team_id is None else [team_id])
    )
    return _still_holds(worker, _held(worker, left), "they move", then)


def cases_left_for_role(
    worker: Worker, role: str, then: str = "change their role", scope: str | None = None
) -> str:
    """Why ``worker`` may not take ``role`` (or ``scope``) yet, in the words of
    :func:`cases_left_in_old_team`, or "" when nothing stops it: only a practitioner or a
    manager holds cases (``policies.CASEWORK_ROLES``), so a worker made an auditor, an
    administrator or an analyst while holding children would hold them in a role that does
    no casework, and no manager would know the children have nobody; likewise a holder given
    no sight of case records (``Scope.NONE``), who could neither see nor change them.
    Practitioner and manager swap freely. ``then`` says what is done after."""
    if scope == Scope.NONE:
        return _still_holds(worker, _held(worker), "they lose sight of case records", then)
    if role in CASEWORK_ROLES:
        return ""
    return _still_holds(worker, _held(worker), "they take a role that holds none", then)


#: Where a manager (or an administrator) finds the cases a closed account still holds: their
#: My work, which lists them with a link to each child's page.
CLOSED_HOLDERS_ANCHOR = "held-by-closed-accounts"

#: How much of a name a notice of a closed account's cases shows (the rest cut short), so that
#: the worker, the team and the count fit in one notice.
NAME_SHOWN = 40


def _shown(name: str) -> str:
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "\u2026"


def closed_account_cases_told(*, actor: Worker, worker: Worker) -> int:
    """``worker``'s account was just deactivated (at once, whatever they hold): for each team
    they still hold children in (open allocations), tell its managers how many children, never
    which, with their My work, where those children are listed as held by someone whose account
    is closed and each is transferred or its allocation ended. A team with no manager who may
    act: the administrators are told instead, as they reallocate its cases then. Each notice
    names its team (``Notification.team``), so it goes once that team's are passed on
    (:func:`closed_account_passed_on`). Call inside the deactivation's transaction; returns
    how many children the worker held."""
    total = 0
    for row in _held(worker):
        total += row["children"]
        managers = Worker.objects.filter(
            provisioning.confirmed_q(), role=Role.MANAGER, team_id=row["team_id"]
        )
        if not managers.exists():
            managers = Worker.objects.filter(scopes.administrators_q()).exclude(
                username=SYSTEM_USERNAME
            )
        team = Team.objects.get(pk=row["team_id"])
        # Not the one who closed it, by any of their accounts: they know (``accounts_of``).
        for manager in managers.exclude(pk__in=accounts_of(actor)).order_by("pk"):
            _cases_to_pass_on(actor, manager, worker, team, row["children"])
    return total


def _cases_to_pass_on(
    actor: Worker, reader: Worker, worker: Worker, team: Team, children: int
) -> None:
    """Tell ``reader`` that the closed account ``worker`` held ``children`` children in
    ``team`` (never which), with their My work, where each is listed to pass on."""
    notify(
        reader,
        NotificationKind.CASES_TO_PASS_ON,
        actor=actor,
        about=worker,
        url=f"{reverse('my-work')}#{CLOSED_HOLDERS_ANCHOR}",
        text=(
            f"{_shown(str(worker))}'s account was closed while they held "
            f"{children_in_words(children)} in {_shown(team.name)}: transfer each "
            "case or end the allocation"
        ),
        team=team,
    )


def closed_account_cases_taken_on(*, actor: Worker, manager: Worker) -> int:
    """``manager``'s access was just confirmed as a manager of their team (made its manager,
    or moved into it): the cases closed accounts still hold there are theirs to pass on now
    (``transfers.held_by_closed_accounts``), as they were the administrators' while the team
    had no manager who may act. For each such account they are told as its team's managers
    were when it closed (:func:`closed_account_cases_told`: one notice for the team, how many
    children they see of it, never which), unless they hold that notice already; and each
    notice whose reader now has none of that account's children there to pass on (an
    administrator's, the team having a manager now) goes, by the rule of
    :func:`closed_account_passed_on`. Call inside the confirmation's transaction; how many
    notices were sent."""
    team = manager.team if managed_team_id(manager) is not None else None
    if team is None:
        return 0
    held = (
        held_by_closed_accounts(manager)
        .values("worker_id")
        .annotate(children=Count("person", distinct=True))
        .order_by("worker_id")
    )
    told = set(
        Notification.objects.filter(
            recipient=manager, kind=NotificationKind.CASES_TO_PASS_ON, team=team
        ).values_list("record_id", flat=True)
    )
    sent = 0
    for row in held:
        if row["worker_id"] not in told:
            leaver = Worker.objects.get(pk=row["worker_id"])
            _cases_to_pass_on(actor, manager, leaver, team, row["children"])
            sent += 1
    # Every closed holder in the team, not only those whose children this manager sees: the
    # administrators list none of the team's now it has a manager.
    holders = Allocation.objects.current().filter(provisioning.closed_q("worker"), team=team)
    for leaver in Worker.objects.filter(pk__in=holders.values("worker_id")).order_by("pk"):
        closed_account_passed_on(actor=actor, worker=leaver)
    return sent


def closed_account_passed_on(*, actor: Worker, worker: Worker) -> int:
    """An allocation of ``worker``'s just ended (transferred or ended by a manager): if their
    account is closed, each "Cases to pass on" notice about them goes once its team has none
    of their children left that its reader passes on (``transfers.held_by_closed_accounts``:
    a manager's team, an administrator's teams with no manager), each removal in the trail,
    rather than leading to an empty list; one whose team still has some stays, though its
    reader's other team is done (an administrator told for two teams). A notice that names
    no team (made before notices named one) goes once its reader has none left at all. Call
    inside the ending service's transaction; how many notices went."""
    if not Worker.objects.filter(provisioning.closed_q(), pk=worker.pk).exists():
        return 0
    told = Notification.objects.filter(
        kind=NotificationKind.CASES_TO_PASS_ON,
        record_type=Worker._meta.label_lower,
        record_id=worker.pk,
    )
    gone = 0
    for notice in told.select_related("recipient").order_by("pk"):
        left = held_by_closed_accounts(notice.recipient).filter(worker=worker)
        if notice.team_id is not None:
            left = left.filter(team_id=notice.team_id)
        if not left.exists():
            gone += withdraw(actor=actor, notifications=told.filter(pk=notice.pk))
    return gone


def proposer_moved_told(*, actor: Worker, worker: Worker, old_team_id: int | None) -> int:
    """``worker`` was just moved out of team ``old_team_id``: each peer group mapping meeting she
    proposed that she organises no more (moved to another agency, or into or out of the
    chairs' unit: ``meetings.organising_left``) is organised by the managers of the team she
    proposed it from now, and each of them whose access is confirmed is told, with the
    meeting's page: the kind of meeting and its date, never its title (free text, which may
    name a child). Nobody else. Call inside the move's transaction; how many were told."""
    told = 0
    old_team = Team.objects.filter(pk=old_team_id).first() if old_team_id else None
    for meeting in meetings.organising_left(worker, old_team):
        scheduled = meeting.scheduled_for
        what = (
            f"the peer group mapping meeting on {on_day(timezone.localtime(scheduled).date())} "
            "they proposed"
            if scheduled
            else "the peer group mapping meeting they proposed on "
            f"{on_day(timezone.localtime(meeting.proposed_at).date())}"
        )
        text = (
            f"{_shown(str(worker))} has moved team and no longer organises {what}: as a "
            "manager of their old team, you organise it now"
        )
        url = reverse("meeting", args=[meeting.pk])
        kind = NotificationKind.MEETING_TO_ORGANISE
        organisers = team_managers().filter(team=meeting.proposer_team)
        for manager in organisers.exclude(pk__in=accounts_of(worker)).order_by("pk"):
            notice = notify(manager, kind, actor=actor, about=meeting, url=url, text=text)
            told += notice is not None
    return told


#: One person, one account: separation of duties compares accounts by email
#: (``context_cases.accounts_of``), so a second account for the same person is refused.
EMAIL_HELD = (
    "Another account has this email: a person has one account (change or deactivate that "
    "one instead)"
)


#: Every account a person signs in with has their work email: an account without one is
#: compared only with itself (``policies.same_person``), so a second account made without an
#: email would escape separation of duties.
EMAIL_NEEDED = (
    "Enter the worker's work email: Locus tells one person's accounts apart by it (a second "
    "account must not sign off, approve or review the first one's work)"
)


def email_held_by_another(email: str, worker_id: int | None = None) -> bool:
    """Whether another account than ``worker_id`` has ``email`` (compared without case; a
    blank email is nobody's)."""
    email = email.strip()
    if not email:
        return False
    others = Worker.objects.filter(email__iexact=email)
    if worker_id is not None:
        others = others.exclude(pk=worker_id)
    return others.exists()


@transaction.atomic
def worker_email_change(*, actor: Worker, worker: Worker, email: str) -> Worker:
    """Change ``worker``'s work email (``worker`` is read afresh, and held). Every notice
    of a change to their sign-in goes to that address, so the change itself is told to the
    old one too, and to the worker in Locus, with who made it, when and the new address
    partly hidden (``notifications.services.work_email_changed``). An email once given is
    not cleared (``EMAIL_NEEDED``), nor one another account has given (``EMAIL_HELD``)."""
    permitted(can_manage_workers, actor)
    lock(worker)
    old = worker.email
    email = email.strip()
    problems = Problems()
    problems.check(bool(email) or not old.strip(), "email", EMAIL_NEEDED)
    problems.check(not email_held_by_another(email, worker.pk), "email", EMAIL_HELD)
    problems.raise_if_any()
    if email == old:
        return worker
    worker.email = email
    worker.save(update_fields=["email"])
    change = {"before": {"email": old}, "after": {"email": email}}
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=worker, **change)
    work_email_changed(actor, worker, old)
    return worker


#: A worker's names: the username they sign in with, and the name their records show.
NAME_FIELDS = ("username", "first_name", "last_name")


@transaction.atomic
def worker_rename(*, actor: Worker, worker: Worker, **names: str | None) -> Worker:
    """Change ``worker``'s ``username``, or their name (``first_name``, ``last_name``; ``None``:
    unchanged); ``worker`` is read afresh, and held. The worker is told what changed, from
    what to what, who changed it and when, in Locus and by email whatever they chose about
    emails (``notifications.services.renamed``): the username is how they sign in, and their
    name how every record they write and every list of workers shows them; an administrator
    must not change either unknown to them. Told of their own change too (someone at their
    desk may have made it). A username is given, and no other account's."""
    permitted(can_manage_workers, actor)
    lock(worker)
    old = {name: getattr(worker, name) for name in NAME_FIELDS}
    given = {name: str(value).strip() for name, value in _changes(names, NAME_FIELDS).items()}
    new = {**old, **given}
    problems = Problems()
    problems.check(bool(new["username"]), "username", "Enter a username")
    taken = Worker.objects.filter(username=new["username"]).exclude(pk=worker.pk).exists()
    problems.check(not taken, "username", "This username is taken")
    for name, value in given.items():
        try:
            field = Worker._meta.get_field(name)
            assert isinstance(field, Field)
            field.run_validators(value)
        except ValidationError as exc:
            for message in exc.messages:
                problems.add(name, message)
    problems.raise_if_any()
    changed = [name for name in NAME_FIELDS if new[name] != old[name]]
    if not changed:
        return worker
    old_name = worker.get_full_name()
    for name in changed:
        setattr(worker, name, new[name])
    worker.save(update_fields=changed)
    change = {"before": {n: old[n] for n in changed}, "after": {n: new[n] for n in changed}}
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=worker, **change)
    if "username" in changed:
        renamed(actor, worker, "username", old["username"], worker.username)
    if worker.get_full_name() != old_name:
        renamed(actor, worker, "name", old_name, worker.get_full_name())
    return worker


@transaction.atomic
def worker_set_password(*, actor: Worker, worker: Worker, password: str) -> None:
    workers_set_password(actor=actor, workers=[worker], password=password)


@transaction.atomic
def workers_set_password(*, actor: Worker, workers: Sequence[Worker], password: str) -> None:
    """Give each of ``workers`` the one ``password``, hashed once for them all.

    For accounts that share a password openly (the demo's personas share the one it
    prints): a hash takes a tenth of a second by design, so ten accounts took a second.
    One hash means one salt, so the accounts' stored hashes are equal, which tells whoever
    reads the table that they share a password: never use it for accounts whose password
    is each one's own secret. The password is checked against every account first.
    """
    permitted(can_manage_workers, actor)
    problems = Problems()
    for worker in workers:
        try:
            validate_password(password, worker)
        except ValidationError as exc:
            for message in exc.messages:
                if message not in problems.errors.get("password", []):  # a reason once
                    problems.add("password", message)
    problems.raise_if_any()
    hashed = make_password(password)
    for worker in workers:
        worker.password = hashed
        worker.save(update_fields=["password"])
        password_changed(password, worker)  # what save() does after set_password
        password_recorded(actor, worker)


def password_recorded(actor: Worker, worker: Worker, was_due: bool | None = None) -> None:
    """After ``worker``'s password changed (here, or on the admin's password form): the
    change in the trail (never the hash), and their API tokens ended. A password change
    often follows a suspected compromise, and a token made by whoever held the account
    would go on reading as the worker. ``was_due``: what ``password_change_due`` was, when
    the change set or cleared it (in the same entry of the trail)."""
    # api.services imports the sharing register, which imports this module.
    from locus.api.services import PASSWORD_CHANGED, tokens_end

    before: dict[str, Any] = {"password": "(previous)"}
    after: dict[str, Any] = {"password": "(changed)"}
    if was_due is not None and was_due != worker.password_change_due:
        before["password_change_due"] = was_due
        after["password_change_due"] = worker.password_change_due
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=worker, before=before, after=after)
    tokens_end(actor=actor, worker=worker, note=PASSWORD_CHANGED)


#: The password a worker chooses must not be the one an administrator set (and knows).
SAME_AS_SET = "Choose a password other than the one your administrator set"


def made_temporary(actor: Worker, worker: Worker) -> bool | None:
    """As an administrator sets ``worker``'s password: a temporary one (the administrator
    knows it), so the worker must choose their own at their next sign-in, before any page
    (``Worker.password_change_due``). Returns what the flag was, for ``password_recorded``
    to put in the trail beside the password; None when nothing is flagged (one's own
    password, or none to sign in with)."""
    if worker.pk == actor.pk or not worker.has_usable_password():
        return None
    was = worker.password_change_due
    Worker.objects.filter(pk=worker.pk).update(password_change_due=True)
    worker.password_change_due = True
    return was


@transaction.atomic
def own_password_chosen(*, worker: Worker, password: str) -> Worker:
    """The worker chooses their own password in place of one an administrator set: checked
    as every password is, and never the one set; the flag is cleared, the change is in the
    trail (never the hash) and their API tokens end (``password_recorded``)."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    problems = Problems()
    try:
        validate_password(password, worker)
    except ValidationError as exc:
        for message in exc.messages:
            problems.add("password", message)
    if password and worker.check_password(password):
        problems.add("password", SAME_AS_SET)
    problems.raise_if_any()
    worker.set_password(password)
    was = worker.password_change_due
    worker.password_change_due = False
    worker.save(update_fields=["password", "password_change_due"])
    password_recorded(worker, worker, was_due=was)
    return worker


def sessions_end(*, worker: Worker) -> int:
    """Sign ``worker`` out in every browser: each session signed in as them is deleted, so
    the next request from any of them starts at the sign-in page, password first. For what
    must not leave a browser signed in as the worker: a second-factor reset (a lost phone,
    or an account someone else may have used: whoever holds an open session must not set up
    an authenticator of their own there) and a deactivation (the session would come back to
    life, past its second factor, when the worker is made active again). A password change
    needs no call: Django ends every other session whose password hash no longer matches.

    The store keeps no index by worker, so every live session is read (those past their
    hour are cleared first): a few for each worker signed in within the hour. Returns how
    many ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store.clear_expired()
    mine = str(worker.pk)
    ended = [
        row.session_key
        for row in store.get_model_class().objects.iterator()
        if store().decode(row.session_data).get(SESSION_KEY) == mine
    ]
    for key in ended:
        store(session_key=key).delete()
    return len(ended)


# --- Confirming an account's access (access/provisioning.py) --------------------------------


def password_chosen_by_worker(worker: Worker) -> bool:
    """Whether ``worker``'s password is one they chose themselves: the latest change of it in
    the change trail (or, without one, the account's making) is their own. A password an
    administrator gave the account, when making it or since, is one the administrator knows
    until the worker chooses another (an account with no trail of it counts as theirs not)."""
    events = (
        ChangeEvent.objects.filter(record_type=record_type_of(worker), record_id=str(worker.pk))
        .order_by("-at", "-id")
        .values_list("actor_id", "action", "after")
    )
    for actor_id, action, after in events.iterator():
        if action == ChangeAction.CREATE or "password" in (after or {}):
            return bool(actor_id == worker.pk)
    return False


def sign_in_handed_over(*, actor: Worker, worker: Worker) -> None:
    """After the administrator ``actor`` set ``worker``'s password or reset its second factor:
    when the administrator now holds the whole way in (a password the worker did not choose,
    and no second factor set up: whoever signs in next sets up their own), the account sees no
    case records until a second person confirms it (``worker_access_ask``), as a new account
    does. Otherwise an administrator alone could set a worker's password, reset their second
    factor and sign in as them, reading and writing under their name. Not for one's own
    account, nor one nobody signs in to."""
    if actor.pk == worker.pk or not sign_in_held_by_another(worker):
        return
    text = f"{actor} set how {worker} signs in: confirm or refuse it once they say it was them"
    worker_access_ask(actor=actor, worker=worker, text=text)


def sign_in_held_by_another(worker: Worker) -> bool:
    """Whether someone other than ``worker`` may hold their whole way in: a password they did
    not choose (:func:`password_chosen_by_worker`) and no second factor set up. The page that
    confirms their access then says so: the confirmer checks with the worker first."""
    if not worker.has_usable_password() or user_has_device(worker, confirmed=True):
        return False
    return not password_chosen_by_worker(worker)


_ACCESS_FIELDS = [
    "access_awaiting_since",
    "access_asked_by",
    "access_decided_at",
    "access_decided_by",
    "access_refusal",
]


def _access_set(actor: Worker, worker: Worker, **fields: Any) -> None:
    """Set ``worker``'s access confirmation (``fields``, the others cleared), in the change
    trail under ``actor``. The confirmers' requests of the last ask then go (a decided or a
    newer ask is theirs no more), each removal in the trail too."""
    before = _worker_fields(worker)
    cleared = {"access_decided_at": None, "access_decided_by": None, "access_refusal": ""}
    for name, value in {**cleared, **fields}.items():
        setattr(worker, name, value)
    worker.save(update_fields=_ACCESS_FIELDS)
    after = _worker_fields(worker)
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=worker, before=before, after=after)
    # Only the requests: the confirmers' other notices about the worker (its cases to pass
    # on, say) still apply.
    forget(actor=actor, record=worker, kind=NotificationKind.ACCESS_TO_CONFIRM)


def _access_told(recipient: Worker, kind: str, actor: Worker, worker: Worker, text: str) -> None:
    """Tell ``recipient`` in Locus: a confirmer, with the page that decides; the administrator
    who asked, with the worker's record on the admin site."""
    page = "access-confirm" if kind == NotificationKind.ACCESS_TO_CONFIRM else None
    url = reverse(page or "admin:access_worker_change", args=[worker.pk])
    notify(recipient, kind, actor=actor, about=worker, url=url, text=text)


def _decided_by(actor: Worker) -> dict[str, Any]:
    return {"access_decided_at": clock.now(), "access_decided_by": actor}


@transaction.atomic
def worker_access_ask(*, actor: Worker, worker: Worker, text: str = "") -> Worker:
    """After the admin site made ``worker``, or widened its sight (``provisioning.widens_sight``),
    or an administrator came to hold its whole way in (``sign_in_handed_over``): it sees no
    case records until a second person confirms it, and each who may is asked."""
    permitted(can_manage_workers, actor)
    lock(worker)
    # A wait already begun (a change, or a refusal, not yet followed by a confirmation) keeps
    # its start, so that whoever changed the account since stays too close to confirm it.
    since = worker.access_awaiting_since or clock.now()
    _access_set(actor, worker, access_awaiting_since=since, access_asked_by=actor)
    text = text or f"Confirm or refuse the access {actor} gave {worker}"
    for confirmer in provisioning.confirmers_of(worker):
        _access_told(confirmer, NotificationKind.ACCESS_TO_CONFIRM, actor, worker, text)
    return worker


@transaction.atomic
def worker_access_confirm(*, actor: Worker, worker: Worker) -> Worker:
    """A second person confirms ``worker``'s waiting access: it sees what its role, scope
    and team give from now on. Who and when stay on its record. Not while it still holds cases
    in a team it has left (:func:`cases_left_in_old_team`), nor while a practitioner, manager
    or analyst has no team (:func:`needs_team`)."""
    lock(worker)
    permitted(provisioning.may_decide, actor, worker)
    # A worker moved to this team while still holding cases in their old one, or given a role
    # that holds none while holding some (a change made before either was refused), is
    # confirmed once those cases are reallocated.
    then = "confirm their access"
    held = cases_left_in_old_team(worker, worker.team_id, then) or cases_left_for_role(
        worker, worker.role, then, worker.scope
    )
    if held:
        raise InvalidTransition(held)
    if worker.team_id is None and needs_team(worker.role):
        # The admin site's add form makes an account before its team is chosen.
        raise InvalidTransition(
            f"{worker} has no team yet: a practitioner, manager or analyst works in a team. "
            "Choose their team on the admin site, then confirm their access"
        )
    _access_set(actor, worker, access_awaiting_since=None, **_decided_by(actor))
    # A closed account made active again holds its cases once more: the notices that they
    # were to be passed on apply no more (``closed_account_cases_told``). Not while it is
    # still closed (a change asked for before it closed may be confirmed after).
    if worker.is_active:
        forget(actor=actor, record=worker, kind=NotificationKind.CASES_TO_PASS_ON)
        # A manager from now on (made one, or moved in): the cases closed accounts hold in
        # their team are theirs to pass on, and they are told, as its managers were.
        closed_account_cases_taken_on(actor=actor, manager=worker)
    return worker


@transaction.atomic
def worker_access_refuse(*, actor: Worker, worker: Worker, reason: str) -> Worker:
    """A second person refuses ``worker``'s waiting access, saying why: it goes on seeing
    nothing, and the administrator who asked is told."""
    lock(worker)
    permitted(provisioning.may_decide, actor, worker)
    reason = reason.strip()
    problems = Problems()
    problems.check(bool(reason), "reason", "Say why you refuse this access")
    problems.raise_if_any()
    asker = worker.access_asked_by
    _access_set(actor, worker, access_refusal=reason, **_decided_by(actor))
    if asker is not None:
        text = f"{actor} refused the access you gave {worker}"
        _access_told(asker, NotificationKind.ACCESS_REFUSED, actor, worker, text)
    return worker


# --- Break-glass ----------------------------------------------------------------------------


@transaction.atomic
def break_glass_request(
    *, actor: Worker, person_id: object, category: str, reason: str
) -> BreakGlass | None:
    """Open a record outside the actor's scope for an emergency (``access/break_glass.py``).

    Everything is checked before the id is looked at, so a refusal says nothing
    about whether the record exists. The request is logged either way and counts
    towards the daily cap; an id that is not a person's gives ``None`` (the page
    answers "not found"), one the actor already sees in their own right is refused.
    """
    permitted(break_glass.may_break_glass, actor)
    # One request at a time per worker, so that the caps cannot be raced.
    Worker.objects.select_for_update().filter(pk=actor.pk).first()
    now = clock.now()
    reason = reason.strip()
    problems = Problems()
    problems.check(
        category in choice_values(BreakGlassCategory), "category", "Choose why this is an emergency"
    )
    if (problem := break_glass.reason_problem(reason)) is not None:
        problems.add("reason", problem)
    problems.check(
        break_glass.open_for(actor, now=now).count() < break_glass.MAX_OPEN,
        "__all__",
        f"You already have emergency access to {break_glass.MAX_OPEN} records: end one "
        "before you open another",
    )
    problems.check(
        AccessEvent.objects.filter(
            actor=actor,
            record_type=break_glass.REQUEST_RECORD_TYPE,
            at__gte=now - break_glass.DAY,
        ).count()
        < break_glass.MAX_PER_DAY,
        "__all__",
        f"You have asked for emergency access {break_glass.MAX_PER_DAY} times in 24 hours: "
        "ask your manager or the team that holds the record",
    )
    problems.raise_if_any()
    number = as_id(person_id)
    person = Person.objects.filter(pk=number).first() if number is not None else None
    if (
        person is not None
        and scopes.people_visible_to(actor, shared=False).filter(pk=person.pk).exists()
    ):
        problems.add("__all__", "You can already see this record")
        problems.raise_if_any()
    use = None
    if person is not None:
        use = BreakGlass.objects.create(
            worker=actor,
            person=person,
            category=category,
            reason=reason,
            started_at=now,
            expires_at=now + break_glass.LASTS,
            team_id=actor.team_id,
        )
        record_change(actor=actor, action=ChangeAction.CREATE, obj=use, after=snapshot(use))
        for manager in break_glass.reviewers_of(use):
            notify(
                manager,
                NotificationKind.BREAK_GLASS_REVIEW,
                actor=actor,
                about=use,
                url=reverse("break-glass-review", args=[use.pk]),
                text=f"{actor} used emergency access: review it",
            )
    record_access(
        actor=actor,
        record_type=break_glass.REQUEST_RECORD_TYPE,
        action=AccessAction.BREAK_GLASS,
        # A granted request is flagged as a break-glass read of the person, whose purpose is
        # the use's (break_glass.purpose_of): said once, not again in other words.
        purpose=(
            break_glass.purpose_of(use)
            if use is not None
            else f"{BreakGlassCategory(category).label}: {reason}"
        ),
        detail={"asked_for": str(person_id)[:40], "granted": use is not None},
    )
    return use


@transaction.atomic
def break_glass_end(*, actor: Worker, use: BreakGlass) -> BreakGlass:
    """The worker ends their emergency sight before it expires."""
    require(use.worker_id == actor.pk, "only the worker who broke the glass ends it")
    problems = Problems()
    problems.check(
        use.ended_at is None and use.expires_at > clock.now(),
        "__all__",
        "This emergency access has already ended",
    )
    problems.raise_if_any()
    before = snapshot(use)
    use.ended_at = clock.now()
    use.save(update_fields=["ended_at"])
    record_change(actor=actor, action=ChangeAction.END, obj=use, before=before, after=snapshot(use))
    return use


@transaction.atomic
def break_glass_review(*, actor: Worker, use: BreakGlass, outcome: str, note: str) -> BreakGlass:
    """A manager of the worker's team records whether the use was justified, and why."""
    permitted(break_glass.can_review, actor, use)
    # Decided on the row as it stands now: a second manager's review must not replace the first.
    lock(use)
    note = note.strip()
    problems = Problems()
    problems.check(use.reviewed_at is None, "outcome", "This use has already been reviewed")
    problems.check(
        outcome in choice_values(BreakGlassOutcome), "outcome", "Choose justified or not justified"
    )
    problems.check(bool(note), "note", "Enter a note on your decision")
    problems.raise_if_any()
    before = snapshot(use)
    use.outcome = outcome
    use.review_note = note
    use.reviewed_by = actor
    use.reviewed_at = clock.now()
    use.save(update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=use, before=before, after=snapshot(use)
    )
    # Every manager asked to review it is done: their "review it" would lead to a use
    # already reviewed (each removal in the change trail).
    forget(actor=actor, record=use)
    return use
