"""An account's sight needs a second person: the IT administrator alone opens nobody's records.

An account the admin site makes, or whose team, role or scope it widens, sees no case
records until a manager of its team (another administrator, for an account without a team)
confirms it in Locus; never the administrator who made the change, nor another account of
theirs. Was: the administrator alone made an account with an email they held, in any team,
and signed in as it to read the team's children."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.access import break_glass, retention, scopes, sharing
from locus.access.models import BreakGlass, Role, Scope, Worker
from locus.access.services import (
    system_worker,
    worker_access_confirm,
    worker_access_refuse,
)
from locus.audit.models import AccessEvent, ChangeEvent
from locus.common.errors import InvalidTransition, NotPermitted
from locus.notifications.models import Notification, NotificationKind
from tests.access.test_admin import ADD, _change_form
from tests.factories import (
    World,
    changes_for,
    client_for,
    end_cases,
    make_team,
    make_worker,
    nothing_written,
    open_in_emergency,
)


def _admin_saves(admin: Client, worker: Worker, **changes: object) -> Worker:
    page = admin.post(f"/admin/access/worker/{worker.pk}/change/", _change_form(worker, **changes))
    assert page.status_code == 302, page.content[:3000]
    return Worker.objects.get(pk=worker.pk)


def _admin_makes(world: World, username: str, **fields: object) -> Worker:
    """What an administrator does on the admin site: add the account, then give it its
    team, role and scope."""
    admin = client_for(world.admin)
    form = {"username": username, "usable_password": "false", "email": f"{username}@own.example"}
    assert admin.post(ADD, form).status_code == 302
    worker = Worker.objects.get(username=username)
    return _admin_saves(admin, worker, **fields)


def _sees(worker: Worker) -> set[int]:
    worker = Worker.objects.get(pk=worker.pk)
    return set(scopes.people_visible_to(worker).values_list("pk", flat=True))


def _page(worker: Worker, new: Worker) -> int:
    return client_for(worker).get(f"/account/access/{new.pk}/").status_code


def _decides(confirmer: Worker, new: Worker, decision: str, reason: str = "") -> int:
    page = client_for(confirmer).post(
        f"/account/access/{new.pk}/", {"decision": decision, "reason": reason}
    )
    return page.status_code


@pytest.fixture
def new_practitioner(world: World) -> Worker:
    return _admin_makes(
        world,
        "new.practitioner",
        first_name="Nia",
        last_name="Newcomer",
        team=world.csc_team_a.pk,
        role=Role.PRACTITIONER,
        scope=Scope.TEAM,
    )


def test_an_account_the_admin_site_makes_sees_no_child_until_its_team_manager_confirms_it(
    world: World, new_practitioner: Worker
) -> None:
    team_children = {world.csc_child.pk, world.team_child.pk}
    assert new_practitioner.access_awaiting_since is not None
    assert new_practitioner.access_asked_by == world.admin
    assert not scopes.sees_case_records(new_practitioner)
    assert _sees(new_practitioner) == set()
    # It signs in, and is told who confirms it, in plain words.
    home = client_for(new_practitioner).get("/").content.decode()
    assert "Your access is waiting for" in home
    assert "another manager of Contextual Safeguarding Team A to confirm it" in home
    assert world.csc_child.family_name not in home
    # Its team's manager is asked in Locus, naming no child.
    asked = Notification.objects.get(
        recipient=world.team_manager, kind=NotificationKind.ACCESS_TO_CONFIRM
    )
    assert asked.url == f"/account/access/{new_practitioner.pk}/"
    assert _page(world.team_manager, new_practitioner) == 200
    assert _decides(world.team_manager, new_practitioner, "confirm") == 302
    confirmed = Worker.objects.get(pk=new_practitioner.pk)
    assert confirmed.access_awaiting_since is None
    assert confirmed.access_decided_by == world.team_manager
    assert confirmed.access_decided_at is not None
    assert team_children <= _sees(confirmed)
    # In the change trail, under the manager's name; the request is gone from their list.
    last = changes_for(confirmed)[-1]
    assert last.actor == world.team_manager and last.after["access_awaiting_since"] is None
    assert not Notification.objects.filter(kind=NotificationKind.ACCESS_TO_CONFIRM).exists()
    # The worker's record on the admin site shows who confirmed it.
    record = client_for(world.admin).get(f"/admin/access/worker/{confirmed.pk}/change/")
    assert "Access confirmation" in record.content.decode()


def test_the_administrator_who_made_it_does_not_confirm_it_nor_another_account_of_theirs(
    world: World,
) -> None:
    system = system_worker()
    new_admin = _admin_makes(world, "new.admin", team="", role=Role.ADMINISTRATOR, scope=Scope.ALL)
    assert not scopes.sees_case_records(new_admin)
    assert _page(world.admin, new_admin) == 404
    # A second account of the same person (an old one, made before the email rule).
    second = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="admin.two")
    Worker.objects.filter(pk=second.pk).update(email=world.admin.email.upper())
    second.refresh_from_db()
    assert _page(second, new_admin) == 404
    assert _decides(second, new_admin, "confirm") == 404
    with pytest.raises(NotPermitted):
        worker_access_confirm(actor=world.admin, worker=new_admin)
    # Nor the account itself, nor a team's manager (an account without a team is an
    # administrator's to confirm).
    assert _page(new_admin, new_admin) == 404
    assert _page(world.team_manager, new_admin) == 404
    # Another administrator does.
    other = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="other.admin")
    assert _page(other, new_admin) == 200
    worker_access_confirm(actor=other, worker=new_admin)
    assert scopes.sees_case_records(Worker.objects.get(pk=new_admin.pk))


def test_an_account_moved_to_another_team_sees_nothing_there_until_that_teams_manager_confirms(
    world: World,
) -> None:
    moved = world.other_social_worker
    assert world.other_child.pk in _sees(moved)
    end_cases(moved)  # a worker's cases are reallocated before they move
    admin = client_for(world.admin)
    moved = _admin_saves(admin, moved, team=world.csc_team_a.pk)
    assert _sees(moved) == set()
    team_b_manager = make_worker(
        system_worker(), team=world.csc_team_b, role=Role.MANAGER, username="b.manager"
    )
    assert _page(team_b_manager, moved) == 404  # a manager of another team
    assert _decides(team_b_manager, moved, "confirm") == 404
    assert _decides(world.team_manager, moved, "confirm") == 302
    assert {world.csc_child.pk, world.team_child.pk} <= _sees(moved)


def test_a_wider_scope_or_role_waits_and_a_narrower_scope_or_deactivation_does_not(
    world: World,
) -> None:
    admin = client_for(world.admin)
    worker = _admin_saves(admin, world.social_worker, scope=Scope.OWN)
    assert worker.access_awaiting_since is None and world.csc_child.pk in _sees(worker)
    worker = _admin_saves(admin, worker, is_active="")
    assert worker.access_awaiting_since is None
    worker = _admin_saves(admin, worker, is_active="on")  # made active again: waits
    assert worker.access_awaiting_since is not None
    worker_access_confirm(actor=world.team_manager, worker=worker)
    worker = _admin_saves(admin, Worker.objects.get(pk=worker.pk), scope=Scope.AGENCY)
    assert worker.access_awaiting_since is not None and _sees(worker) == set()
    worker_access_confirm(actor=world.team_manager, worker=worker)
    worker = _admin_saves(admin, Worker.objects.get(pk=worker.pk), role=Role.MANAGER)
    assert worker.access_awaiting_since is not None


def test_a_refusal_needs_a_reason_leaves_the_account_seeing_nothing_and_tells_the_admin(
    world: World, new_practitioner: Worker
) -> None:
    page = client_for(world.team_manager).post(
        f"/account/access/{new_practitioner.pk}/", {"decision": "refuse", "reason": " "}
    )
    assert page.status_code == 200 and "Say why you refuse this access" in page.content.decode()
    assert Worker.objects.get(pk=new_practitioner.pk).access_decided_at is None
    why = "Nobody of this name works in my team"
    assert _decides(world.team_manager, new_practitioner, "refuse", why) == 302
    refused = Worker.objects.get(pk=new_practitioner.pk)
    assert refused.access_refusal == why and refused.access_decided_by == world.team_manager
    assert _sees(refused) == set()
    told = Notification.objects.get(recipient=world.admin, kind=NotificationKind.ACCESS_REFUSED)
    assert str(world.team_manager) in told.text
    assert f"/admin/access/worker/{refused.pk}/" in told.url
    home = client_for(refused).get("/").content.decode()
    assert "Your access was refused by" in home and why in home
    # Decided: not decided again.
    assert _page(world.team_manager, refused) == 404
    with pytest.raises(NotPermitted):
        worker_access_refuse(actor=world.team_manager, worker=refused, reason="Again")
    event = ChangeEvent.objects.filter(record_type="access.worker", record_id=str(refused.pk))
    assert event.order_by("id").last().after["access_refusal"] == why  # type: ignore[union-attr]


def test_the_confirmation_page_is_logged_each_time_it_is_drawn_a_refused_post_too(
    world: World, new_practitioner: Worker
) -> None:
    """A refused post draws the account's details again: that is a read, logged as the first
    drawing is, with the accounts it shows. Was: only the first drawing (a GET) was logged."""
    reads = AccessEvent.objects.filter(
        actor=world.team_manager, record_type="access.worker", record_id=str(new_practitioner.pk)
    )
    assert _page(world.team_manager, new_practitioner) == 200
    page = client_for(world.team_manager).post(
        f"/account/access/{new_practitioner.pk}/", {"decision": "refuse", "reason": ""}
    )
    assert page.status_code == 200 and new_practitioner.username in page.content.decode()
    assert reads.count() == 2
    assert all(
        read.detail
        == {
            "page": "access confirmation",
            "workers_shown": [new_practitioner.pk, world.admin.pk],
        }
        for read in reads
    )


def test_the_command_line_and_factories_make_accounts_already_confirmed(world: World) -> None:
    """What is made outside the admin site (``locus createadmin``, the demo, these tests'
    factories) needs nobody; nor did any account made before the rule."""
    assert not Worker.objects.exclude(access_awaiting_since=None).exists()
    assert scopes.sees_case_records(world.social_worker)


def test_an_administrator_account_waiting_for_confirmation_has_no_administrators_powers(
    world: World,
) -> None:
    """Made by one administrator, an administrator's account opens neither the admin site
    nor any of its services until another administrator confirms it: else it would make
    and confirm accounts of its own, as the second person of the first one's change."""
    new_admin = _admin_makes(world, "new.admin", team="", role=Role.ADMINISTRATOR, scope="all")
    site = client_for(new_admin)
    assert site.get("/admin/").status_code != 200
    assert site.get("/admin/access/worker/").status_code != 200
    with pytest.raises(NotPermitted):
        make_worker(new_admin, team=world.csc_team_a, role=Role.PRACTITIONER)
    # Nor, not being an administrator yet, does it confirm another waiting account.
    third = _admin_makes(world, "third.admin", team="", role=Role.ADMINISTRATOR, scope="all")
    assert _page(new_admin, third) == 404
    other = make_worker(system_worker(), team=None, role=Role.ADMINISTRATOR, username="other")
    worker_access_confirm(actor=other, worker=new_admin)
    assert client_for(Worker.objects.get(pk=new_admin.pk)).get("/admin/").status_code == 200


def test_an_auditor_or_manager_waiting_for_confirmation_has_none_of_the_roles_readings(
    world: World,
) -> None:
    """An auditor's account made on the admin site reads no emergency access, sharing
    register or retention until another administrator confirms it; a manager moved into a
    team reviews none of its emergency access until that team's manager confirms it."""
    auditor = _admin_makes(world, "new.auditor", team="", role=Role.AUDITOR, scope="none")
    readings = (
        break_glass.can_read_all_uses,
        sharing.reads_every_share,
        retention.can_read_retention,
    )
    assert [read(auditor) for read in readings] == [False, False, False]
    other = make_worker(system_worker(), team=None, role=Role.ADMINISTRATOR, username="other")
    worker_access_confirm(actor=other, worker=auditor)
    auditor = Worker.objects.get(pk=auditor.pk)
    assert [read(auditor) for read in readings] == [True, True, True]

    open_in_emergency(world.social_worker, world.other_child)
    use = BreakGlass.objects.get(worker=world.social_worker)
    end_cases(world.yjs_worker)
    moved = _admin_saves(client_for(world.admin), world.yjs_worker, team=world.csc_team_a.pk)
    moved = _admin_saves(client_for(world.admin), moved, role=Role.MANAGER)
    assert not break_glass.can_review(moved, use)
    assert moved not in break_glass.reviewers_of(use)
    worker_access_confirm(actor=world.team_manager, worker=moved)
    assert break_glass.can_review(Worker.objects.get(pk=moved.pk), use)


def test_an_auditor_waiting_for_confirmation_does_not_read_the_audit_trail(world: World) -> None:
    """The trail names the children each worker read: an auditor's account an administrator
    made reads it only once another administrator confirms it."""
    auditor = _admin_makes(world, "new.auditor", team="", role=Role.AUDITOR, scope="none")
    assert client_for(auditor).get("/audit/").status_code == 404
    other = make_worker(system_worker(), team=None, role=Role.ADMINISTRATOR, username="other")
    worker_access_confirm(actor=other, worker=auditor)
    assert client_for(Worker.objects.get(pk=auditor.pk)).get("/audit/").status_code == 200


def test_a_waiting_account_is_not_told_it_works_in_an_independent_reviewing_service(
    world: World, new_practitioner: Worker
) -> None:
    """Its lists of children say why they are empty by the banner, not by a reason that is not
    theirs (found on the demo: the people list told a new social worker she chaired conferences)."""
    for path in ("/people/", "/incidents/"):
        page = client_for(new_practitioner).get(path).content.decode()
        assert "Your access is waiting to be confirmed" in page
        assert "independent reviewing service" not in page
        assert "partner organisation" not in page


@pytest.mark.parametrize("refused_first", [False, True])
def test_no_administrator_who_changed_a_waiting_account_confirms_it_after_another_changes_it(
    world: World, refused_first: bool
) -> None:
    """Was: only the latest administrator to change the account was kept, so one who made an
    account for an email they held could confirm it once a colleague had changed it too (a
    refusal in between did not help)."""
    system = system_worker()
    new_admin = _admin_makes(world, "new.admin", team="", role=Role.ADMINISTRATOR, scope=Scope.ALL)
    colleague = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="colleague")
    third = make_worker(system, team=None, role=Role.ADMINISTRATOR, username="third.admin")
    if refused_first:
        worker_access_refuse(actor=third, worker=new_admin, reason="Not known to the service desk")
    new_admin = _admin_saves(client_for(colleague), new_admin, role=Role.AUDITOR, scope=Scope.ALL)
    assert new_admin.access_asked_by == colleague
    for too_close in (world.admin, colleague):
        assert _page(too_close, new_admin) == 404
        with pytest.raises(NotPermitted):
            worker_access_confirm(actor=too_close, worker=new_admin)
    assert _page(third, new_admin) == 200
    worker_access_confirm(actor=third, worker=new_admin)
    assert Worker.objects.get(pk=new_admin.pk).access_awaiting_since is None


def test_an_account_the_add_form_made_is_not_confirmed_before_it_has_a_team(
    world: World,
) -> None:
    """The admin site's add form makes an active practitioner with no team, waiting; a second
    administrator confirming it then would leave a practitioner working in no team."""
    admin = client_for(world.admin)
    form = {"username": "new.hire", "usable_password": "false", "email": "new.hire@own.example"}
    assert admin.post(ADD, form).status_code == 302
    made = Worker.objects.get(username="new.hire")
    assert made.team_id is None and made.access_awaiting_since is not None
    other = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="other.admin")
    with nothing_written(Worker), pytest.raises(InvalidTransition, match="has no team yet"):
        worker_access_confirm(actor=other, worker=made)
    assert Worker.objects.get(pk=made.pk).access_awaiting_since is not None


def test_a_new_teams_first_manager_is_confirmed_by_a_manager_of_another_of_the_agencys_teams(
    world: World,
) -> None:
    """A team with no manager confirmed nobody: its first manager, made on the admin site,
    waited for ever, with nobody asked. A manager of another of the agency's teams now
    decides (and is asked); not a manager in another agency, nor the administrator who made
    the account. Once the team has its manager, its own manager decides again."""
    team_c = make_team(system_worker(), agency=world.csc, name="Exploitation Team C")
    first = _admin_makes(world, "c.manager", team=team_c.pk, role=Role.MANAGER, scope=Scope.AGENCY)
    assert first.access_awaiting_since is not None
    home = client_for(first).get("/").content.decode()
    assert "another manager of Children&#x27;s Social Care&#x27;s teams to confirm it" in home
    asked = set(
        Notification.objects.filter(kind=NotificationKind.ACCESS_TO_CONFIRM).values_list(
            "recipient__username", flat=True
        )
    )
    assert world.team_manager.username in asked
    assert not {w.username for w in Worker.objects.exclude(team__agency=world.csc)} & asked
    yjs_manager = make_worker(
        system_worker(), team=world.yjs_team, role=Role.MANAGER, username="yjs.manager"
    )
    assert _decides(yjs_manager, first, "confirm") == 404
    assert _decides(world.admin, first, "confirm") == 404
    assert _decides(world.team_manager, first, "confirm") == 302
    first = Worker.objects.get(pk=first.pk)
    assert first.access_awaiting_since is None and first.access_decided_by == world.team_manager
    # A practitioner then joins team C: its own manager confirms them, no one else's.
    joiner = _admin_makes(world, "c.worker", team=team_c.pk, role=Role.PRACTITIONER)
    assert _decides(world.team_manager, joiner, "confirm") == 404
    assert _decides(first, joiner, "confirm") == 302
