"""An export of the audit trail is logged with the people its rows refer to, as every list
export is (docs/exports.md): an auditor searching the trail for a child, and the child's
subject access package, find the export that carried what was done to their record. A
prepared file of the trail stays its asker's to download: the trail names people by its own
rule, so an auditor, who sees no case records, is not refused it for the people it refers to.
(Review 28c: the trail's export logged nobody.)"""

from __future__ import annotations

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.common.models import JobState
from locus.exports import services
from locus.exports.models import ExportRun
from tests.exports.conftest import read_csv
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def _latest_export(actor: object) -> AccessEvent:
    return AccessEvent.objects.filter(
        actor=actor, action=AccessAction.EXPORT, record_type="audit.trail"
    ).latest("id")


def test_the_audit_list_export_logs_the_children_it_names(world: World) -> None:
    child = world.csc_child
    assert client_for(world.social_worker).get(f"/people/{child.pk}/").status_code == 200
    sent = services.export_list(actor=world.admin, key="audit", query={}, fmt="csv")
    assert isinstance(sent, services.Download)
    rows = read_csv(sent.content)
    assert any(child.full_name in cell for row in rows for cell in row)  # named in the file
    event = _latest_export(world.admin)
    assert child.pk in event.detail["people_shown"], event.detail["people_shown"]
    assert f",{child.pk}," in event.people  # the trail's search by person finds it


def test_an_auditors_prepared_trail_is_logged_with_its_people_and_downloads(world: World) -> None:
    child = world.csc_child
    assert client_for(world.social_worker).get(f"/people/{child.pk}/").status_code == 200
    auditor = world.auditor
    run = services.export_list(actor=auditor, key="audit", query={}, fmt="csv", limit=0)
    assert isinstance(run, ExportRun) and run.state == JobState.DONE
    assert (
        child.pk in run.people_named and child.pk in _latest_export(auditor).detail["people_shown"]
    )
    response = client_for(auditor).get(f"/exports/runs/{run.pk}/download/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert f"person #{child.pk}" in body and child.full_name not in body  # by number only
