"""Releasing an export takes two people: whoever asks for it names another member of the
data team, who checks it and approves its release with the reason; only then may it be
downloaded to be sent, and only then may the request be completed."""

from __future__ import annotations

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications.models import Notification
from locus.subjectaccess.package import package_approve, package_ask, package_file
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
    assert client_for(world.admin).post(approve, {"reason": "Mine is fine"}).status_code == 200
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
