"""Reads of documents: a record's list, one document with its versions, and a download.

The caller has found the record (or the document) through ``access/documents.py``,
which applies the same check as the record's own page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from locus.access import context_cases
from locus.access import documents as rules
from locus.access.models import Worker
from locus.casework.models import ContextCase
from locus.documents import files
from locus.documents.models import Document, DocumentVersion
from locus.people.models import Person


def owner_name(viewer: Worker, owner: rules.Owner) -> str:
    """The record the documents belong to, in words, as its own page names it to ``viewer``:
    a child, a context case (a home's by its place only as the case's pages say it,
    ``context_cases.place_name``) or a meeting."""
    if isinstance(owner, Person):
        return owner.full_name
    if isinstance(owner, ContextCase):
        return f"Context case: {context_cases.place_name(viewer, owner)}"
    return owner.title


@dataclass
class DocumentRow:
    document: Document
    latest: DocumentVersion

    @property
    def size_text(self) -> str:
        return files.size_text(self.latest.size)


def _with_latest(documents: list[Document]) -> list[DocumentRow]:
    rows = []
    for document in documents:
        versions = list(document.versions.all())  # prefetched, newest first
        if versions:
            rows.append(DocumentRow(document, versions[0]))
    return rows


def documents_of(viewer: Worker, owner: rules.Owner) -> list[DocumentRow]:
    """The record's documents that are not removed and that ``viewer`` may read (a meeting's
    papers follow its minutes, not the meeting), newest date first, each with its latest
    version. Two queries, however many documents and versions."""
    documents = (
        rules.documents_visible_to(viewer)
        .filter(rules.owner_filter(owner))
        .select_related("uploaded_by", "uploader_team__agency")
        .prefetch_related("versions")
        .order_by("-dated", "-id")
    )
    return _with_latest(list(documents))


def spoken_of(documents: Sequence[Document]) -> list[object]:
    """Whom a page showing these documents (all of one record) speaks of beyond the record its
    read is logged on: a context case's papers, the case's children (``Document.audit_people``),
    whom nothing else names (a child's read names the child, a meeting's its children)."""
    first = documents[0] if documents else None
    return first.audit_people() if first is not None and first.case_id is not None else []


@dataclass
class DocumentPage:
    document: Document
    owner: rules.Owner
    kind: str
    versions: list[DocumentVersion]
    can_replace: bool
    can_remove: bool

    @property
    def latest(self) -> DocumentVersion:
        return self.versions[0]

    def rows(self) -> Iterator[tuple[DocumentVersion, str]]:
        for version in self.versions:
            yield version, files.size_text(version.size)


def document_page(viewer: Worker, document: Document) -> DocumentPage:
    """One document, every version newest first, and whether the viewer may replace or
    remove it."""
    owner = document.person or document.case or document.meeting
    assert owner is not None
    versions = list(document.versions.select_related("uploaded_by").order_by("-number"))
    replace = rules.can_replace_document(viewer, document, owner)
    # Whoever may replace may remove: asked again only when replacing is refused.
    remove = replace or rules.can_remove_document(viewer, document, owner)
    return DocumentPage(document, owner, rules.owner_kind(owner), versions, replace, remove)


def open_bytes(version: DocumentVersion) -> object:
    """The version's bytes, opened for streaming."""
    return files.storage().open(version.stored_name, "rb")
