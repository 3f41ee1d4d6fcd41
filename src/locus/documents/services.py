"""Uploading, replacing and removing documents, and the retention purge of their bytes.

Each upload is checked in this order, every refusal naming its field: the
details (title, kind, date, description), then the file (size, an allowed type
read from its bytes and agreeing with its name), then the virus scanner
(``scanning.scan``), and only then are the bytes written, under a generated name,
as the last step of the transaction: a refusal anywhere writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from locus.access import documents as rules
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import Problems, create_audited, permitted, today, write_fields
from locus.documents import files, scanning
from locus.documents.models import Document, DocumentKind, DocumentVersion

logger = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_DESCRIPTION = 2000
MAX_REASON = 1000
VIRUS_FOUND = "The file was refused by the virus check: do not open it, and tell your IT team"


def _check_details(
    problems: Problems, title: str, kind: str, dated: dt.date | None, description: str
) -> tuple[str, str]:
    title, description = title.strip(), description.strip()
    problems.check(bool(title), "title", "Enter a title")
    problems.check(
        len(title) <= MAX_TITLE, "title", f"The title must be {MAX_TITLE} characters or fewer"
    )
    problems.check(
        kind in choice_values(DocumentKind), "kind", "Choose what kind of document it is"
    )
    if dated is None:
        problems.add("dated", "Enter the document's date")
    elif dated > today():
        problems.add("dated", "The document's date must not be in the future")
    problems.check(
        len(description) <= MAX_DESCRIPTION,
        "description",
        f"The description must be {MAX_DESCRIPTION} characters or fewer",
    )
    return title, description


def _check_file(problems: Problems, actor: Worker, upload: Any) -> files.Checked | None:
    """The file read and typed, or None with the reason on the ``file`` field. Scanned only
    when everything else passed, so a refused form never reaches the scanner."""
    checked, why = files.check_upload(upload)
    if checked is None:
        problems.add("file", why)
        return None
    if problems.errors:
        return checked
    found = scanning.scan(checked.data, checked.original_name)
    if found is not None:
        # The finding goes to the log for IT, never to the page: it names no child and
        # says nothing the uploader needs to act on beyond "do not open it".
        logger.warning("Upload refused by the virus check for worker %s: %s", actor.pk, found)
        problems.add("file", VIRUS_FOUND)
        return None
    return checked


def _discard(stored_name: str) -> None:
    """Delete what a failed write left under ``stored_name``, if anything; a failure to
    delete is logged for IT (the name says nothing) and does not hide the first error."""
    try:
        files.storage().delete(stored_name)
    except Exception:
        logger.exception("Could not delete the part-written document file %s", stored_name)


def _store(
    actor: Worker, document: Document, number: int, checked: files.Checked
) -> DocumentVersion:
    """Write the version's row and audit it, then its bytes (the transaction's last step)."""
    stored_name = files.new_stored_name()
    version = create_audited(
        actor,
        DocumentVersion,
        document=document,
        number=number,
        stored_name=stored_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    try:
        saved = files.storage().save(stored_name, ContentFile(checked.data))
    except BaseException:
        # A write that failed part way (a full disk, a dropped connection to the bucket)
        # may have left part of the file: the rows roll back, and so do the bytes.
        _discard(stored_name)
        raise
    if saved != stored_name:  # a storage that renamed it: keep the row true to the disk
        version.stored_name = saved
        version.save(update_fields=["stored_name"])
    return version


def document_upload(
    *,
    actor: Worker,
    owner: rules.Owner,
    title: str,
    kind: str,
    dated: dt.date | None,
    description: str = "",
    file: Any,
) -> Document:
    """Attach a file to a child, a context case or a meeting the actor may upload to.

    The file is read and scanned before the transaction opens: a scan can take seconds,
    and an open write transaction would hold every other writer back meanwhile (SQLite
    takes its write lock when the transaction begins). The permission is asked again
    inside it, with the writes.
    """
    permitted(rules.can_upload, actor, owner)
    problems = Problems()
    title, description = _check_details(problems, title, kind, dated, description)
    checked = _check_file(problems, actor, file)
    problems.raise_if_any()
    assert checked is not None and dated is not None
    with transaction.atomic():
        # Read again under lock: the case may have closed, the meeting ended, since.
        owner = type(owner).objects.select_for_update().get(pk=owner.pk)
        permitted(rules.can_upload, actor, owner)
        document = create_audited(
            actor,
            Document,
            **{rules.owner_kind(owner): owner},
            title=title,
            kind=kind,
            dated=dated,
            description=description,
            uploaded_by=actor,
            uploaded_at=clock.now(),
            uploader_team_id=actor.team_id,
        )
        _store(actor, document, 1, checked)
    return document


def _owner_of(document: Document) -> rules.Owner:
    owner = document.person or document.case or document.meeting
    assert owner is not None  # the table's constraint: exactly one is set
    return owner


def document_replace(*, actor: Worker, document: Document, file: Any) -> DocumentVersion:
    """Upload a new version; the earlier ones stay, readable from the document's page.
    Read and scanned before the transaction, as an upload is."""
    permitted(rules.can_replace_document, actor, document, _owner_of(document))
    problems = Problems()
    checked = _check_file(problems, actor, file)
    problems.raise_if_any()
    assert checked is not None
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        permitted(rules.can_replace_document, actor, document, _owner_of(document))
        latest = document.versions.order_by("-number").values_list("number", flat=True).first()
        return _store(actor, document, (latest or 0) + 1, checked)


@transaction.atomic
def document_remove(*, actor: Worker, document: Document, reason: str) -> Document:
    """Hide a document from every page, with a reason. Its rows and bytes stay (the audit
    trail and the retention rules decide when the bytes go: ``document_version_purge``)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    permitted(rules.can_remove_document, actor, document, _owner_of(document))
    reason = reason.strip()
    problems = Problems()
    problems.check(bool(reason), "reason", "Say why the document is being removed")
    problems.check(
        len(reason) <= MAX_REASON, "reason", f"The reason must be {MAX_REASON} characters or fewer"
    )
    problems.raise_if_any()
    removed = {"removed_at": clock.now(), "removed_by": actor, "removed_reason": reason}
    return write_fields(actor, document, ChangeAction.UPDATE, removed)


@transaction.atomic
def document_version_purge(*, actor: Worker, version: DocumentVersion) -> DocumentVersion:
    """Delete a version's bytes for good: **for the retention purge only**, run by the
    system when the retention rules say the record's time is up (never from a page).

    The row stays, marked purged, so the trail still says what was held and when it
    went; the bytes are deleted after the row is marked, and a purge run again on the
    same version does nothing.
    """
    version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.purged_at is not None:
        return version
    before = snapshot(version)
    version.purged_at = clock.now()
    version.save(update_fields=["purged_at"])
    record_change(
        actor=actor, action=ChangeAction.DELETE, obj=version, before=before, after=snapshot(version)
    )
    name = version.stored_name
    transaction.on_commit(lambda: files.storage().delete(name))
    return version
