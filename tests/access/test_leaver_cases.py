"""A leaver's cases, and a role change while holding cases.

Was: the admin site deactivated a worker holding open allocations, or made them an auditor, an
administrator or an analyst, and nobody was told: the children sat with an account nobody
works, and no manager knew. Now a deactivation still takes effect at once, and each team the
worker held children in is told how many (its managers; a team with none, the
administrators), with their My work, which lists those children as "Held by someone whose
account is closed" and links to each child's page, where the case is transferred or the
allocation ended. A role that holds no cases is refused while the worker holds any, as a team
move is; practitioner and manager swap freely."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from locus.access.models import Role, Scope, Worker
from locus.access.naming import holder_text
from locus.access.policies import can_edit_person
from locus.access.services import (
    worker_access_ask,
    worker_access_confirm,
    worker_access_refuse,
)
from locus.audit.models import AccessEvent, ChangeAction, ChangeEvent
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import notify
from locus.people.models import Allocation
from locus.people.services import allocation_create, allocation_end
from locus.transfers.services import transfer_accept
from tests.access.test_admin import _change_form, _errors
from tests.factories import (
    World,
    client_for,
    end_cases,
    make_manager,
    make_person,
    make_worker,
    nothing_written,
)
from tests.transfers.helpers import propose_to_b

CLOSED = "Held by someone whose account is closed"
WAITING = "Held by someone whose account is waiting for its access to be confirmed"
BOTH = "Held by someone whose account is closed or waiting for its access to be confirmed"
#: My work's section of children to pass on, whatever its heading.
SECTION = 'id="held-by-closed-accounts"'


def _save(admin: Client, worker: Worker, **changes: Any) -> Any:
    """Post the admin site's change form for ``worker`` with ``changes`` (``is_active=None``:
    untick it)."""
    form = _change_form(worker, **{k: v for k, v in changes.items() if v is not None})
    if "is_active" in changes and changes["is_active"] is None:
        form.pop("is_active")
    return admin.post(f"/admin/access/worker/{worker.pk}/change/", form)


def _told(recipient: Worker | None = None) -> list[Notification]:
    told = Notification.objects.filter(kind="cases_to_pass_on")
    if recipient is not None:
        told = told.filter(recipient=recipient)
    return list(told)


def _fresh(worker: Worker) -> Worker:
    return Worker.objects.get(pk=worker.pk)


def test_deactivating_a_holder_tells_the_team_s_manager_how_many_children(world: World) -> None:
    page = _save(client_for(world.admin), world.social_worker, is_active=None)
    assert page.status_code == 302
    assert not _fresh(world.social_worker).is_active  # at once, whatever they held
    [told] = _told()
    assert told.recipient == world.team_manager
    assert "account was closed while they held 1 child in" in told.text
    assert world.csc_team_a.name in told.text
    assert world.csc_child.given_name not in told.text  # never a child's name
    # The link opens the manager's My work, which lists the child plainly, with its page.
    mine = client_for(world.team_manager).get(told.url)
    assert mine.status_code == 200
    shown = mine.content.decode()
    assert CLOSED in shown and world.csc_child.full_name in shown
    assert f'href="/people/{world.csc_child.pk}/"' in shown
    # The holder named as every page names one (``naming.holder_text``): worker, team, agency.
    holder = holder_text(_fresh(world.social_worker), world.csc_team_a)
    assert f"held by {escape(holder)}, whose account is closed" in shown
    # On the child's page the manager passes the case on.
    child = client_for(world.team_manager).get(f"/people/{world.csc_child.pk}/").content.decode()
    assert "End the allocation" in child and "Propose a transfer" in child


def test_only_the_holding_team_s_manager_sees_the_closed_account_s_children(
    world: World,
) -> None:
    _save(client_for(world.admin), world.social_worker, is_active=None)
    assert CLOSED in client_for(world.team_manager).get("/my-work/").content.decode()
    # The read of My work names the child it showed, in the trail.
    read = AccessEvent.objects.filter(actor=world.team_manager).latest("id")
    assert read.detail["people_shown"] == [world.csc_child.pk]
    for other in (world.teammate, world.admin, make_manager(world.admin, team=world.csc_team_b)):
        assert CLOSED not in client_for(other).get("/my-work/").content.decode()
    # Once the case is passed on, the line goes.
    end_cases(_fresh(world.social_worker), world.team_manager)
    assert CLOSED not in client_for(world.team_manager).get("/my-work/").content.decode()


def test_a_team_with_no_manager_tells_the_administrators_instead(world: World) -> None:
    """Assessment Team B has no manager: another administrator is told (the one who closed
    the account is not told of their own act), and sees the child on their My work."""
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    # An old account of the administrator who closes it (the same email) is them too.
    theirs = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin.old")
    Worker.objects.filter(pk=theirs.pk).update(email=world.admin.email.upper())
    _save(client_for(world.admin), world.other_social_worker, is_active=None)
    [told] = _told()
    assert told.recipient == second and "1 child in Assessment Team B" in told.text
    shown = client_for(second).get(told.url).content.decode()
    assert CLOSED in shown and world.other_child.full_name in shown
    assert _told(world.system) == []


def test_deactivating_a_worker_with_no_cases_tells_nobody(world: World) -> None:
    idle = make_worker(world.system, team=world.csc_team_a, username="idle")
    before = Notification.objects.count()
    page = _save(client_for(world.admin), idle, is_active=None)
    assert page.status_code == 302 and not _fresh(idle).is_active
    assert Notification.objects.count() == before


def test_a_role_holding_no_cases_is_refused_while_the_worker_holds_any(world: World) -> None:
    admin = client_for(world.admin)
    for role in (Role.AUDITOR, Role.ADMINISTRATOR, Role.ANALYST):
        with nothing_written(Worker):
            page = _save(admin, world.social_worker, role=role)
        assert page.status_code == 200
        [message] = _errors(page)["role"]
        assert message.startswith(
            f"{world.social_worker} still holds the cases of 1 child in Contextual "
            "Safeguarding Team A. A worker's cases are reallocated before they take a role "
            "that holds none: a manager of that team transfers each case"
        )
        assert message.endswith("Then change their role.")
    assert _fresh(world.social_worker).role == Role.PRACTITIONER
    end_cases(world.social_worker, world.team_manager)
    assert _save(admin, world.social_worker, role=Role.AUDITOR, team="").status_code == 302


def _confirmed_once_cases_passed_on(world: World, refused: str, **change: str) -> None:
    """The social worker, changed in the database (``change``) and waiting for a second
    person, is not confirmed while holding cases (``refused``: the words why), then is."""
    Worker.objects.filter(pk=world.social_worker.pk).update(**change)
    worker_access_ask(actor=world.admin, worker=_fresh(world.social_worker))
    with pytest.raises(InvalidTransition, match=refused):
        worker_access_confirm(actor=world.team_manager, worker=_fresh(world.social_worker))
    end_cases(world.social_worker, world.team_manager)
    worker_access_confirm(actor=world.team_manager, worker=_fresh(world.social_worker))


def test_a_holder_is_given_no_sight_of_case_records_only_once_their_cases_are_passed_on(
    world: World,
) -> None:
    """Scope "No case records" leaves a holder unable to see or change the children they
    hold: refused at the scope field, as a role that holds none is, and a scope set so in the
    database is not confirmed while they hold them."""
    admin = client_for(world.admin)
    with nothing_written(Worker):
        page = _save(admin, world.social_worker, scope=Scope.NONE)
    assert page.status_code == 200
    [message] = _errors(page)["scope"]
    assert "are reallocated before they lose sight of case records" in message
    assert message.endswith("Then change their scope.")
    assert _fresh(world.social_worker).scope != Scope.NONE
    _confirmed_once_cases_passed_on(world, "lose sight of case records", scope=Scope.NONE)


def test_a_practitioner_holding_cases_is_made_a_manager_of_their_team(world: World) -> None:
    page = _save(client_for(world.admin), world.social_worker, role=Role.MANAGER)
    assert page.status_code == 302
    assert _fresh(world.social_worker).role == Role.MANAGER


def test_reactivated_after_their_cases_were_passed_on_a_worker_changes_none_of_them(
    world: World,
) -> None:
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    end_cases(_fresh(world.social_worker), world.team_manager)
    assert _save(admin, _fresh(world.social_worker)).status_code == 302
    back = _fresh(world.social_worker)
    assert back.is_active and back.access_awaiting_since is not None
    worker_access_confirm(actor=world.team_manager, worker=back)
    assert not can_edit_person(_fresh(back), world.csc_child)


def test_a_role_change_still_waiting_is_not_confirmed_while_the_worker_holds_cases(
    world: World,
) -> None:
    """A worker made an analyst before such changes were refused (or in the database), still
    waiting for a second person: the confirmation is refused in the same words."""
    _confirmed_once_cases_passed_on(world, "take a role that holds none", role=Role.ANALYST)
    assert _fresh(world.social_worker).access_awaiting_since is None


def _in_my_work(worker: Worker) -> str:
    return str(client_for(worker).get("/my-work/").content.decode())


def test_a_reactivated_account_s_notices_go_once_its_access_is_confirmed(world: World) -> None:
    """Was: made active again, the account's cases dropped off the manager's My work at once,
    though it holds nothing until a second person confirms it, and the notices that its cases
    were to be passed on stayed, their link opening an empty section. Now the children stay
    listed until its access is confirmed; then the notices go, each in the trail."""
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    [told] = _told(world.team_manager)
    assert _save(admin, _fresh(world.social_worker)).status_code == 302
    back = _fresh(world.social_worker)
    assert back.is_active and back.access_awaiting_since is not None
    # Back but not confirmed: the notice stands and the child is still listed to pass on,
    # whatever else the administrator changes meanwhile (a promotion asks the managers again).
    assert _save(admin, back, job_title="Senior social worker").status_code == 302
    assert _save(admin, _fresh(back), role=Role.MANAGER).status_code == 302
    assert _told(world.team_manager) == [told]
    assert WAITING in _in_my_work(world.team_manager)
    assert world.csc_child.full_name in _in_my_work(world.team_manager)
    worker_access_confirm(actor=world.team_manager, worker=_fresh(back))
    assert _told() == []
    assert SECTION not in _in_my_work(world.team_manager)
    gone = ChangeEvent.objects.get(
        record_type="notifications.notification", record_id=str(told.pk), action="delete"
    )
    assert gone.actor == world.team_manager


def test_a_reactivated_account_s_notices_to_the_administrators_go_too(world: World) -> None:
    """Assessment Team B had no manager when the account closed: another administrator was
    told. Was: once a manager of the team since confirmed the account made active again, the
    administrator's notice stayed. Now every notice that its cases were to be passed on goes."""
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    admin = client_for(world.admin)
    _save(admin, world.other_social_worker, is_active=None)
    assert [n.recipient for n in _told()] == [second]
    manager = make_manager(world.system, team=world.csc_team_b)
    assert _save(admin, _fresh(world.other_social_worker)).status_code == 302
    assert WAITING in _in_my_work(manager)
    worker_access_confirm(actor=manager, worker=_fresh(world.other_social_worker))
    assert _told() == []


def test_an_account_waiting_for_another_change_is_not_listed_as_closed(world: World) -> None:
    """Only a reactivation's wait keeps the cases listed: a holder made a manager waits for a
    second person too, but their account is not closed (nor was it since it was last made
    active again and confirmed)."""
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    _save(admin, _fresh(world.social_worker))
    worker_access_confirm(actor=world.team_manager, worker=_fresh(world.social_worker))
    assert _save(admin, _fresh(world.social_worker), role=Role.MANAGER).status_code == 302
    assert _fresh(world.social_worker).access_awaiting_since is not None
    assert SECTION not in _in_my_work(world.team_manager)


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.AUDITOR, "team": ""},
        {"role": Role.AUDITOR},
        {"team": "csc_team_b"},
        {"scope": Scope.NONE},
    ],
)
def test_closing_an_account_in_the_same_save_as_a_role_or_team_change(
    world: World, change: dict[str, str]
) -> None:
    """Was: a save that closed a holder's account and changed their role or team was refused,
    as the role or team check asked for their cases to be passed on first. Closing never waits
    on the caseload: the account is closed with the change, its team's manager is told, the
    child is listed as held by someone whose account is closed, and nobody is asked to confirm
    the access of an account that is closed."""
    if change.get("team") == "csc_team_b":
        change = {"team": str(world.csc_team_b.pk)}
    page = _save(client_for(world.admin), world.social_worker, is_active=None, **change)
    assert page.status_code == 302
    closed = _fresh(world.social_worker)
    assert not closed.is_active and closed.access_awaiting_since is None
    assert closed.role == change.get("role", Role.PRACTITIONER)
    [told] = _told()
    assert told.recipient == world.team_manager
    assert f"1 child in {world.csc_team_a.name}" in told.text
    shown = _in_my_work(world.team_manager)
    assert CLOSED in shown and world.csc_child.full_name in shown
    assert not Notification.objects.filter(kind="access_to_confirm").exists()


def test_the_change_form_is_the_only_way_the_admin_site_closes_an_account(world: World) -> None:
    """No list action closes accounts past the notices (the worker list offers deletion only),
    and an account holding children's cases is not deleted: its allocations protect it."""
    admin = client_for(world.admin)
    listed = admin.get("/admin/access/worker/").content.decode()
    [select] = re.findall(r'<select name="action".*?</select>', listed, re.S)
    assert re.findall(r'<option value="([^"]+)"', select) == ["delete_selected"]
    url = f"/admin/access/worker/{world.social_worker.pk}/delete/"
    with nothing_written(Worker):
        admin.post(url, {"post": "yes"})
    assert _fresh(world.social_worker).is_active


def test_the_notice_goes_once_the_closed_account_s_last_case_is_passed_on(world: World) -> None:

    second = make_person(world.system, given_name="Second")
    allocation_create(
        actor=world.system, person=second, worker=world.social_worker, start=clock.today()
    )
    assert _save(client_for(world.admin), world.social_worker, is_active=None).status_code == 302
    [told] = _told(world.team_manager)
    held = list(Allocation.objects.current().filter(worker=world.social_worker).order_by("pk"))
    assert len(held) == 2
    allocation_end(actor=world.team_manager, allocation=held[0], end=clock.today(), reason="Moved")
    assert _told(world.team_manager) == [told]  # one child still waits
    allocation_end(actor=world.team_manager, allocation=held[1], end=clock.today(), reason="Moved")
    assert _told() == []  # the work is done: no notice leads to an empty list
    assert ChangeEvent.objects.filter(
        action=ChangeAction.DELETE, record_type="notifications.notification", record_id=told.pk
    ).exists()


def test_the_notice_goes_once_a_transfer_passes_on_the_last_case(world: World) -> None:

    assert _save(client_for(world.admin), world.social_worker, is_active=None).status_code == 302
    assert _told(world.team_manager)
    transfer = propose_to_b(world, by=world.team_manager)
    transfer_accept(
        actor=world.extra["manager_b"], transfer=transfer, to_worker=world.other_social_worker
    )
    assert _told() == []


def test_an_active_worker_s_last_case_ending_removes_no_notice(world: World) -> None:
    # An open account's last case ending is no passing on: a notice about them stays.
    notify(
        world.team_manager,
        NotificationKind.CASES_TO_PASS_ON,
        actor=world.admin,
        about=world.social_worker,
        url="/",
        text="Left from before",
    )
    [held] = Allocation.objects.current().filter(worker=world.social_worker)
    allocation_end(actor=world.team_manager, allocation=held, end=clock.today(), reason="Closed")
    assert len(_told(world.team_manager)) == 1


def test_a_change_confirmed_after_the_account_closed_leaves_its_notices(world: World) -> None:
    """A promotion asked for before the account closed may be confirmed after: the account
    is still closed and holds its child, so the notice that it is to be passed on stays."""
    admin = client_for(world.admin)
    assert _save(admin, world.social_worker, role=Role.MANAGER).status_code == 302
    assert _fresh(world.social_worker).access_awaiting_since is not None
    assert _save(admin, _fresh(world.social_worker), is_active=None).status_code == 302
    [told] = _told(world.team_manager)
    worker_access_confirm(actor=world.team_manager, worker=_fresh(world.social_worker))
    assert not _fresh(world.social_worker).is_active
    assert _told(world.team_manager) == [told]
    assert world.csc_child.full_name in _in_my_work(world.team_manager)


def test_a_notice_goes_once_its_reader_s_team_has_nothing_left_to_pass_on(world: World) -> None:
    """A leaver who held children in two teams (moved, in the database, before such moves
    were refused, and given a case in the new one): each team's manager has a notice; passing
    on team A's case takes only team A's."""
    manager_b = make_manager(world.system, team=world.csc_team_b)
    Worker.objects.filter(pk=world.social_worker.pk).update(team=world.csc_team_b)
    second = make_person(world.system, given_name="Second")
    allocation_create(
        actor=world.system, person=second, worker=_fresh(world.social_worker), start=clock.today()
    )
    assert (
        _save(client_for(world.admin), _fresh(world.social_worker), is_active=None).status_code
        == 302
    )
    [told_b] = _told(manager_b)
    assert len(_told(world.team_manager)) == 1
    [in_a] = Allocation.objects.current().filter(worker=world.social_worker, team=world.csc_team_a)
    allocation_end(actor=world.team_manager, allocation=in_a, end=clock.today(), reason="Moved")
    assert _told(world.team_manager) == []
    assert _told() == [told_b]
    assert second.full_name in _in_my_work(manager_b)


def test_an_administrator_s_notice_goes_once_its_own_team_has_nothing_left(world: World) -> None:
    """A leaver held children in two teams with no manager (team A's left too): the
    administrators are told once for each. Was: the second administrator kept both notices
    until neither team had any of the leaver's children, as they had one list of both. Now
    each notice knows its team and goes once that team has nothing left of the leaver."""
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    Worker.objects.filter(pk=world.team_manager.pk).update(is_active=False)
    Worker.objects.filter(pk=world.social_worker.pk).update(team=world.csc_team_b)
    in_b = make_person(world.system, given_name="Second")
    allocation_create(
        actor=world.system, person=in_b, worker=_fresh(world.social_worker), start=clock.today()
    )
    admin = client_for(world.admin)
    assert _save(admin, _fresh(world.social_worker), is_active=None).status_code == 302
    told = _told(second)
    assert len(told) == 2 and _told() == told
    [told_b] = [n for n in told if world.csc_team_b.name in n.text]
    [in_a] = Allocation.objects.current().filter(worker=world.social_worker, team=world.csc_team_a)
    allocation_end(actor=world.admin, allocation=in_a, end=clock.today(), reason="Moved")
    assert _told() == [told_b]
    assert in_b.full_name in _in_my_work(second)
    [left] = Allocation.objects.current().filter(worker=world.social_worker)
    allocation_end(actor=world.admin, allocation=left, end=clock.today(), reason="Moved")
    assert _told() == []


def test_a_reactivated_holder_is_said_to_be_waiting_for_confirmation_not_closed(
    world: World,
) -> None:
    """Was: made active again, the holder's children stayed listed (rightly: they hold nothing
    until a second person confirms them) but My work said each was held by someone "whose
    account is closed", which was false. Now it says the account waits for its access to be
    confirmed, links the manager who may confirm it to the page that does, and says to
    confirm it or pass the cases on."""
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    assert _save(admin, _fresh(world.social_worker)).status_code == 302
    shown = _in_my_work(world.team_manager)
    assert CLOSED not in shown and "whose account is closed" not in shown
    assert f"{WAITING} (1)" in shown
    child = shown[shown.index(world.csc_child.full_name) :]
    child = child[: child.index("</li>")]
    assert "whose account is waiting for its access to be confirmed" in child
    assert f'href="/account/access/{world.social_worker.pk}/"' in child
    assert "confirm their access" in shown and "transfer the case or end the allocation" in shown


def test_a_list_of_both_kinds_says_which_is_which(world: World) -> None:
    """One holder closed, another made active again and waiting: the heading names both, and
    each child says which its holder is."""
    leaver = make_worker(world.system, team=world.csc_team_a, username="leaver")
    second = make_person(world.system, given_name="Second")
    allocation_create(actor=world.system, person=second, worker=leaver, start=clock.today())
    admin = client_for(world.admin)
    _save(admin, leaver, is_active=None)
    _save(admin, world.social_worker, is_active=None)
    assert _save(admin, _fresh(world.social_worker)).status_code == 302
    shown = _in_my_work(world.team_manager)
    assert f"{BOTH} (2)" in shown
    lines = dict(re.findall(r">([^<]+)</a>: held by [^<]+?, whose (account is \w+)", shown))
    assert lines == {
        world.csc_child.full_name: "account is waiting",
        second.full_name: "account is closed",
    }


def test_a_refused_returner_s_children_say_their_access_was_refused(world: World) -> None:
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    assert _save(admin, _fresh(world.social_worker)).status_code == 302
    worker_access_refuse(actor=world.team_manager, worker=_fresh(world.social_worker), reason="No")
    shown = _in_my_work(world.team_manager)
    assert f"{WAITING} (1)" in shown
    assert "whose access was refused" in shown
    assert f'href="/account/access/{world.social_worker.pk}/"' not in shown


def test_a_team_s_first_manager_is_told_of_the_closed_account_s_cases(world: World) -> None:
    """Assessment Team B had no manager when the account closed: another administrator was
    told. Was: a manager made for the team later found the child only on their My work, told
    of nothing, and the administrator's notice stayed, its link opening a list without the
    team. Now the new manager is told as the team's managers are when an account closes (the
    same words, naming the team, no child), and the administrator's notice goes; the
    manager's goes, as theirs would, once the team has none of the cases left."""
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    _save(client_for(world.admin), world.other_social_worker, is_active=None)
    [was] = _told(second)
    manager = make_manager(world.system, team=world.csc_team_b)
    [told] = _told()
    assert told.recipient == manager and told.team == world.csc_team_b
    assert told.text == was.text  # "... held 1 child in Assessment Team B: transfer each ..."
    assert world.other_child.given_name not in told.text
    shown = client_for(manager).get(told.url).content.decode()
    assert CLOSED in shown and world.other_child.full_name in shown
    assert world.other_child.full_name not in _in_my_work(second)
    end_cases(_fresh(world.other_social_worker), manager)
    assert _told() == []


def test_a_manager_confirmed_in_the_team_is_told_once(world: World) -> None:
    """A practitioner of team A made its manager on the admin site, once a manager of the
    team confirms it, is told of the closed account's cases there (the confirmer, told when
    it closed, is not told again); a manager confirmed again later (a wider scope) is not told
    twice, nor is anyone whose confirmation makes them no manager of a team with such cases."""
    admin = client_for(world.admin)
    _save(admin, world.social_worker, is_active=None)
    [first] = _told()
    assert _save(admin, world.teammate, role=Role.MANAGER).status_code == 302
    assert _save(admin, world.other_social_worker, scope=Scope.AGENCY).status_code == 302
    assert _told() == [first]  # told only once their access is confirmed
    worker_access_confirm(actor=world.team_manager, worker=_fresh(world.teammate))
    [told] = _told(world.teammate)
    assert told.text == first.text and told.team == world.csc_team_a
    assert _told(world.team_manager) == [first]
    assert _save(admin, world.team_manager, scope=Scope.ALL).status_code == 302
    worker_access_confirm(actor=_fresh(world.teammate), worker=_fresh(world.team_manager))
    manager_b = make_manager(world.system, team=world.csc_team_b)
    worker_access_confirm(actor=manager_b, worker=_fresh(world.other_social_worker))
    assert sorted(n.pk for n in _told()) == sorted([first.pk, told.pk])


def test_a_team_given_a_manager_who_sees_none_of_its_cases_still_frees_the_administrators(
    world: World,
) -> None:
    """A manager of team B who sees only their own cases is told of none of the closed
    account's children there; the administrators' notice goes all the same, as their My work
    lists none of the team's children once it has a manager."""
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    _save(client_for(world.admin), world.other_social_worker, is_active=None)
    assert len(_told(second)) == 1
    make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER, scope=Scope.OWN)
    assert _told() == []
    assert world.other_child.full_name not in _in_my_work(second)
