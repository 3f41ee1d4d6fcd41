"""An ended record keeps its papers as they were: a closed context case, or a cancelled
meeting, takes no new document and no new version (the page says why and offers neither),
while a document filed there by mistake can still be removed, with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.access import documents as rules
from locus.audit.models import AccessEvent
from locus.casework.services import closure_approve
from locus.common.errors import NotPermitted
from locus.documents.models import Document, DocumentVersion
from locus.documents.services import document_remove, document_replace
from locus.mapping.services import meeting_cancel
from tests.casework.helpers import assessed_case, refreshed, request_closure
from tests.documents.helpers import attach, document_store, upload
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_store")]
__all__ = ["document_store"]


def _closed_case(world: World) -> tuple[Any, Document]:
    case = assessed_case(world, recommendation="close")
    document = attach(world.social_worker, case)
    request_closure(world, case, outcome="nfa", reason="The centre is safe")

    closure_approve(actor=world.team_manager, case=refreshed(case))
    return refreshed(case), document


def _cancelled_meeting(world: World) -> tuple[Any, Document]:
    meeting = propose(world)
    document = attach(world.social_worker, meeting)
    meeting_cancel(actor=world.social_worker, meeting=meeting, reason="No longer needed")
    meeting.refresh_from_db()
    return meeting, document


@pytest.mark.parametrize("ended", [_closed_case, _cancelled_meeting])
def test_an_ended_record_takes_no_new_paper(world: World, ended: Any) -> None:
    owner, document = ended(world)
    kind = rules.owner_kind(owner)
    worker = world.social_worker
    assert rules.record_ended(owner)
    assert not rules.can_upload(worker, owner)
    assert not rules.can_replace_document(worker, document, owner)
    client = client_for(worker)
    listing = client.get(reverse("documents", args=[kind, owner.pk])).content.decode()
    assert reverse("document-add", args=[kind, owner.pk]) not in listing
    assert "its documents are kept as they were" in listing
    assert client.get(reverse("document-add", args=[kind, owner.pk])).status_code == 404
    assert client.get(reverse("document-replace", args=[document.pk])).status_code == 404
    page = client.get(reverse("document", args=[document.pk])).content.decode()
    assert reverse("document-replace", args=[document.pk]) not in page
    assert reverse("document-remove", args=[document.pk]) in page
    with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
        attach(worker, owner)
    with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
        document_replace(actor=worker, document=document, file=upload("v2.pdf"))
    # Filed by mistake: still removed, with a reason, by whoever could before.
    removed = document_remove(actor=worker, document=document, reason="Wrong case")
    assert removed.removed_at is not None and removed.removed_reason == "Wrong case"


def test_an_upload_refused_after_the_case_closed_meanwhile(world: World) -> None:
    """The page was opened while the case was open; the post comes after it closed."""
    case = assessed_case(world, recommendation="close")
    stale = refreshed(case)
    request_closure(world, case, outcome="nfa", reason="The centre is safe")

    closure_approve(actor=world.team_manager, case=refreshed(case))
    assert stale.is_open
    with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
        attach(world.social_worker, stale)


def test_a_redrawn_invalid_upload_is_logged_as_a_read(world: World) -> None:
    case = assessed_case(world)
    client = client_for(world.social_worker)
    before = AccessEvent.objects.count()
    response = client.post(reverse("document-add", args=["case", case.pk]), {"title": ""})
    assert response.status_code == 200
    event = AccessEvent.objects.latest("id")
    assert AccessEvent.objects.count() == before + 1
    assert event.actor == world.social_worker and event.detail["page"] == "document-add"
