"""A worker's API tokens end when their password changes (set by the service, on the
admin's password form, or by an administrator for themselves on the admin site's), when
they are made inactive, and when what they may see changes: a password change often follows
a suspected compromise, and a token made by whoever held the account would go on reading; a
token made within one sight must not read with a wider one.
Their signed-in sessions end with a deactivation too (and a making active again), so that no
browser left open comes back to life."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.models import Worker
from locus.access.services import worker_set_password, workers_set_password
from locus.audit.models import ChangeAction
from tests.api.conftest import api_as, assert_ended
from tests.factories import World, changes_for, client_for, end_cases

pytestmark = pytest.mark.django_db

PASSWORD = "admin-set-password-42"
# The notes each ending leaves in the change trail and the sharing register.
PASSWORD_CHANGED = "Password changed"
DEACTIVATED = "Worker deactivated"


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_a_password_set_by_the_service_ends_the_workers_tokens(world: World) -> None:
    program, others = api_as(world.social_worker), api_as(world.teammate)
    assert program.get("/people").status_code == 200
    worker_set_password(actor=world.admin, worker=world.social_worker, password=PASSWORD)
    assert_ended(program, PASSWORD_CHANGED, world.admin)
    assert others.get("/people").status_code == 200  # nobody else's token
    # The password change itself is still in the trail, without the hash.
    changed = changes_for(world.social_worker)[-1]
    assert changed.action == ChangeAction.UPDATE and changed.after == {"password": "(changed)"}


def test_a_password_set_for_many_workers_ends_each_ones_tokens(world: World) -> None:
    programs = [api_as(world.social_worker), api_as(world.teammate)]
    workers_set_password(
        actor=world.system, workers=[world.social_worker, world.teammate], password=PASSWORD
    )
    for program in programs:
        assert_ended(program, PASSWORD_CHANGED, world.system)


def test_a_password_set_on_the_admin_form_ends_the_workers_tokens(
    world: World, admin_client: Client
) -> None:
    program = api_as(world.social_worker)
    response = admin_client.post(
        f"/admin/access/worker/{world.social_worker.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert_ended(program, PASSWORD_CHANGED, world.admin)


def test_an_administrators_own_password_changed_in_the_admin_ends_their_tokens(
    world: World,
) -> None:
    """The admin site's own "Change password" page (at the top of every admin page) records
    the change and ends the tokens as the worker's password form does; the administrator
    stays signed in there."""
    admin = world.admin
    worker_set_password(actor=world.system, worker=admin, password=PASSWORD)
    program = api_as(admin)
    client = client_for(admin)
    new = "admin-own-password-77"
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302, response.content[:2000]
    admin.refresh_from_db()
    assert admin.check_password(new)
    assert_ended(program, PASSWORD_CHANGED, admin)
    changed = changes_for(admin)[-1]
    assert changed.action == ChangeAction.UPDATE and changed.after == {"password": "(changed)"}
    assert client.get("/admin/").status_code == 200


def test_a_wrong_old_password_in_the_admin_changes_and_ends_nothing(world: World) -> None:
    admin = world.admin
    worker_set_password(actor=world.system, worker=admin, password=PASSWORD)
    program = api_as(admin)
    before = len(changes_for(admin))
    response = client_for(admin).post(
        "/admin/password_change/",
        {
            "old_password": "not-it",
            "new_password1": "x-Passphrase-1",
            "new_password2": "x-Passphrase-1",
        },
    )
    assert response.status_code == 200
    assert program.get("/people").status_code == 200
    assert len(changes_for(admin)) == before


def test_a_refused_admin_password_form_ends_no_token(world: World, admin_client: Client) -> None:
    program = api_as(world.social_worker)
    admin_client.post(
        f"/admin/access/worker/{world.social_worker.pk}/password/",
        {"password1": PASSWORD, "password2": "something else", "usable_password": "true"},
    )
    assert program.get("/people").status_code == 200


def _worker_form(world: World, **changed: object) -> dict[str, object]:
    worker = world.social_worker
    return {
        "username": worker.username,
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": worker.email,
        "team": worker.team_id,
        "role": worker.role,
        "scope": worker.scope,
        "job_title": worker.job_title,
        "phone": worker.phone,
        "is_active": "on",
        **changed,
    }


def test_a_worker_made_inactive_in_the_admin_has_their_tokens_ended(
    world: World, admin_client: Client
) -> None:
    program = api_as(world.social_worker)
    url = f"/admin/access/worker/{world.social_worker.pk}/change/"
    # A change that leaves them active ends nothing.
    response = admin_client.post(url, _worker_form(world, job_title="Senior social worker"))
    assert response.status_code == 302, response.content[:2000]
    assert program.get("/people").status_code == 200
    form = _worker_form(world, job_title="Senior social worker")
    del form["is_active"]  # an unticked box is not posted
    assert admin_client.post(url, form).status_code == 302
    world.social_worker.refresh_from_db()
    assert not world.social_worker.is_active
    assert_ended(program, DEACTIVATED, world.admin)


def test_a_worker_made_active_again_does_not_get_an_old_token_back(
    world: World, admin_client: Client
) -> None:
    """A token left from before a worker was made inactive (one the deactivation did not end:
    made inactive elsewhere, or before tokens ended with it) stops for good when they are made
    active again: they make new tokens."""
    program = api_as(world.social_worker)
    world.social_worker.is_active = False
    world.social_worker.save(update_fields=["is_active"])  # not through the admin's form
    assert program.get("/people").status_code == 401
    url = f"/admin/access/worker/{world.social_worker.pk}/change/"
    assert admin_client.post(url, _worker_form(world)).status_code == 302
    world.social_worker.refresh_from_db()
    assert world.social_worker.is_active
    assert_ended(program, "Worker made active again", world.admin)


def _signed_out(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_worker_made_inactive_in_the_admin_is_signed_out_for_good(
    world: World, admin_client: Client
) -> None:
    """A browser left signed in (a shared office PC) must not be signed in again, past its
    second factor, when the worker is made active again within its hour."""
    worker = world.social_worker
    left_open = client_for(worker)
    assert left_open.get("/").status_code == 200
    url = f"/admin/access/worker/{worker.pk}/change/"
    form = _worker_form(world)
    del form["is_active"]  # an unticked box is not posted
    assert admin_client.post(url, form).status_code == 302
    assert _signed_out(left_open)
    worker.is_active = True  # made active again, by the admin's form or otherwise
    worker.save(update_fields=["is_active"])
    assert _signed_out(left_open)


def test_a_worker_made_active_again_does_not_get_an_old_session_back(
    world: World, admin_client: Client
) -> None:
    """A session from before a deactivation made some other way ends when the worker is made
    active again, as their old tokens do."""
    worker = world.social_worker
    left_open = client_for(worker)
    assert left_open.get("/").status_code == 200
    worker.is_active = False
    worker.save(update_fields=["is_active"])  # not through the admin's form
    url = f"/admin/access/worker/{worker.pk}/change/"
    assert admin_client.post(url, _worker_form(world)).status_code == 302
    assert _signed_out(left_open)
    assert client_for(worker).get("/").status_code == 200  # signing in again works


def test_a_session_used_while_its_worker_is_inactive_ends_there(world: World) -> None:
    """Made inactive some other way than the admin's form, the worker's session ends at its
    next request: made active again, they sign in afresh."""
    worker = world.social_worker
    left_open = client_for(worker)
    assert left_open.get("/").status_code == 200
    worker.is_active = False
    worker.save(update_fields=["is_active"])  # not through the admin's form
    assert _signed_out(left_open)
    worker.is_active = True
    worker.save(update_fields=["is_active"])
    assert _signed_out(left_open)


SIGHT_CHANGED = "Worker's role, scope or team changed"


@pytest.mark.parametrize(
    "changed",
    [
        {"role": "manager"},  # a promotion: the team's caseload as well as their own
        {"scope": "all"},  # every record
        {"team": "police"},  # another agency's team: its records, not social care's
    ],
)
def test_a_change_of_sight_on_the_admin_form_ends_the_workers_tokens(
    world: World, admin_client: Client, changed: dict[str, str]
) -> None:
    """A token reads with its holder's sight at each read, but was made, and entered in the
    sharing register, within the sight they had then: a wider sight must not reach it."""
    program, others = api_as(world.social_worker), api_as(world.teammate)
    if "team" in changed:
        changed = {"team": str(world.police_analyst.team_id)}
        end_cases(world.social_worker)  # reallocated before they move
    url = f"/admin/access/worker/{world.social_worker.pk}/change/"
    assert admin_client.post(url, _worker_form(world, **changed)).status_code == 302
    assert_ended(program, SIGHT_CHANGED, world.admin)
    assert others.get("/people").status_code == 200  # nobody else's token


def test_a_team_moved_to_another_agency_ends_its_past_members_tokens(
    world: World, admin_client: Client
) -> None:
    """A team with members is not moved (``access.services.fixed_by_members``): its workers'
    tokens read on. One whose accounts were all made inactive (some other way than the admin
    site, which ends their tokens) may be, and a token one of them kept ends: made active
    again, it must not read with another agency's sight."""
    team = world.social_worker.team
    assert team is not None
    program, elsewhere = api_as(world.social_worker), api_as(world.yjs_worker)
    url = f"/admin/access/team/{team.pk}/change/"
    form = {"name": team.name, "agency": world.police_analyst.team.agency_id}
    # Renaming the team changes nobody's sight and ends nothing...
    assert (
        admin_client.post(url, {**form, "agency": team.agency_id, "name": "Renamed"}).status_code
        == 302
    )
    assert program.get("/people").status_code == 200
    # ...nor does the move refused while it has members...
    assert admin_client.post(url, form).status_code == 200
    assert program.get("/people").status_code == 200
    # ...and once it has none, the move ends what its past members kept.
    Worker.objects.filter(team=team).update(is_active=False)
    assert admin_client.post(url, form).status_code == 302
    assert_ended(program, "Worker's team changed agency or independence", world.admin)
    assert elsewhere.get("/people").status_code == 200


def test_an_agency_whose_kind_changes_ends_its_past_workers_tokens(
    world: World, admin_client: Client
) -> None:
    """An agency's kind decides what its workers see (a record's fields, restricted police
    incidents): it is not changed while its teams have members, and once they have none, a
    token one of its past workers kept ends (a business made police must not read on)."""
    team = world.social_worker.team
    assert team is not None
    agency = team.agency
    program, elsewhere = api_as(world.social_worker), api_as(world.police_analyst)
    url = f"/admin/access/agency/{agency.pk}/change/"
    # Renaming it changes nobody's sight and ends nothing...
    renamed = {"name": "Renamed", "kind": agency.kind}
    assert admin_client.post(url, renamed).status_code == 302
    assert program.get("/people").status_code == 200
    # ...a new kind is refused while its teams have members...
    assert admin_client.post(url, {**renamed, "kind": "police"}).status_code == 200
    assert program.get("/people").status_code == 200
    # ...and, once they have none, ends the tokens of every past worker of its teams only.
    Worker.objects.filter(team__agency=agency).update(is_active=False)
    assert admin_client.post(url, {**renamed, "kind": "police"}).status_code == 302
    assert_ended(program, "Worker's agency changed kind", world.admin)
    assert elsewhere.get("/people").status_code == 200
