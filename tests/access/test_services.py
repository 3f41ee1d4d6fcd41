"""Agencies, teams and workers: who may create them, what is refused, what is audited."""

from __future__ import annotations

import pytest

from locus.access.models import Agency, AgencyKind, Role, Scope, Team, Worker
from locus.access.selectors import without_email
from locus.access.services import (
    EMAIL_NEEDED,
    SYSTEM_USERNAME,
    agency_create,
    system_worker,
    team_create,
    worker_create,
    worker_set_password,
    workers_set_password,
)
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common.errors import NotPermitted, ValidationFailed
from tests.factories import World, changes_for, last_change, nothing_written

GOOD_PASSWORD = "correct-horse-battery-42"


@pytest.mark.django_db
def test_system_worker_is_created_once_audited_and_cannot_sign_in() -> None:
    worker = system_worker()
    assert worker.username == SYSTEM_USERNAME
    assert worker.role == Role.ADMINISTRATOR
    assert worker.scope == Scope.ALL
    assert not worker.has_usable_password()
    assert system_worker() == worker
    events = changes_for(worker)
    assert [e.action for e in events] == [ChangeAction.CREATE]
    assert events[0].actor == worker
    assert "password" not in events[0].after


def test_agency_create(world: World) -> None:
    agency = agency_create(actor=world.admin, name="  Health Visiting  ", kind=AgencyKind.HEALTH)
    assert agency.name == "Health Visiting"
    event = last_change(agency)
    assert event.actor == world.admin
    assert event.action == ChangeAction.CREATE
    assert event.record_type == "access.agency"
    assert event.record_id == str(agency.pk)
    assert event.before == {}
    assert event.after == {"name": "Health Visiting", "kind": "health"}


@pytest.mark.parametrize(
    ("name", "kind", "field", "message"),
    [
        ("   ", "health", "name", "Enter the agency's name"),
        ("Health", "hospital", "kind", "Unknown kind of agency: 'hospital'"),
        ("Borough Police", "police", "name", "An agency with this name exists"),
    ],
)
def test_agency_create_refuses_bad_input(
    world: World, name: str, kind: str, field: str, message: str
) -> None:
    with nothing_written(Agency), pytest.raises(ValidationFailed) as exc:
        agency_create(actor=world.admin, name=name, kind=kind)
    assert exc.value.errors[field] == [message]


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "police_analyst", "auditor"])
def test_only_administrators_create_agencies_and_teams(world: World, persona: str) -> None:
    actor = world.persona(persona)
    with nothing_written(Agency, Team):
        with pytest.raises(NotPermitted):
            agency_create(actor=actor, name="Rogue agency", kind=AgencyKind.PARTNER)
        with pytest.raises(NotPermitted):
            team_create(actor=actor, agency=world.csc, name="Rogue team")


def test_team_create(world: World) -> None:
    team = team_create(actor=world.admin, agency=world.csc, name=" Exploitation Team ")
    assert (team.name, team.agency) == ("Exploitation Team", world.csc)
    event = last_change(team)
    assert (event.actor, event.action, event.record_type) == (
        world.admin,
        ChangeAction.CREATE,
        "access.team",
    )
    assert event.after == {
        "agency_id": world.csc.pk,
        "name": "Exploitation Team",
        "independent": False,
    }


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the team's name"),
        ("Contextual Safeguarding Team A", "This agency already has a team with this name"),
    ],
)
def test_team_create_refuses_bad_input(world: World, name: str, message: str) -> None:
    with nothing_written(Team), pytest.raises(ValidationFailed) as exc:
        team_create(actor=world.admin, agency=world.csc, name=name)
    assert exc.value.errors == {"name": [message]}


def test_the_same_team_name_is_fine_in_another_agency(world: World) -> None:
    team = team_create(
        actor=world.admin, agency=world.police, name="Contextual Safeguarding Team A"
    )
    assert team.agency == world.police


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PRACTITIONER, Scope.TEAM),
        (Role.MANAGER, Scope.TEAM),
        (Role.ANALYST, Scope.AGENCY),
        (Role.AUDITOR, Scope.NONE),
        (Role.ADMINISTRATOR, Scope.ALL),
    ],
)
def test_worker_create_gives_each_role_its_default_scope(
    world: World, role: str, scope: str
) -> None:
    team = None if role in (Role.AUDITOR, Role.ADMINISTRATOR) else world.yjs_team
    worker = worker_create(
        actor=world.admin,
        username=f"new_{role}",
        first_name="N",
        last_name="W",
        team=team,
        role=role,
        email=f"new.{role}@workers.example",
    )
    assert worker.scope == scope
    assert worker.is_staff is worker.is_superuser is (role == Role.ADMINISTRATOR)
    assert not worker.has_usable_password()


def test_worker_create_with_password_is_audited_without_the_hash(world: World) -> None:
    worker = worker_create(
        actor=world.admin,
        username="new_sw",
        first_name="Nadia",
        last_name="Worker",
        team=world.csc_team_a,
        role=Role.PRACTITIONER,
        scope=Scope.OWN,
        password=GOOD_PASSWORD,
        email="nadia.worker@workers.example",
    )
    worker.refresh_from_db()
    assert worker.check_password(GOOD_PASSWORD)
    assert worker.scope == Scope.OWN
    event = last_change(worker)
    assert (event.actor, event.action, event.record_type) == (
        world.admin,
        ChangeAction.CREATE,
        "access.worker",
    )
    assert event.after["username"] == "new_sw"
    assert event.after["team_id"] == world.csc_team_a.pk
    assert "password" not in event.after
    assert worker.password not in str(event.after)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": " "}, "username", "Enter a username"),
        ({"username": "social_worker"}, "username", "This username is taken"),
        ({"role": "director"}, "role", "Unknown role: 'director'"),
        ({"scope": "borough"}, "scope", "Unknown scope: 'borough'"),
        ({"team": None}, "team", "Choose the worker's team"),
        ({"password": "short"}, "password", "too short"),
        ({"password": "password123"}, "password", "too common"),
    ],
)
def test_worker_create_refuses_bad_input(
    world: World, changes: dict, field: str, message: str
) -> None:
    fields = dict(
        username="fresh",
        first_name="F",
        last_name="W",
        team=world.csc_team_a,
        role=Role.PRACTITIONER,
    )
    fields.update(changes)
    with nothing_written(Worker), pytest.raises(ValidationFailed) as exc:
        worker_create(actor=world.admin, **fields)
    assert field in exc.value.errors
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


def test_worker_create_refuses_a_taken_username_with_spaces_around_it(world: World) -> None:
    with nothing_written(Worker), pytest.raises(ValidationFailed) as exc:
        worker_create(
            actor=world.admin,
            username=" social_worker ",
            first_name="F",
            last_name="W",
            team=world.csc_team_a,
            role=Role.PRACTITIONER,
        )
    assert exc.value.errors["username"] == ["This username is taken"]


@pytest.mark.parametrize("persona", ["team_manager", "social_worker", "auditor"])
def test_only_administrators_create_workers(world: World, persona: str) -> None:
    with nothing_written(Worker), pytest.raises(NotPermitted):
        worker_create(
            actor=world.persona(persona),
            username="sneaky",
            first_name="S",
            last_name="W",
            team=world.csc_team_a,
            role=Role.ADMINISTRATOR,
        )


def test_worker_set_password(world: World) -> None:
    worker = world.social_worker
    worker_set_password(actor=world.admin, worker=worker, password=GOOD_PASSWORD)
    worker.refresh_from_db()
    assert worker.check_password(GOOD_PASSWORD)
    event = last_change(worker)
    assert (event.actor, event.action) == (world.admin, ChangeAction.UPDATE)
    assert event.before == {"password": "(previous)"}
    assert event.after == {"password": "(changed)"}
    assert not ChangeEvent.objects.filter(after__icontains=worker.password).exists()


def test_worker_set_password_refuses_a_weak_password(world: World) -> None:
    worker = world.social_worker
    with nothing_written(Worker), pytest.raises(ValidationFailed) as exc:
        worker_set_password(actor=world.admin, worker=worker, password="abc")
    assert "password" in exc.value.errors
    worker.refresh_from_db()
    assert not worker.has_usable_password()


def test_workers_set_password_gives_accounts_one_password_hashed_once(world: World) -> None:
    workers = [world.social_worker, world.teammate, world.yjs_worker]
    workers_set_password(actor=world.admin, workers=workers, password=GOOD_PASSWORD)
    for worker in workers:
        worker.refresh_from_db()
        assert worker.check_password(GOOD_PASSWORD)
        event = last_change(worker)
        assert (event.actor, event.action) == (world.admin, ChangeAction.UPDATE)
        assert event.after == {"password": "(changed)"}
    assert len({worker.password for worker in workers}) == 1  # one hash: one salt


def test_workers_set_password_refuses_a_weak_password_for_all_once(world: World) -> None:
    workers = [world.social_worker, world.teammate]
    with nothing_written(Worker), pytest.raises(ValidationFailed) as exc:
        workers_set_password(actor=world.admin, workers=workers, password="abc")
    messages = exc.value.errors["password"]
    assert messages and len(messages) == len(set(messages))  # each reason said once
    for worker in workers:
        worker.refresh_from_db()
        assert not worker.has_usable_password()


def test_only_administrators_set_passwords(world: World) -> None:
    with nothing_written(Worker), pytest.raises(NotPermitted):
        worker_set_password(
            actor=world.team_manager, worker=world.social_worker, password=GOOD_PASSWORD
        )
    world.social_worker.refresh_from_db()
    assert not world.social_worker.has_usable_password()


def test_a_second_account_with_the_same_email_is_refused(world: World) -> None:
    """One person, one account: separation of duties compares accounts by email, so an
    administrator cannot make a person (themselves included) a second account. Was: any
    number of accounts could share an email, and one signed off another's work."""

    team, names = world.csc_team_a, {"first_name": "Sam", "last_name": "Okafor"}

    def make(username: str, email: str) -> Worker:
        fields = {**names, "username": username, "email": email}
        return worker_create(actor=world.admin, team=team, role=Role.MANAGER, **fields)

    make("sam", "sam.okafor@example.org")
    with pytest.raises(ValidationFailed) as exc:
        make("sam2", " Sam.Okafor@EXAMPLE.org ")
    assert list(exc.value.errors) == ["email"]
    assert not Worker.objects.filter(username="sam2").exists()


@pytest.mark.parametrize("email", ["", "   "])
def test_worker_create_refuses_an_account_without_a_work_email(world: World, email: str) -> None:
    """Every account a person signs in with has their work email: separation of duties tells
    one person's accounts apart by it. Was: an account could be made without one, compared
    only with itself, and a person's second account so made signed off their own work."""
    fields = {"username": "no_email", "first_name": "N", "last_name": "E", "email": email}
    with nothing_written(Worker), pytest.raises(ValidationFailed) as exc:
        worker_create(actor=world.admin, team=world.csc_team_a, role=Role.MANAGER, **fields)
    assert list(exc.value.errors) == ["email"]
    assert exc.value.errors["email"] == [EMAIL_NEEDED]
    assert "work email" in EMAIL_NEEDED


def test_the_system_account_alone_has_no_email(world: World) -> None:
    """The command line's account signs in nowhere; it is made without an email, and is not
    among the accounts the admin site and the system check name for having none."""
    system = system_worker()
    assert system.email == "" and not system.has_usable_password()
    assert not without_email(Worker.objects.all()).exists()
