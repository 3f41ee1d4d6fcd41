"""Document pages: the upload form and its messages, the list, the document and its
versions, the download's headers and its audit, query counts, and the links on the
child's page, the case and the meeting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access import naming
from locus.audit.models import AccessAction, AccessEvent
from locus.common.downloads import content_disposition
from locus.common.services import today
from locus.documents.models import Document
from tests.casework.helpers import assessed_case
from tests.casework.test_team_opens_home_case import (  # noqa: F401 (a fixture)
    HOME_NAME,
    home_case,
    no_home_address,
)
from tests.documents.helpers import DOCX, EICAR, HTML, PDF, TEXT, attach, stored_files, upload
from tests.factories import World, client_for
from tests.mapping.helpers import propose
from tests.profiles.pages import assert_strict_page, errors_of

pytestmark = pytest.mark.django_db


def _form(**data: Any) -> dict[str, Any]:
    return {
        "title": "Return home interview",
        "kind": "report",
        "dated": (today() - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        "description": "After the missing episode on Friday.",
        "file": upload("Return home interview.pdf"),
        **data,
    }


def test_uploading_through_the_form(world: World, document_store: Path) -> None:
    client = client_for(world.social_worker)
    add = reverse("document-add", args=["person", world.csc_child.pk])
    page = client.get(add).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'class="govuk-file-upload"' in page
    assert_strict_page(page)
    response = client.post(add, _form())
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("document", args=[document.pk])
    assert document.title == "Return home interview" and document.person == world.csc_child
    assert len(stored_files(document_store)) == 1


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {"title": "", "kind": "", "dated": "", "file": ""},
            [
                "Enter a title",
                "Choose what kind of document it is",
                "Enter the document's date",
                "Choose a file to upload",
            ],
        ),
        ({"dated": "31/02/2026"}, ["Enter the document's date as a date, like 27/03/2026"]),
        (
            {"file": upload("page.html", HTML)},
            ["The file must be one of these types: docx, jpeg, jpg, odt, pdf, png, txt, xlsx"],
        ),
        (
            {"file": upload("eicar.txt", EICAR)},
            ["The file was refused by the virus check: do not open it, and tell your IT team"],
        ),
    ],
)
def test_the_form_names_each_refused_field(
    world: World, document_store: Path, data: dict[str, Any], messages: list[str]
) -> None:
    client = client_for(world.social_worker)
    response = client.post(
        reverse("document-add", args=["person", world.csc_child.pk]), _form(**data)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert errors_of(page) == messages
    assert Document.objects.count() == 0 and stored_files(document_store) == []


def test_the_list_shows_what_a_practitioner_needs(world: World) -> None:
    attach(
        world.social_worker, world.csc_child, title="Core assessment", file=upload("ca.docx", DOCX)
    )
    removed = attach(world.social_worker, world.csc_child, title="Misfiled letter")
    from locus.documents.services import document_remove

    document_remove(actor=world.social_worker, document=removed, reason="Wrong child")
    client = client_for(world.team_manager)
    response = client.get(reverse("documents", args=["person", world.csc_child.pk]))
    page = response.content.decode()
    assert "Core assessment" in page and "Report" in page and "Misfiled letter" not in page
    assert "social_worker" in page and f"{len(DOCX)} bytes" in page
    assert_strict_page(page)
    read = AccessEvent.objects.filter(actor=world.team_manager).latest("id")
    assert read.record_id == str(world.csc_child.pk)
    assert read.detail["documents_shown"] == [Document.objects.get(title="Core assessment").pk]


def test_the_download_is_an_attachment_of_the_sniffed_type(world: World) -> None:
    document = attach(world.social_worker, world.csc_child, file=upload("Visit \u2013 Ciara.pdf"))
    version = document.versions.get()
    response = client_for(world.teammate).get(reverse("document-download", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Visit _ Ciara.pdf\"; filename*=UTF-8''Visit%20%E2%80%93%20Ciara.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    read = AccessEvent.objects.filter(actor=world.teammate).latest("id")
    assert read.action == AccessAction.EXPORT and read.record_id == str(world.csc_child.pk)
    assert read.detail == {
        "page": "document download",
        "document": document.pk,
        "version": version.pk,
    }


def test_plain_text_downloads_as_text_never_as_a_page(world: World) -> None:
    document = attach(world.social_worker, world.csc_child, file=upload("notes.txt", TEXT))
    response = client_for(world.social_worker).get(
        reverse("document-download", args=[document.versions.get().pk])
    )
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('a"b.pdf', "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"),
        (
            "x\r\nSet-Cookie: y.pdf",
            'attachment; filename="x__Set-Cookie: y.pdf"; '
            "filename*=UTF-8''x%0D%0ASet-Cookie%3A%20y.pdf",
        ),
    ],
)
def test_a_name_cannot_break_the_header(name: str, header: str) -> None:
    assert content_disposition(name) == header


def test_an_older_version_is_still_downloadable_from_the_document(world: World) -> None:
    from locus.documents.services import document_replace

    document = attach(world.social_worker, world.csc_child)
    document_replace(actor=world.social_worker, document=document, file=upload("v2.txt", TEXT))
    first, second = document.versions.order_by("number")
    client = client_for(world.social_worker)
    page = client.get(reverse("document", args=[document.pk])).content.decode()
    for version in (first, second):
        assert reverse("document-download", args=[version.pk]) in page
    assert (
        b"".join(client.get(reverse("document-download", args=[first.pk])).streaming_content) == PDF
    )
    assert_strict_page(page)


def test_the_document_page_logs_the_versions_it_lists(world: World) -> None:
    """Each version is a file of its own, downloadable from the page: its read names them.
    Before, it named the document only."""
    from locus.documents.services import document_replace

    document = attach(world.social_worker, world.csc_child)
    document_replace(actor=world.social_worker, document=document, file=upload("v2.txt", TEXT))
    client_for(world.social_worker).get(reverse("document", args=[document.pk]))
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail["document"] == document.pk
    versions = sorted(document.versions.values_list("pk", flat=True))
    assert sorted(read.detail["versions_shown"]) == versions and len(versions) == 2


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_are_pinned_and_do_not_grow_with_the_documents(world: World) -> None:
    client = client_for(world.social_worker)
    listing = reverse("documents", args=["person", world.csc_child.pk])
    document = attach(world.social_worker, world.csc_child)
    detail = reverse("document", args=[document.pk])
    client.get(listing)  # the session's first request does its own bookkeeping
    counts = (_queries(client, listing), _queries(client, detail))
    for n in range(3):
        attach(world.team_manager, world.csc_child, title=f"Letter {n}")
    from locus.documents.services import document_replace

    document_replace(actor=world.social_worker, document=document, file=upload("v2.pdf"))
    # Each with its read's audit row and that row's chain head (read locked, moved on).
    assert (_queries(client, listing), _queries(client, detail)) == counts == (14, 13)


def test_the_record_pages_link_to_their_documents(world: World) -> None:
    case = assessed_case(world)
    meeting = propose(world)
    client = client_for(world.social_worker)
    for page, kind, owner in (
        ("person", "person", world.csc_child),
        ("context-case", "case", case),
        ("context-conference", "case", case),  # the conference's papers are the case's
        ("meeting", "meeting", meeting),
    ):
        response = client.get(reverse(page, args=[owner.pk]))
        assert response.status_code == 200, page
        assert reverse("documents", args=[kind, owner.pk]) in response.content.decode(), page
    # A partner sees the case it referred, not its documents: no link it would be refused.
    partner = client_for(world.partner_worker)
    partner_page = partner.get(reverse("context-case", args=[case.pk]))
    assert partner_page.status_code == 200
    assert reverse("documents", args=["case", case.pk]) not in partner_page.content.decode()


def test_an_unknown_kind_of_record_is_not_found(world: World) -> None:
    client = client_for(world.admin)
    assert client.get(f"/documents/incident/{world.police_incident.pk}/").status_code == 404


def test_the_stored_name_is_never_shown(world: World) -> None:
    document = attach(world.social_worker, world.csc_child)
    version = document.versions.get()
    client = client_for(world.social_worker)
    for url in (
        reverse("document", args=[document.pk]),
        reverse("documents", args=["person", world.csc_child.pk]),
    ):
        assert version.stored_name.split("/")[-1] not in client.get(url).content.decode()
    assert quote(version.original_name) not in version.stored_name


def test_removing_through_the_form(world: World) -> None:
    document = attach(world.social_worker, world.csc_child)
    client = client_for(world.team_manager)
    remove = reverse("document-remove", args=[document.pk])
    too_long = client.post(remove, {"reason": "x" * 1001}).content.decode()
    assert errors_of(too_long) == ["The reason must be 1000 characters or fewer"]
    response = client.post(remove, {"reason": "Attached to the wrong child"})
    assert response["Location"] == reverse("documents", args=["person", world.csc_child.pk])
    document.refresh_from_db()
    assert document.removed_reason == "Attached to the wrong child"
    assert client.get(reverse("document", args=[document.pk])).status_code == 404


def test_replacing_through_the_form(world: World, document_store: Path) -> None:
    document = attach(world.social_worker, world.csc_child)
    client = client_for(world.social_worker)
    replace = reverse("document-replace", args=[document.pk])
    refused = client.post(replace, {"file": upload("v2.pdf", TEXT)}).content.decode()
    assert errors_of(refused) == [
        "The file's name says PDF but its contents are Plain text: check it is the right file"
    ]
    response = client.post(replace, {"file": upload("v2.txt", TEXT)})
    assert response["Location"] == reverse("document", args=[document.pk])
    assert document.versions.count() == 2 and len(stored_files(document_store)) == 2


def test_a_purged_version_is_listed_but_no_longer_downloadable(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from locus.documents.services import document_version_purge

    document = attach(world.social_worker, world.csc_child)
    version = document.versions.get()
    with django_capture_on_commit_callbacks(execute=True):
        document_version_purge(actor=world.system, version=version)
    client = client_for(world.social_worker)
    page = client.get(reverse("document", args=[document.pk])).content.decode()
    assert "file deleted under the retention rules" in page
    assert "The file was deleted under the retention rules" in page
    assert reverse("document-download", args=[version.pk]) not in page
    listing = client.get(reverse("documents", args=["person", world.csc_child.pk]))
    assert "Deleted under the retention rules" in listing.content.decode()
    assert client.get(reverse("document-download", args=[version.pk])).status_code == 404


def test_the_audit_trail_says_what_happened_to_a_document(world: World) -> None:
    document = attach(world.social_worker, world.csc_child)
    page = client_for(world.auditor).get(reverse("audit") + "?show=changes").content.decode()
    assert f"Recorded the document for person #{world.csc_child.pk}" in page
    assert "Recorded the document version #" in page
    assert document.title not in page  # the auditor sees what was done, not the record


@pytest.mark.usefixtures("no_home_address")
def test_a_home_case_s_documents_do_not_name_the_home_to_a_reader_not_told_of_it(
    world: World,
) -> None:
    """The case's team manager, whose role has no home address, reads a home's case as "A
    home: ..." (its own pages say no more); its documents' pages, the list, one document,
    its upload and replace forms, named the home (a family's address) in their title and
    crumbs."""
    case = home_case(world)
    document = attach(world.social_worker, case)
    client = client_for(world.team_manager)
    for url in (
        reverse("documents", args=["case", case.pk]),
        reverse("document-add", args=["case", case.pk]),
        reverse("document", args=[document.pk]),
        reverse("document-replace", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert HOME_NAME not in html and naming.PLACE_WITHHELD in html, url
    # The lead recorded the home: she is told which.
    lead = client_for(world.social_worker).get(reverse("document", args=[document.pk]))
    assert HOME_NAME in lead.content.decode()
