"""Document pages: a record's documents, uploading one, a document's versions, replacing
and removing it, and the download. Every page finds its record or document through
``access/documents.py`` first: what the worker may not open answers 404."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render

from locus.access import documents as rules
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.downloads import as_attachment
from locus.common.http import AuthedRequest
from locus.common.pages import posted, submitted
from locus.common.services import permitted
from locus.documents import files, selectors, services
from locus.documents.forms import DocumentRemoveForm, DocumentReplaceForm, DocumentUploadForm
from locus.documents.models import Document
from locus.documents.uploads import uploaded_files


def _audit(
    request: AuthedRequest, owner: rules.Owner, shown: Sequence[Document] = (), **detail: object
) -> None:
    """Log the read of the record's page, about whom the ``shown`` documents may name too."""
    record_access(actor=request.user, obj=owner, detail=detail, people=selectors.spoken_of(shown))


def _owner_context(request: AuthedRequest, owner: rules.Owner) -> dict[str, object]:
    return {
        "owner": owner,
        "kind": rules.owner_kind(owner),
        "owner_name": selectors.owner_name(request.user, owner),
    }


def documents_page(request: AuthedRequest, kind: str, owner_id: int) -> HttpResponse:
    owner = rules.access_owner(request.user, kind, owner_id)
    rows = selectors.documents_of(request.user, owner)
    shown = [r.document for r in rows]
    _audit(request, owner, shown, page="documents", documents_shown=[d.pk for d in shown])
    return render(
        request,
        "documents/list.html",
        {
            **_owner_context(request, owner),
            "rows": rows,
            "can_upload": rules.can_upload(request.user, owner),
            "reads_every": rules.reads_every_document(request.user, owner),
            "ended": rules.record_ended(owner),
        },
    )


def _files(request: AuthedRequest) -> object:
    return uploaded_files(request) if request.method == "POST" else None


def document_add(request: AuthedRequest, kind: str, owner_id: int) -> HttpResponse:
    viewer = request.user
    owner = rules.access_owner(viewer, kind, owner_id)
    permitted(rules.can_upload, viewer, owner)
    form = DocumentUploadForm(posted(request), _files(request))
    created: list[Document] = []

    def run() -> None:
        created.append(services.document_upload(actor=viewer, owner=owner, **form.values()))

    if submitted(request, form, run, "Document uploaded"):
        return redirect("document", document_id=created[0].pk)
    # A redrawn invalid post shows the record again: logged as the first showing is.
    _audit(request, owner, page="document-add")
    return render(
        request,
        "documents/upload.html",
        {
            **_owner_context(request, owner),
            "form": form,
            "max_text": files.size_text(files.max_bytes()),
        },
    )


def document_page(request: AuthedRequest, document_id: int) -> HttpResponse:
    document = rules.access_document(request.user, document_id)
    page = selectors.document_page(request.user, document)
    versions = [version.pk for version in page.versions]
    _audit(
        request,
        page.owner,
        [document],
        page="document",
        document=document.pk,
        versions_shown=versions,
    )
    return render(
        request, "documents/detail.html", {**_owner_context(request, page.owner), "page": page}
    )


def _change_page(request: AuthedRequest, document_id: int, *, replace: bool) -> HttpResponse:
    viewer = request.user
    document = rules.access_document(viewer, document_id)
    page = selectors.document_page(viewer, document)
    permitted(
        rules.can_replace_document if replace else rules.can_remove_document,
        viewer,
        document,
        page.owner,
    )
    form: DocumentReplaceForm | DocumentRemoveForm
    if replace:
        form = DocumentReplaceForm(posted(request), _files(request))
    else:
        form = DocumentRemoveForm(posted(request))

    def run() -> None:
        if isinstance(form, DocumentReplaceForm):
            services.document_replace(
                actor=viewer, document=document, file=form.cleaned_data["file"]
            )
        else:
            services.document_remove(
                actor=viewer, document=document, reason=form.cleaned_data["reason"]
            )

    done = "New version uploaded" if replace else "Document removed"
    if submitted(request, form, run, done):
        if replace:
            return redirect("document", document_id=document.pk)
        return redirect("documents", kind=page.kind, owner_id=page.owner.pk)
    # A redrawn invalid post shows the record again: logged as the first showing is.
    _audit(
        request,
        page.owner,
        [document],
        page="document-replace" if replace else "document-remove",
        document=document.pk,
    )
    return render(
        request,
        "documents/replace.html" if replace else "documents/remove.html",
        {**_owner_context(request, page.owner), "page": page, "form": form},
    )


def document_replace(request: AuthedRequest, document_id: int) -> HttpResponse:
    return _change_page(request, document_id, replace=True)


def document_remove(request: AuthedRequest, document_id: int) -> HttpResponse:
    return _change_page(request, document_id, replace=False)


def document_download(request: AuthedRequest, version_id: int) -> FileResponse:
    """The bytes, as an attachment with the sniffed type, never sniffed again by the browser."""
    version = rules.access_version(request.user, version_id)
    document = version.document
    owner = document.person or document.case or document.meeting
    assert owner is not None
    record_access(
        actor=request.user,
        obj=owner,
        action=AccessAction.EXPORT,
        detail={"page": "document download", "document": document.pk, "version": version.pk},
        people=selectors.spoken_of([document]),
    )
    response = FileResponse(selectors.open_bytes(version), content_type=version.content_type)
    as_attachment(response, version.original_name)
    return response
