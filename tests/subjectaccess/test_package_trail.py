"""An export's own changes (asked for, its approver changed, approved or returned, with the
reasons someone typed) are about the child it copies: the trail names them, so the trail's
search by the child finds every step of the disclosure, and a purge of the child blanks what
those events said, as it does for the child's other records."""

from __future__ import annotations

from locus.audit.models import ChangeEvent
from locus.audit.services import redact_about
from locus.subjectaccess.package import package_approve, package_change_approver
from tests.factories import World, changes_for, make_worker
from tests.subjectaccess.conftest import Scene, asked_export

REASON = "Read against Ciara's record: her friend's name redacted in the visit note"


def test_every_change_of_an_export_names_its_child(world: World, scene: Scene) -> None:
    made = asked_export(world, scene.request)
    third = make_worker(world.system, team=None, role="administrator", username="admin3")
    package_change_approver(actor=world.admin, package=made, approver=third, reason="On leave")
    package_approve(actor=third, package=made, reason=REASON)
    events = changes_for(made)
    assert len(events) >= 3
    child = f",{scene.subject.pk},"
    assert all(child in e.people for e in events), [e.people for e in events]
    found = ChangeEvent.objects.filter(people__contains=child, record_id=str(made.pk))
    assert found.filter(record_type="subjectaccess.subjectaccesspackage").count() == len(events)


def test_a_purge_of_the_child_blanks_the_reasons_typed_about_their_export(
    world: World, scene: Scene
) -> None:
    made = asked_export(world, scene.request)
    package_approve(actor=made.approver, package=made, reason=REASON)
    redact_about([scene.subject.pk])
    for event in changes_for(made):
        assert REASON not in str(event.after) and REASON not in str(event.before)
