"""The pages that approve, return or pass on an export open only for whoever may save them:
the named approver approves or returns it, another member of the data team names someone
else. Anyone else in the data team gets "not found" for the form (they follow the export's
state on the request's page, which names the approver), and no read of the form is logged
for them. Before, the form opened for any member of the data team and only saving it
refused them."""

from __future__ import annotations

import pytest

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.common import clock
from locus.common.errors import ValidationFailed
from locus.common.models import JobState
from locus.subjectaccess.models import SubjectAccessPackage
from locus.subjectaccess.package import (
    CLOSED_REQUEST,
    KEEP_DAYS,
    package_approve,
    package_change_approver,
    package_return,
    packages_expire,
)
from locus.subjectaccess.services import request_close
from tests.factories import World, client_for, make_worker
from tests.frozen_clock import FrozenClock
from tests.subjectaccess.conftest import Scene, asked_export, other_admin


def _step_reads(worker: Worker) -> list[str]:
    """The pages of a step on a request that ``worker`` was logged as reading."""
    events = AccessEvent.objects.filter(
        actor=worker, record_type="subjectaccess.subjectaccessrequest"
    )
    return sorted(e.detail["page"] for e in events if "page" in e.detail)


def _waiting(world: World, scene: Scene) -> tuple[Worker, SubjectAccessPackage, str]:
    """The approver named, an export waiting for them, and the address its steps are under."""
    made = asked_export(world, scene.request)
    return other_admin(world), made, f"/data/subject-access/{scene.request.pk}/packages/{made.pk}/"


def _withdrawn(world: World, scene: Scene) -> None:
    """The young person withdraws the request: it is closed."""
    request_close(
        actor=world.admin,
        request=scene.request,
        outcome="withdrawn",
        on=clock.today(),
        note="The young person withdrew it by phone",
    )


def test_only_the_named_approver_opens_the_approve_and_return_forms(
    world: World, scene: Scene
) -> None:
    approver, made, base = _waiting(world, scene)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    for step in ("approve/", "return/"):
        for who in (world.admin, third):  # its maker, and a member of the team not named
            client = client_for(who)
            assert client.get(base + step).status_code == 404
            assert client.post(base + step, {"reason": "Looks fine"}).status_code == 404
            assert _step_reads(who) == []
        opened = client_for(approver).get(base + step)
        assert opened.status_code == 200 and 'name="reason"' in opened.content.decode()
    assert _step_reads(approver) == [
        "Approve the release of the export",
        "Return the export without approving it",
    ]
    made.refresh_from_db()
    assert not made.released and not made.returned


def test_the_approver_named_does_not_open_the_form_that_passes_the_export_on(
    world: World, scene: Scene
) -> None:
    approver, _made, base = _waiting(world, scene)
    change = f"{base}approver/"
    assert client_for(approver).get(change).status_code == 404
    assert _step_reads(approver) == []
    opened = client_for(world.admin).get(change)
    assert opened.status_code == 200 and 'name="approver"' in opened.content.decode()


def test_once_decided_the_approve_and_return_forms_are_not_found_for_anyone(
    world: World, scene: Scene
) -> None:
    """An export approved, or returned, waits for no decision: its approver opening either
    form again (from a page loaded before, or the browser's history) gets "not found", as
    does everyone else, and no read of the form is logged. Before, the approver was shown the
    form, and saving it only said the release was already approved."""
    approver, made, _ = _waiting(world, scene)
    package_approve(actor=approver, package=made, reason="Read against the record")
    returned = asked_export(world, scene.request)
    package_return(actor=approver, package=returned, reason="Names the wrong school")
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    for export in (made, returned):
        for step in ("approve/", "return/"):
            address = f"/data/subject-access/{scene.request.pk}/packages/{export.pk}/{step}"
            for who in (approver, world.admin, third):
                client = client_for(who)
                assert client.get(address).status_code == 404
                assert client.post(address, {"reason": "Again"}).status_code == 404
    assert _step_reads(approver) == []
    made.refresh_from_db()
    assert made.approval_reason == "Read against the record" and not made.returned


def test_a_failed_or_deleted_export_is_passed_to_nobody_and_its_form_is_not_found(
    frozen_clock: FrozenClock, world: World, scene: Scene
) -> None:
    """An export that failed, or whose file went after its keeping time, waits for nobody's
    decision: the form that names someone else to check it is "not found" and the request's
    page offers no link to it. Before, the form opened and only saving it refused."""
    _approver, deleted, base = _waiting(world, scene)
    failed = asked_export(world, scene.request)
    SubjectAccessPackage.objects.filter(pk=failed.pk).update(state=JobState.FAILED, file_name="")
    frozen_clock.advance(days=KEEP_DAYS + 1)
    assert packages_expire() == 1
    page = f"/data/subject-access/{scene.request.pk}/"
    client = client_for(world.admin)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    for export in (deleted, failed):
        change = f"{page}packages/{export.pk}/approver/"
        assert client.get(change).status_code == 404
        posted = client.post(change, {"approver": third.pk, "reason": "Away"})
        assert posted.status_code == 404
        assert change not in client.get(page).content.decode()
        export.refresh_from_db()
        assert export.lost and export.approver_changed_at is None
        assert not rules.may_change_approver(world.admin, export)
    assert base.startswith(page) and _step_reads(world.admin) == []


def test_a_closed_request_s_export_is_neither_approved_nor_returned_nor_passed_on(
    world: World, scene: Scene
) -> None:
    """Once the request is closed (here withdrawn), nothing is sent for it: the export
    waiting for its approver is neither approved nor returned, nor passed to another, by
    form ("not found") or service (refused), and its page offers none of them."""
    approver, made, base = _waiting(world, scene)
    _withdrawn(world, scene)
    made.refresh_from_db()
    assert not rules.may_decide_release(approver, made)
    assert not rules.may_change_approver(world.admin, made)
    for who, step in ((approver, "approve/"), (approver, "return/"), (world.admin, "approver/")):
        client = client_for(who)
        assert client.get(base + step).status_code == 404
        assert client.post(base + step, {"reason": "Checked"}).status_code == 404
        assert base + step not in client.get(base.split("packages/")[0]).content.decode()
        assert _step_reads(who) == []
    for decide in (package_approve, package_return):
        with pytest.raises(ValidationFailed) as refused:
            decide(actor=approver, package=made, reason="Checked")
        assert CLOSED_REQUEST in refused.value.errors["reason"]
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    with pytest.raises(ValidationFailed) as refused:
        package_change_approver(actor=world.admin, package=made, approver=third, reason="Away")
    assert refused.value.errors["approver"] == [CLOSED_REQUEST]
    made.refresh_from_db()
    assert not made.released and not made.returned and made.approver == approver


@pytest.mark.parametrize("approved", [False, True])
def test_a_withdrawn_request_s_export_is_downloaded_by_nobody(
    world: World, scene: Scene, approved: bool
) -> None:
    """Downloading an export reads a child's whole record, which is done only for a release.
    Waiting, its approver downloads it to check it; approved, the data team to send it. Once
    the request is withdrawn, nothing is sent and nobody decides it: nobody downloads it."""
    approver, made, base = _waiting(world, scene)
    if approved:
        package_approve(actor=approver, package=made, reason="Checked")
    made.refresh_from_db()
    readers = (world.admin, approver) if approved else (approver,)
    assert all(rules.may_download(who, made) for who in readers)
    _withdrawn(world, scene)
    made.refresh_from_db()
    for who in (world.admin, approver):
        assert not rules.may_download(who, made)
        assert client_for(who).get(base + "download/").status_code == 404
