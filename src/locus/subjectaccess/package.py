"""The subject access package: the export resolved, redacted and written as a ZIP holding a
PDF, a JSON file and the documents' files (docs/subject-access.md#the-export).

The ZIP is written under a temporary name in ``DATA_DIR/subject-access`` and renamed into
place when complete, then its row is written and the making is audited as an export of the
subject's records (``AccessAction.EXPORT``, people = the subject); each download is audited
again. At the sizes one person's record reaches the work takes a second or two, so it runs
in the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import create_audited, require
from locus.documents import files as document_files
from locus.people.models import Person
from locus.subjectaccess.gather import Gathered, gather
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest
from locus.subjectaccess.redaction import Free, Known, Redactor, Value

CHUNK = 500  # names looked up per query
# A package is a full copy of one person's records: kept long enough to check and send it,
# then its file is deleted (the row stays, with the ids of what it held, as the record of
# the disclosure). Kept no longer, or it would be the shadow copy the retention rules forbid.
KEEP_DAYS = 30


def package_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "subject-access"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _chunks(words: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(words), CHUNK):
        yield words[start : start + CHUNK]


def _free_texts(values: list[Value]) -> Iterator[str]:
    for value in values:
        if isinstance(value, list):
            yield from _free_texts(value)
        elif isinstance(value, Free):
            yield value.text


def redactor_for(gathered: Gathered, *, disclose_staff: bool) -> Redactor:
    """The redactor of one export: the people it refers to, and anyone else known to Locus
    whose name appears in its free text, found by looking up its capitalised words."""
    subject = gathered.subject
    names = frozenset(n for n in (subject.given_name, subject.family_name, subject.known_as) if n)
    redactor = Redactor(str(subject.pk), subject.full_name, names, disclose_staff)
    texts = [
        text
        for section in gathered.sections
        for item in section.items
        for text in _free_texts([v for _, v in item.fields])
    ]
    words = sorted(redactor.mentioned(texts))
    people = Q(pk__in=gathered.other_people)
    for chunk in _chunks(words):
        people |= Q(given_name__in=chunk) | Q(family_name__in=chunk) | Q(known_as__in=chunk)
    for p in Person.objects.filter(people).exclude(pk=subject.pk).order_by("pk"):
        redactor.people.append(
            Known(str(p.pk), p.given_name, p.family_name, p.known_as, p.date_of_birth)
        )
    staff = Q(pk__in=gathered.staff)
    for chunk in _chunks(words):
        staff |= Q(first_name__in=chunk) | Q(last_name__in=chunk)
    for w in Worker.objects.filter(staff).order_by("pk"):
        redactor.staff_names.append(w.get_full_name())
    return redactor


def resolve(gathered: Gathered, redactor: Redactor) -> list[dict[str, Any]]:
    """The sections as plain data, every value through the redactor."""
    out = []
    for section in gathered.sections:
        records = []
        for item in section.items:
            # A heading can carry a title someone typed (a meeting's): redacted like any text.
            heading = redactor.text(item.heading, f"{section.title}: heading")
            where = f"{section.title}: {heading}"
            records.append(
                {
                    "heading": heading,
                    "record": item.key,
                    "fields": [
                        {"label": label, "value": redactor.resolve(value, f"{where}, {label}")}
                        for label, value in item.fields
                    ],
                }
            )
        out.append(
            {"key": section.key, "title": section.title, "intro": section.intro, "records": records}
        )
    return out


@dataclass(frozen=True)
class Built:
    data: dict[str, Any]
    html: str
    pdf: bytes
    json: bytes
    gathered: Gathered


def build(
    request: SubjectAccessRequest, *, disclose_staff: bool, include_restricted: bool
) -> Built:
    """The export's content for ``request``: data, its HTML and PDF, and the JSON."""
    from weasyprint import HTML  # imported late: loading Pango costs time at start-up

    if request.person is None:
        raise ValueError("request has no person: they were removed under the retention rules")
    gathered = gather(request.person, include_restricted=include_restricted)
    redactor = redactor_for(gathered, disclose_staff=disclose_staff)
    sections = resolve(gathered, redactor)
    data = {
        "format": "locus-subject-access/1",
        "request": request.reference,
        "subject": request.person.full_name,
        "received_on": request.received_on.isoformat(),
        "made_at": timezone.localtime(clock.now()).isoformat(timespec="seconds"),
        "staff_names_disclosed": disclose_staff,
        "restricted_police_incidents_included": include_restricted,
        "sections": sections,
        "redactions": [r.as_dict() for r in redactor.redactions],
        "documents": [f.arcname for f in gathered.files],
    }
    html = render_to_string("subjectaccess/export_pdf.html", {"d": data})
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return Built(data, html, pdf, body, gathered)


def _zip(built: Built, out: io.BufferedWriter) -> None:
    storage = document_files.storage()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        stem = built.data["request"]
        archive.writestr(f"{stem}.pdf", built.pdf)
        archive.writestr(f"{stem}.json", built.json)
        for f in built.gathered.files:
            with storage.open(f.stored_name, "rb") as source:
                archive.writestr(f.arcname, source.read())


def package_make(
    *,
    actor: Worker,
    request: SubjectAccessRequest,
    disclose_staff: bool = False,
    include_restricted: bool = False,
) -> SubjectAccessPackage:
    """Make the export for an open request: write the ZIP, record it, audit it."""
    require(rules.can_work_requests(actor), "not found")
    if not request.is_open:
        raise ValidationFailed(f"This request is {request.get_status_display().lower()}")
    if request.person_id is None:
        raise ValidationFailed("The person's records were removed: there is nothing to export")
    packages_expire()
    built = build(request, disclose_staff=disclose_staff, include_restricted=include_restricted)
    folder = package_folder()
    temp = folder / f"{request.pk}-{secrets.token_hex(4)}.zip.part"
    try:
        with temp.open("wb") as out:
            os.chmod(temp, 0o600)
            _zip(built, out)
        final = f"{request.pk}-{secrets.token_hex(8)}.zip"
        os.replace(temp, folder / final)
    finally:
        temp.unlink(missing_ok=True)
    content = (folder / final).read_bytes()
    records = [r["record"] for s in built.data["sections"] for r in s["records"]]
    try:
        with transaction.atomic():
            package = create_audited(
                actor,
                SubjectAccessPackage,
                request=request,
                made_by=actor,
                made_at=clock.now(),
                disclose_staff=disclose_staff,
                include_restricted=include_restricted,
                file_name=final,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                redactions=len(built.data["redactions"]),
                contents={"records": records, "documents": built.data["documents"]},
            )
            _audit(actor, package, request, records)
    except Exception:
        (folder / final).unlink(missing_ok=True)
        raise
    return package


def _audit(
    actor: Worker, package: SubjectAccessPackage, request: SubjectAccessRequest, records: list[str]
) -> None:
    record_access(
        actor=actor,
        obj=package,
        action=AccessAction.EXPORT,
        people=[request.person_id] if request.person_id else [],
        detail={
            "export": "subject access",
            "request": request.reference,
            "rows": len(records),
            "shown": records,
        },
    )


def packages_expire() -> int:
    """Delete the files of packages past ``KEEP_DAYS``, and at once those of a person purged
    under the retention rules (their request's person is cleared). Returns how many went."""
    old = SubjectAccessPackage.objects.exclude(file_name="").filter(
        Q(made_at__lte=clock.now() - dt.timedelta(days=KEEP_DAYS)) | Q(request__person__isnull=True)
    )
    gone = 0
    for made in old:
        (package_folder() / made.file_name).unlink(missing_ok=True)
        SubjectAccessPackage.objects.filter(pk=made.pk).update(file_name="")
        gone += 1
    return gone


def package_file(actor: Worker, package: SubjectAccessPackage) -> Path:
    """The package's file for a download, the download audited; "not found" when gone."""
    require(rules.can_work_requests(actor), "not found")
    packages_expire()
    package.refresh_from_db(fields=["file_name"])
    path = package_folder() / package.file_name
    if not package.file_name or not path.is_file():
        raise NotPermitted("not found")
    _audit(actor, package, package.request, list(package.contents.get("records", [])))
    return path
