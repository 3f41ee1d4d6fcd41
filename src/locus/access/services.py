"""Creating agencies, teams and workers."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from locus.access.models import Agency, AgencyKind, Role, Scope, Team, Worker
from locus.access.policies import can_manage_workers
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common.services import Problems, permitted

SYSTEM_USERNAME = "locus.system"

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
        worker = Worker(
            username=SYSTEM_USERNAME,
            first_name="Locus",
            last_name="system",
            role=Role.ADMINISTRATOR,
            scope=Scope.ALL,
        )
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


@transaction.atomic
def agency_create(*, actor: Worker, name: str, kind: str) -> Agency:
    permitted(can_manage_workers, actor)
    problems = Problems()
    problems.check(bool(name.strip()), "name", "Enter the agency's name")
    problems.check(kind in AgencyKind.values, "kind", f"Unknown kind of agency: {kind!r}")
    problems.check(
        not Agency.objects.filter(name=name.strip()).exists(),
        "name",
        "An agency with this name exists",
    )
    problems.raise_if_any()
    agency = Agency.objects.create(name=name.strip(), kind=kind)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=agency)
    return agency


@transaction.atomic
def team_create(*, actor: Worker, agency: Agency, name: str) -> Team:
    permitted(can_manage_workers, actor)
    problems = Problems()
    problems.check(bool(name.strip()), "name", "Enter the team's name")
    problems.check(
        not Team.objects.filter(agency=agency, name=name.strip()).exists(),
        "name",
        "This agency already has a team with this name",
    )
    problems.raise_if_any()
    team = Team.objects.create(agency=agency, name=name.strip())
    record_change(actor=actor, action=ChangeAction.CREATE, obj=team)
    return team


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
    """Create a worker. Everyone but an administrator must belong to a team."""
    permitted(can_manage_workers, actor)
    username = username.strip()
    problems = Problems()
    problems.check(bool(username), "username", "Enter a username")
    problems.check(
        not Worker.objects.filter(username=username).exists(), "username", "This username is taken"
    )
    problems.check(role in Role.values, "role", f"Unknown role: {role!r}")
    scope = scope or DEFAULT_SCOPE.get(role, Scope.OWN)  # type: ignore[call-overload]
    problems.check(scope in Scope.values, "scope", f"Unknown scope: {scope!r}")
    problems.check(
        team is not None or role in (Role.ADMINISTRATOR, Role.AUDITOR),
        "team",
        "Choose the worker's team",
    )
    worker = Worker(
        username=username.strip(),
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
    return worker


@transaction.atomic
def worker_set_password(*, actor: Worker, worker: Worker, password: str) -> None:
    permitted(can_manage_workers, actor)
    try:
        validate_password(password, worker)
    except ValidationError as exc:
        problems = Problems()
        for message in exc.messages:
            problems.add("password", message)
        problems.raise_if_any()
    worker.set_password(password)
    worker.save(update_fields=["password"])
    record_change(
        actor=actor,
        action=ChangeAction.UPDATE,
        obj=worker,
        before={"password": "(previous)"},
        after={"password": "(changed)"},
    )
