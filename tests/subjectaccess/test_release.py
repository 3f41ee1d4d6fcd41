"""Releasing an export takes two people: whoever asks for it names another member of the
data team, who checks it and approves its release with the reason; only then may it be
downloaded to be sent, and only then may the request be completed."""

from __future__ import annotations

import re

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications.models import Notification
from locus.subjectaccess.package import (
    package_approve,
    package_ask,
    package_change_approver,
    package_file,
)
from locus.subjectaccess.services import request_close
from tests.factories import World, changes_for, client_for, make_worker
from tests.frozen_clock import FrozenClock
from tests.subjectaccess.conftest import Scene, asked_export, other_admin


def test_the_maker_names_another_member_of_the_data_team_to_approve(
    world: World, scene: Scene
) -> None:
    """Nobody names themselves, nor someone outside the data team."""
    for approver in (world.admin, world.team_manager, None):
        with pytest.raises(ValidationFailed) as refused:
            package_ask(actor=world.admin, request=scene.request, approver=approver)
        assert "approver" in refused.value.errors


def test_my_works_read_logs_the_request_an_export_waits_on(world: World, scene: Scene) -> None:
    """The approver's My work names the request by its reference: the read's audit row
    lists it, as it does the requests assigned to them. Before, it listed none."""
    approver = other_admin(world)
    asked_export(world, scene.request)
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" in work
    event = AccessEvent.objects.filter(actor=approver).latest("id")
    assert event.detail["via"] == "my work"
    assert event.detail["subject_access_requests_shown"] == [scene.request.pk]


def test_the_maker_alone_can_neither_download_nor_approve_their_export(
    world: World, scene: Scene
) -> None:
    made = asked_export(world, scene.request)
    with pytest.raises(NotPermitted):
        package_file(world.admin, made)
    with pytest.raises(ValidationFailed):
        package_approve(actor=world.admin, package=made, reason="Looks fine")
    # Nor may they complete the request on an export nobody approved.
    with pytest.raises(ValidationFailed) as refused:
        request_close(actor=world.admin, request=scene.request, outcome="completed", on=None)
    assert "approved" in str(refused.value.errors["outcome"])


def test_the_named_approver_is_told_checks_and_approves_with_time_and_reason(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    approver = other_admin(world)
    made = asked_export(world, scene.request)
    told = Notification.objects.get(recipient=approver)
    assert told.url == f"/data/subject-access/{scene.request.pk}/"
    assert scene.subject.family_name not in told.text
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" in work

    # Another member of the data team, not named, may do neither.
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    with pytest.raises(NotPermitted):
        package_file(third, made)
    with pytest.raises(ValidationFailed):
        package_approve(actor=third, package=made, reason="Fine")

    package_file(approver, made)  # to check it, audited as such
    check = AccessEvent.objects.filter(action=AccessAction.EXPORT).latest("id")
    assert (check.actor_id, check.detail["purpose"]) == (
        approver.pk,
        "check before approving its release",
    )
    with pytest.raises(ValidationFailed) as refused:
        package_approve(actor=approver, package=made, reason="  ")
    assert "reason" in refused.value.errors

    package_approve(actor=approver, package=made, reason="Read against the record")
    made.refresh_from_db()
    assert made.approved_at == clock.now()
    assert made.approval_reason == "Read against the record"
    assert changes_for(made)[-1].after["approval_reason"] == "Read against the record"
    assert changes_for(made)[-1].actor_id == approver.pk
    with pytest.raises(ValidationFailed):  # once only
        package_approve(actor=approver, package=made, reason="Again")
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" not in work

    package_file(world.admin, made)  # released: the data team sends it
    sent = AccessEvent.objects.filter(action=AccessAction.EXPORT).latest("id")
    assert (sent.actor_id, sent.detail["purpose"]) == (world.admin.pk, "release")
    request_close(actor=world.admin, request=scene.request, outcome="completed", on=clock.today())


def test_the_request_page_offers_the_approval_to_the_named_approver_only(
    world: World, scene: Scene
) -> None:
    approver = other_admin(world)
    made = asked_export(world, scene.request)
    page = f"/data/subject-access/{scene.request.pk}/"
    approve = f"{page}packages/{made.pk}/approve/"
    download = f"{page}packages/{made.pk}/download/"
    mine = client_for(world.admin).get(page).content.decode()
    assert f"Waiting for {approver} to check it" in mine
    assert approve not in mine and download not in mine
    assert client_for(world.admin).post(approve, {"reason": "Mine is fine"}).status_code == 404
    theirs = client_for(approver).get(page).content.decode()
    assert approve in theirs and "Download to check" in theirs
    response = client_for(approver).post(approve, {"reason": "Checked every section"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.released and made.approver_id == approver.pk
    shown = client_for(world.admin).get(page).content.decode()
    assert f"Approved by {approver}" in shown and "Checked every section" in shown
    assert download in shown


def test_the_command_line_s_account_is_offered_neither_to_check_an_export_nor_a_request(
    world: World, scene: Scene
) -> None:
    """The system account is an administrator, but it signs in nowhere: an export named to
    it for checking, or a request assigned to it, would wait for nobody."""
    other_admin(world)
    page = client_for(world.admin).get(f"/data/subject-access/{scene.request.pk}/")
    html = page.content.decode()
    assert "Datateam" in html  # the second member of the data team is offered
    assert str(world.system) not in html
    form = client_for(world.admin).get("/data/subject-access/new/").content.decode()
    assert "Datateam" in form and str(world.system) not in form


def test_the_command_line_s_account_is_refused_as_approver_or_assignee_however_asked(
    world: World, scene: Scene
) -> None:
    """Not only left out of the forms: a crafted post, or a service called directly, naming
    the system account to check an export (in the first place or in place of the approver)
    or to work a request is refused, and nothing is written."""
    from locus.subjectaccess.models import SubjectAccessPackage
    from locus.subjectaccess.services import request_log, request_update

    other_admin(world)
    with pytest.raises(ValidationFailed) as refused:
        package_ask(actor=world.admin, request=scene.request, approver=world.system)
    assert "approver" in refused.value.errors
    page = f"/data/subject-access/{scene.request.pk}/"
    client = client_for(world.admin)
    response = client.post(f"{page}export/", {"approver": world.system.pk})
    assert response.status_code == 200 and not SubjectAccessPackage.objects.exists()

    made = asked_export(world, scene.request)
    with pytest.raises(ValidationFailed) as refused:
        package_change_approver(
            actor=world.admin, package=made, approver=world.system, reason="Away"
        )
    assert "approver" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        request_log(
            actor=world.admin,
            person=world.csc_child,
            received_on=clock.today(),
            requester="subject",
            assigned_to=world.system,
        )
    assert "assigned_to" in refused.value.errors
    unchanged = {"identity_checked_on": None, "identity_check": "", "notes": ""}
    with pytest.raises(ValidationFailed) as refused:
        request_update(
            actor=world.admin, request=scene.request, assigned_to=world.system, **unchanged
        )
    assert "assigned_to" in refused.value.errors
    scene.request.refresh_from_db()
    assert scene.request.assigned_to_id == world.admin.pk


def test_the_named_approver_returns_an_export_which_is_never_downloaded_nor_released(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    """An export the approver finds wrong is returned with the reason, shown on the request
    page and in the trail; its maker is told (naming the request, never the child) and makes
    a new one: the returned one is never downloaded nor released by anybody."""
    approver = other_admin(world)
    made = asked_export(world, scene.request)
    page = f"/data/subject-access/{scene.request.pk}/"
    back = f"{page}packages/{made.pk}/return/"
    assert client_for(world.admin).post(back, {"reason": "Mine is wrong"}).status_code == 404
    assert back in client_for(approver).get(page).content.decode()
    assert client_for(approver).post(back, {"reason": " "}).status_code == 200
    response = client_for(approver).post(back, {"reason": "A document names the friend"})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.returned_at == clock.now() and made.return_reason == "A document names the friend"
    assert changes_for(made)[-1].actor_id == approver.pk
    assert changes_for(made)[-1].after["return_reason"] == "A document names the friend"
    told = Notification.objects.get(recipient=world.admin, record_id=made.pk)
    assert scene.request.reference in told.text and "returned" in told.text
    assert scene.subject.family_name not in told.text and told.url == page
    shown = client_for(world.admin).get(page).content.decode()
    assert f"Returned by {approver}" in shown and "A document names the friend" in shown
    for who in (approver, world.admin):
        with pytest.raises(NotPermitted):
            package_file(who, made)
    with pytest.raises(ValidationFailed):
        package_approve(actor=approver, package=made, reason="On second thoughts")
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" not in work
    with pytest.raises(ValidationFailed):  # nothing released: the request is not answered
        request_close(actor=world.admin, request=scene.request, outcome="completed", on=None)
    again = asked_export(world, scene.request)  # the maker makes a new one
    assert not again.returned and package_approve(actor=approver, package=again, reason="Ok")


def test_another_member_of_the_data_team_names_someone_else_when_the_approver_is_away(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    """An export whose approver is away is not stuck: another member of the data team (the
    maker included) names someone else, saying why; the one named before is no longer asked
    (their notification goes) and the new one is told. Never the maker as approver, and the
    approver named does not pass it on (they return it if it is wrong)."""
    away = other_admin(world)
    made = asked_export(world, scene.request)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    page = f"/data/subject-access/{scene.request.pk}/"
    change = f"{page}packages/{made.pk}/approver/"
    assert change in client_for(world.admin).get(page).content.decode()
    assert change not in client_for(away).get(page).content.decode()
    for actor, approver in ((away, third), (world.admin, world.admin), (world.admin, away)):
        with pytest.raises(ValidationFailed) as refused:
            package_change_approver(actor=actor, package=made, approver=approver, reason="Away")
        assert "approver" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        package_change_approver(actor=world.admin, package=made, approver=third, reason=" ")
    assert "reason" in refused.value.errors

    form = {"approver": third.pk, "reason": "On leave until after the deadline"}
    assert client_for(world.admin).post(change, form).status_code == 302
    made.refresh_from_db()
    assert made.approver_id == third.pk and made.approver_changed_by_id == world.admin.pk
    assert made.approver_changed_at == clock.now()
    assert changes_for(made)[-1].after["approver_change_reason"] == form["reason"]
    assert not Notification.objects.filter(recipient=away, record_id=made.pk).exists()
    told = Notification.objects.get(recipient=third, record_id=made.pk)
    assert scene.request.reference in told.text and scene.subject.family_name not in told.text
    shown = client_for(world.admin).get(page).content.decode()
    assert "On leave until after the deadline" in shown and f"Waiting for {third}" in shown
    with pytest.raises(NotPermitted):
        package_file(away, made)
    with pytest.raises(ValidationFailed):
        package_approve(actor=away, package=made, reason="Back early")
    package_approve(actor=third, package=made, reason="Read against the record")
    with pytest.raises(ValidationFailed):  # decided: nobody changes who decided
        package_change_approver(actor=world.admin, package=made, approver=away, reason="Back")


def test_nobody_names_themselves_to_check_another_s_export(world: World, scene: Scene) -> None:
    """A third member of the data team cannot take over the check of an export someone else
    asked for by naming themselves: they would read it, and release it, alone."""
    other_admin(world)
    made = asked_export(world, scene.request)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    with pytest.raises(ValidationFailed) as refused:
        package_change_approver(actor=third, package=made, approver=third, reason="Away")
    assert "approver" in refused.value.errors
    with pytest.raises(NotPermitted):
        package_file(third, made)
    change = f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/approver/"
    fourth = make_worker(world.system, team=None, role="administrator", username="admin4")
    page = client_for(third).get(change).content.decode()
    offered = re.findall(r'<option value="(\d+)"', page.split('name="approver"', 1)[1])
    assert offered == [str(fourth.pk)]  # not themselves, the maker, nor the one named


def test_another_account_of_the_maker_s_neither_checks_nor_approves_their_export(
    world: World, scene: Scene
) -> None:
    """Two people means two people, not two accounts: an account with the maker's email (in
    any case) is the maker. It is not offered nor accepted as approver, does not download nor
    approve an export named to it before the accounts were found to be one person's, and
    nobody names it in place of the approver."""
    from locus.access.models import Worker

    second = other_admin(world)
    made = asked_export(world, scene.request)  # named before the emails were set
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    Worker.objects.filter(pk=world.admin.pk).update(email="dana.maker@example.org")
    Worker.objects.filter(pk=second.pk).update(email="Dana.Maker@Example.org")
    for who in (world.admin, second):
        who.refresh_from_db()
    made = type(made).objects.get(pk=made.pk)

    with pytest.raises(ValidationFailed) as refused:
        package_ask(actor=world.admin, request=scene.request, approver=second)
    assert "approver" in refused.value.errors
    page = client_for(world.admin).get(f"/data/subject-access/{scene.request.pk}/").content
    offered = re.findall(r'<option value="(\d+)"', page.decode().split('name="approver"', 1)[1])
    assert str(second.pk) not in offered and str(third.pk) in offered
    with pytest.raises(NotPermitted):
        package_file(second, made)
    with pytest.raises(ValidationFailed):
        package_approve(actor=second, package=made, reason="Checked by my other self")
    made.refresh_from_db()
    assert not made.released

    # Nobody names another account of the maker's in place of the approver, nor one of their
    # own (to take the export over, and check and release it alone).
    fourth = make_worker(world.system, team=None, role="administrator", username="admin4")
    fifth = make_worker(world.system, team=None, role="administrator", username="admin5")
    Worker.objects.filter(pk=fourth.pk).update(email="DANA.MAKER@example.org")
    Worker.objects.filter(pk__in=[third.pk, fifth.pk]).update(email="tom.third@example.org")
    for who in (third, fourth, fifth):
        who.refresh_from_db()
    for approver in (fourth, fifth):
        with pytest.raises(ValidationFailed) as refused:
            package_change_approver(actor=third, package=made, approver=approver, reason="Away")
        assert "approver" in refused.value.errors


def test_only_a_ready_export_is_checked_and_a_lost_one_is_passed_to_nobody(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    """One test of an export being ready (prepared, its file still held) decides what the
    page offers and the services accept: one still being prepared, or whose file went after
    its keeping time, is neither approved nor downloaded; a lost one (its file gone) is not
    passed to another approver, nor left in the approver's My work."""
    from locus.subjectaccess.package import KEEP_DAYS, packages_expire

    approver = other_admin(world)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    waiting = package_ask(actor=world.admin, request=scene.request, approver=approver)
    assert not waiting.ready and not waiting.lost  # being prepared
    made = asked_export(world, scene.request)
    assert made.ready and not made.lost
    page = f"/data/subject-access/{scene.request.pk}/"
    with pytest.raises(ValidationFailed):
        package_approve(actor=approver, package=waiting, reason="Checked")
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" in work

    frozen_clock.advance(days=KEEP_DAYS + 1)
    assert packages_expire() == 1
    made.refresh_from_db()
    assert not made.ready and made.lost
    with pytest.raises(ValidationFailed):
        package_approve(actor=approver, package=made, reason="Checked")
    with pytest.raises(NotPermitted):
        package_file(approver, made)
    with pytest.raises(ValidationFailed) as refused:
        package_change_approver(actor=world.admin, package=made, approver=third, reason="Away")
    assert "approver" in refused.value.errors
    shown = client_for(approver).get(page).content.decode()
    assert f"{page}packages/{made.pk}/approve/" not in shown
    assert f"{page}packages/{made.pk}/download/" not in shown
    assert f"Deleted after {KEEP_DAYS} days" in shown
    assert f"{page}packages/{waiting.pk}/approve/" not in shown and "Waiting to start" in shown
    waiting.delete()  # only the lost one is left
    work = client_for(approver).get("/my-work/").content.decode()
    assert f"Approve the release of the export for {scene.request.reference}" not in work
