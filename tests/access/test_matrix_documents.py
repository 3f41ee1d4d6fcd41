"""The permission matrix for documents: persona x record x action.

One document on each kind of record, uploaded by ``social_worker``: on
``csc_child`` (whom she holds), on a context case she leads (on the shopping
centre, referred by its security: ``open_case``), and on a mapping meeting she
proposed about ``csc_child`` and ``yjs_child``, with ``police_analyst`` invited
(``yjs_worker`` is invited as ``yjs_child``'s holder).

Cells: ``V`` lists the record's documents, opens the document and downloads it
(policy, lookup and page agree; otherwise every one answers 404, as for an id
that does not exist), ``L`` opens the record's list of documents without this
one in it (a meeting's invitees who have not confirmed they attended: its
papers follow its minutes; the meeting here is not yet held), ``U`` uploads to
the record, ``R`` replaces and removes
the document (otherwise the service refuses and writes nothing).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from locus.access import documents as rules
from locus.access.services import break_glass_request
from locus.common.errors import NotPermitted
from locus.documents.models import Document, DocumentVersion
from locus.documents.services import document_remove, document_replace
from tests.casework.helpers import open_case
from tests.documents.helpers import attach, document_store, stored_files, upload
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import confirm_all, hold, propose, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_store")]
__all__ = ["document_store"]

PERSONAS = (
    "social_worker",  # CSC practitioner, team A: holds csc_child, leads the case, proposed
    "teammate",  # CSC practitioner, team A
    "team_manager",  # CSC manager of team A
    "other_social_worker",  # CSC practitioner, team B
    "yjs_worker",  # youth justice: invited to the meeting as yjs_child's holder
    "police_analyst",  # police analyst, scope agency: invited to the meeting
    "school_dsl",  # school's designated safeguarding lead
    "partner_worker",  # shopping centre security: referred the case
    "auditor",  # reads the audit trail only
    "admin",  # administrator, scope all: files no meeting paper (writes no forum record)
)

# fmt: off
TABLE = {
    #               sw    mate  mgr   osw   yjs   pol   dsl   ptn   aud   adm
    "person":   " VUR   VU    VUR   -     -     -     -     -     -     VU ",
    "case":     " VUR   VU    VUR   V     V     V     V     -     -     VU ",
    "meeting":  " VUR   -     VUR   -     LU    LU    -     -     -     V ",
}
# fmt: on
CELLS = [
    (kind, persona, cell)
    for kind, row in TABLE.items()
    for persona, cell in zip(PERSONAS, row.split(), strict=True)
]


def _owner(world: World, kind: str) -> Any:
    if kind == "person":
        return world.csc_child
    if kind == "case":
        return open_case(world)
    return propose(world, invitees=[world.police_analyst])


@pytest.mark.parametrize(("kind", "persona", "cell"), CELLS)
def test_documents_per_persona(world: World, kind: str, persona: str, cell: str) -> None:
    owner = _owner(world, kind)
    document = attach(world.social_worker, owner)
    version = document.versions.get()
    worker = world.persona(persona)
    client = client_for(worker)
    pages = [
        reverse("documents", args=[kind, owner.pk]),
        reverse("document", args=[document.pk]),
        reverse("document-download", args=[version.pk]),
    ]
    sees = "V" in cell
    lists = sees or "L" in cell
    listing = client.get(pages[0])
    assert listing.status_code == (200 if lists else 404)
    assert (document.title in listing.content.decode()) == sees
    for page in pages[1:]:
        assert client.get(page).status_code == (200 if sees else 404), page
    for lookup, key, found in (
        (lambda k: rules.access_owner(worker, kind, k), owner.pk, lists),
        (lambda k: rules.access_document(worker, k), document.pk, sees),
        (lambda k: rules.access_version(worker, k), version.pk, sees),
    ):
        if found:
            assert lookup(key).pk == key
        else:
            with pytest.raises(Http404):
                lookup(key)
    assert rules.documents_visible_to(worker).filter(pk=document.pk).exists() == sees

    uploads = "U" in cell
    assert rules.can_upload(worker, owner) == uploads
    add = client.get(reverse("document-add", args=[kind, owner.pk]))
    assert add.status_code == (200 if uploads else 404)
    if not uploads:
        with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
            attach(worker, owner)

    changes = "R" in cell
    assert rules.can_replace_document(worker, document, owner) == changes
    assert rules.can_remove_document(worker, document, owner) == changes
    for name in ("document-replace", "document-remove"):
        response = client.get(reverse(name, args=[document.pk]))
        assert response.status_code == (200 if changes else 404), name
    if changes:
        document_replace(actor=worker, document=document, file=upload("v2.pdf"))
        document_remove(actor=worker, document=document, reason="Filed on the wrong record")
    else:
        with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
            document_replace(actor=worker, document=document, file=upload("v2.pdf"))
        with nothing_written(Document), pytest.raises(NotPermitted):
            document_remove(actor=worker, document=document, reason="Not mine to remove")


def test_a_worker_cannot_reach_a_document_of_a_child_they_may_not_see(
    world: World, document_store: Any
) -> None:
    """Not by the document's id, its version's id, its stored name or the child's list."""
    document = attach(world.social_worker, world.csc_child)
    version = document.versions.get()
    (kept,) = stored_files(document_store)
    client = client_for(world.other_social_worker)
    guesses = [
        reverse("documents", args=["person", world.csc_child.pk]),
        reverse("document", args=[document.pk]),
        reverse("document-download", args=[version.pk]),
        reverse("document-replace", args=[document.pk]),
        reverse("document-remove", args=[document.pk]),
        f"/documents/{version.stored_name}/",
        f"/documents/{version.stored_name}",
        f"/documents/{kept.name}/download/",
        f"/documents/versions/{version.stored_name}/download/",
        f"/not-served/{version.stored_name}",
        f"/static/../documents/{version.stored_name}",
        f"/media/{version.stored_name}",
    ]
    for guess in guesses:
        response = client.get(guess)
        assert response.status_code == 404, guess
        assert b"%PDF" not in response.content
    missing = client.get(reverse("document-download", args=[version.pk + 1000]))
    assert missing.status_code == 404


def test_a_shared_child_opens_no_document(world: World) -> None:
    """A forum share is not the record: a worker who sees the child only through one
    reaches none of the child's documents (tests/access/test_matrix_forum_share.py)."""
    meeting = propose(world, invitees=[world.police_analyst])
    hold(world, schedule(world, meeting))
    confirm_all(meeting)
    document = attach(world.social_worker, world.csc_child)
    police = world.police_analyst
    assert rules.documents_visible_to(police).filter(pk=document.pk).exists() is False
    client = client_for(police)
    assert client.get(reverse("person", args=[world.csc_child.pk])).status_code == 200
    assert client.get(reverse("document", args=[document.pk])).status_code == 404


def test_break_glass_reads_a_childs_documents_and_adds_none(world: World) -> None:
    """Emergency sight reads the record, documents included; it never records about the
    child, so it uploads nothing, and a removed document stays out of reach."""
    document = attach(world.social_worker, world.csc_child)
    kept = attach(world.social_worker, world.csc_child, title="Kept")
    document_remove(actor=world.social_worker, document=document, reason="Wrong child")
    worker = world.other_social_worker
    break_glass_request(
        actor=worker,
        person_id=world.csc_child.pk,
        category="missing_child",
        reason="Missing overnight, police asking for her known associates and places now",
    )
    client = client_for(worker)
    assert client.get(reverse("document", args=[kept.pk])).status_code == 200
    assert client.get(reverse("document", args=[document.pk])).status_code == 404
    removed_version = document.versions.get()
    download = reverse("document-download", args=[removed_version.pk])
    assert client.get(download).status_code == 404
    assert rules.can_upload(worker, world.csc_child) is False
    with nothing_written(Document, DocumentVersion), pytest.raises(NotPermitted):
        attach(worker, world.csc_child)
