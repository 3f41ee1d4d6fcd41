"""Who may read, upload, replace and remove documents.

A document belongs to one record (a child, a context case, a peer group mapping
meeting) and is read under **the same check as that record**: whoever may open
the record's page may list and download its documents, nobody else, and a
document of a record the worker may not open answers "not found" by its id as
for one that does not exist. A removed document is hidden from everyone (the
trail keeps it).

* **A child's documents** follow sight of the child in the worker's own right
  (break-glass included: it reads the record). A forum share is not the record,
  so it opens no document. Uploading is recording about the child
  (``policies.can_record_about_person``: lasting sight, never a share's or an
  emergency's).
* **A context case's documents** follow sight of the case, except for partner
  organisations: they see the case's goals and their own actions, not its
  assessment, and a document may hold either. The case's lead and team upload
  (``context_cases.can_work_case``), and administrators (who work no case).
* **A meeting's documents** follow its minutes (``meetings.can_read_minutes``: the
  organisers, the recorder, invitees who confirmed they attended), since papers may name
  children as minutes do; an invitee also reads what they added themselves, while their
  invitation carries (``scopes.carried_invitations``: not once moved to another agency, as
  for the minutes). Its organisers
  and invitees upload, as they record minutes. The meeting's list of documents is for those
  who read its papers or file them (``opens_documents``): a manager of an invitee's team,
  who opens the meeting, would find it empty, and gets "not found" (the meeting's page says
  who its papers go to instead of linking to it).
* **Replacing or removing** a document is for the worker who uploaded it or a
  manager of the team they uploaded it in (kept on the document, whichever team the
  uploader is in now), who may still upload to the record; removing asks for a
  reason.
* **An ended record keeps its papers as they were**: a closed context case, or a closed or
  cancelled meeting, takes no new document and no new version. A document filed there by
  mistake may still be removed, with a reason, by whoever could have removed it before.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from locus.access import context_cases, lookups, meetings, policies, provisioning, scopes
from locus.access.models import Worker
from locus.casework.models import ContextCase
from locus.documents.models import Document, DocumentVersion
from locus.mapping.models import Meeting, MeetingStatus
from locus.people.models import Person

Owner = Person | ContextCase | Meeting

# The record kinds a document can belong to, as URLs and the owner field name them.
OWNER_KINDS = ("person", "case", "meeting")


def _cases_with_documents(worker: Worker) -> QuerySet[ContextCase]:
    if context_cases.is_partner(worker):
        return ContextCase.objects.none()
    return context_cases.cases_visible_to(worker)


def access_owner(worker: Worker, kind: str, owner_id: object) -> Owner:
    """The record whose documents the worker asks for, or 404."""
    if kind == "person":
        return lookups.access_person(worker, owner_id)
    if kind == "case":
        return lookups.one_or_404(_cases_with_documents(worker).select_related("context"), owner_id)
    if kind == "meeting":
        meeting = meetings.access_meeting(worker, owner_id)
        if opens_documents(worker, meeting):
            return meeting
    return lookups.one_or_404(Person.objects.none(), owner_id)


def opens_documents(worker: Worker, owner: Owner) -> bool:
    """Whether the worker, who may open the record, opens its list of documents: a meeting's
    only when they read its papers (:func:`reads_every_document`) or file them (an invitee,
    who reads what they added); not a manager of an invitee's team, who reads and files none."""
    if isinstance(owner, Meeting):
        return meetings.can_read_minutes(worker, owner) or meetings.can_record_minutes(
            worker, owner
        )
    return True


def reads_every_document(worker: Worker, owner: Owner) -> bool:
    """Whether the record's list shows the worker every document on it: a meeting's shows an
    invitee who has not confirmed attending only the papers they added."""
    return not isinstance(owner, Meeting) or meetings.can_read_minutes(worker, owner)


def owner_kind(owner: Owner) -> str:
    if isinstance(owner, Person):
        return "person"
    return "case" if isinstance(owner, ContextCase) else "meeting"


def owner_filter(owner: Owner) -> Q:
    return Q(**{owner_kind(owner): owner})


def documents_visible_to(worker: Worker) -> QuerySet[Document]:
    """The documents (not removed) on records the worker may open."""
    if not scopes.sees_case_records(worker):
        return Document.objects.none()
    return Document.objects.filter(removed_at__isnull=True).filter(
        Q(person__in=scopes.people_visible_to(worker, shared=False).values("id"))
        | Q(case__in=_cases_with_documents(worker).values("id"))
        | Q(meeting__in=meetings.meetings_sharing_minutes_with(worker).values("id"))
        # An invitee who has not (yet) confirmed attending reads the papers they added, while
        # their invitation carries: moved to another agency, not even their own, which their
        # old team's manager may have replaced with a version naming that agency's children.
        | Q(meeting__in=scopes.carried_invitations(worker).values("meeting_id"), uploaded_by=worker)
    )


def access_document(worker: Worker, document_id: object) -> Document:
    """A document the worker may read, or 404 (missing, removed or on a record not theirs)."""
    return lookups.one_or_404(
        documents_visible_to(worker).select_related(
            "person", "case__context", "meeting", "uploaded_by__team"
        ),
        document_id,
    )


def access_version(worker: Worker, version_id: object) -> DocumentVersion:
    """A version whose bytes the worker may download, or 404 (also once purged)."""
    versions = DocumentVersion.objects.filter(
        document__in=documents_visible_to(worker).values("id"), purged_at__isnull=True
    ).select_related("document")
    return lookups.one_or_404(versions, version_id)


def record_ended(owner: Owner) -> bool:
    """A closed context case, or a closed or cancelled meeting: its papers stay as they were."""
    if isinstance(owner, ContextCase):
        return not owner.is_open
    if isinstance(owner, Meeting):
        return owner.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED)
    return False


def can_upload(worker: Worker, owner: Owner) -> bool:
    """Add a document to the record (the worker already sees it), while it is not ended."""
    return not record_ended(owner) and _files_to(worker, owner)


def _files_to(worker: Worker, owner: Owner) -> bool:
    """Whether the worker files papers on the record, ended or not."""
    if not provisioning.confirmed(worker):
        return False
    if isinstance(owner, Person):
        return policies.can_record_about_person(worker, owner)
    if isinstance(owner, ContextCase):
        # Administrators file papers on any case (RULES.md), though they work none.
        return policies.is_administrator(worker) or (
            not context_cases.is_partner(worker) and context_cases.can_work_case(worker, owner)
        )
    return meetings.can_record_minutes(worker, owner)


def _manages_uploader(worker: Worker, document: Document) -> bool:
    """A manager of the team the uploader was in when they uploaded it (kept on the
    document), whichever team the uploader is in now."""
    return policies.manages_a_team(worker) and worker.team_id == document.uploader_team_id


def _yours(worker: Worker, document: Document) -> bool:
    """The uploader, or a manager of the team they uploaded it in; never for a removed
    document."""
    if document.removed_at is not None:
        return False
    return document.uploaded_by_id == worker.pk or _manages_uploader(worker, document)


def can_replace_document(worker: Worker, document: Document, owner: Owner) -> bool:
    """Upload a new version: the uploader or a manager of the team they uploaded it in, who
    may upload here."""
    return _yours(worker, document) and can_upload(worker, owner)


def can_remove_document(worker: Worker, document: Document, owner: Owner) -> bool:
    """Remove, with a reason: as replacing, and on an ended record too (filed by mistake)."""
    return _yours(worker, document) and _files_to(worker, owner)
