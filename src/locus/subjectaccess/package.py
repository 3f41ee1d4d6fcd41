"""The subject access package: the export resolved, redacted and written as a ZIP holding a
PDF, a JSON file and the documents' files (docs/subject-access.md#the-export).

A package is asked for on the request's page and prepared as a background task
(``tasks.produce_package``): a long record's PDF takes WeasyPrint tens of seconds, longer than
a page may. The ZIP is written under a temporary name in ``DATA_DIR/subject-access`` and
renamed into place when complete, then the row is marked ready and the export is audited
(``AccessAction.EXPORT``, people = the subject); each download is audited again. A run that
died leaves its package "being prepared" or "failed" and no file: the data team asks again.
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
from typing import Any, TypedDict, TypeVar, Unpack

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from locus.access import subjectaccess as rules
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.models import JobState
from locus.common.services import (
    Problems,
    clean_text,
    create_audited,
    lock,
    require,
    save_changes,
)
from locus.documents import files as document_files
from locus.notifications.models import NotificationKind
from locus.notifications.services import forget, notify
from locus.people.models import Person
from locus.subjectaccess.gather import Gathered, gather
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest
from locus.subjectaccess.redaction import Free, Known, Mentions, Redactor, Value
from locus.subjectaccess.services import TEXT_LIMIT

CHUNK = 500  # names looked up per query
# A package is a full copy of one person's records: kept long enough to check and send it,
# then its file is deleted (the row stays, with the ids of what it held, as the record of
# the disclosure). Kept no longer, or it would be the shadow copy the retention rules forbid.
KEEP_DAYS = 30

M = TypeVar("M", bound=models.Model)


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


def _lowered(words: list[str]) -> list[str]:
    """Each word lower-cased as PostgreSQL's ``lower()`` does and as SQLite's does (ASCII
    letters only), so a name written in capitals is found on either database."""
    out = set()
    for word in words:
        out.add(word.lower())
        out.add("".join(c.lower() if c.isascii() else c for c in word))
    return sorted(out)


def _named(model: type[M], ids: set[int], words: dict[str, list[str]]) -> QuerySet[M]:
    """The rows of ``model`` with an id in ``ids``, or with a field equal to one of its
    ``words`` (field: words) ignoring case."""
    found = Q(pk__in=ids)
    for name, some in words.items():
        for chunk in _chunks(_lowered(some)):
            found |= Q(**{f"lower_{name}__in": chunk})
    return model._default_manager.alias(**{f"lower_{n}": Lower(n) for n in words}).filter(found)


def _spelt(model: type[M], fields: tuple[str, ...], said: Mentions) -> set[int]:
    """The ids of rows of ``model`` with a name of more than plain letters ("Da Silva",
    "O'Brien", "Zoë") that ``said`` holds however it is written ("da silva", "O\u2019Brien",
    "Zoe"): read and compared here, since the database compares letter for letter."""
    apart = Q()
    for name in fields:
        apart |= Q(**{f"{name}__regex": r"[^A-Za-z]"})
    rows = model._default_manager.filter(apart).values_list("pk", *fields)
    return {row[0] for row in rows if any(said.has(n) for n in row[1:] if n)}


def redactor_for(gathered: Gathered, *, disclose_staff: bool) -> Redactor:
    """The redactor of one export: the people it refers to, and anyone else known to Locus
    whose name or identifier appears in its free text, found by looking up its words
    without case or accents ("MARROWGATE" and "ottoline" find Marrowgate and Ottoline,
    "Brackenridge's" finds Brackenridge; an everyday word only where written as a name) and
    names of more than one word or with accents or apostrophes however written, and its
    words holding digits as UPNs, NHS numbers and LA child IDs."""
    subject = gathered.subject
    names = frozenset(n for n in (subject.given_name, subject.family_name, subject.known_as) if n)
    redactor = Redactor(str(subject.pk), subject.full_name, names, disclose_staff)
    texts = [
        text
        for section in gathered.sections
        for item in section.items
        for text in _free_texts([v for _, v in item.fields])
    ]
    said = Mentions.of(texts)
    words = sorted(said.lookups())
    numbers = sorted(redactor.numbers(texts))
    fields = ("given_name", "family_name", "known_as")
    by_name = dict.fromkeys(fields, words)
    by_number = dict.fromkeys(("upn", "nhs_number", "la_child_id"), numbers)
    ids = gathered.other_people | _spelt(Person, fields, said)
    people = _named(Person, ids, by_name | by_number)
    for p in people.exclude(pk=subject.pk).order_by("pk"):
        held = tuple(n for n in (p.upn, p.nhs_number, p.la_child_id) if n)
        redactor.people.append(
            Known(str(p.pk), p.given_name, p.family_name, p.known_as, p.date_of_birth, held)
        )
    staff_fields = ("first_name", "last_name")
    ids = gathered.staff | _spelt(Worker, staff_fields, said)
    staff = _named(Worker, ids, dict.fromkeys(staff_fields, words))
    for w in staff.order_by("pk"):
        redactor.staff.append((w.first_name, w.last_name))
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
                        {
                            "label": label,
                            "value": redactor.resolve(value, f"{where}, {label}", section.title),
                        }
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
    # imported late: loading WeasyPrint's Pango costs time at start-up
    from locus.common.pdf import pdf_from_html

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
    pdf = pdf_from_html(html)
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


@transaction.atomic
def package_ask(
    *,
    actor: Worker,
    request: SubjectAccessRequest,
    approver: Worker | None,
    disclose_staff: bool = False,
    include_restricted: bool = False,
    police_consulted: str = "",
    police_consulted_on: dt.date | None = None,
    police_outcome: str = "",
) -> SubjectAccessPackage:
    """Record the data team's request for an export of an open request's person, naming
    the other member of the data team who will check it and approve its release: they are
    told (a notification, and My work) at once. Restricted police incidents go in only with
    the record of consulting the reporting force: who, when, and the outcome with its reason."""
    require(rules.can_work_requests(actor), "not found")
    if not request.is_open:
        raise ValidationFailed(f"This request is {request.get_status_display().lower()}")
    if request.person_id is None:
        raise ValidationFailed("The person's records were removed: there is nothing to export")
    problems = Problems()
    problems.check(
        approver is not None and rules.may_be_named_approver(approver, actor),
        "approver",
        "Choose another member of the data team to check the export and approve its release",
    )
    consulted = _police_consulted(
        problems, include_restricted, police_consulted, police_consulted_on, police_outcome
    )
    problems.raise_if_any()
    assert approver is not None
    made = create_audited(
        actor,
        SubjectAccessPackage,
        request=request,
        made_by=actor,
        made_at=clock.now(),
        state=JobState.QUEUED,
        disclose_staff=disclose_staff,
        include_restricted=include_restricted,
        approver=approver,
        **consulted,
    )
    _tell_approver(actor, made, approver)
    return made


def _tell_approver(actor: Worker, made: SubjectAccessPackage, approver: Worker) -> None:
    _tell(actor, made, approver, "Check the export for {} and approve its release")


def _tell(actor: Worker, made: SubjectAccessPackage, worker: Worker, text: str) -> None:
    """Tell ``worker`` of the export in My work, linked to its request's page: ``text`` names
    the request by its reference (filled in at ``{}``), never the child."""
    what = f"subject access request {made.request.reference}"
    page = reverse("subject-access-request", args=[made.request_id])
    kind = NotificationKind.SIGN_OFF_REQUEST
    notify(worker, kind, actor=actor, about=made, url=page, text=text.format(what))


def _police_consulted(
    problems: Problems, include: bool, who: str, on: dt.date | None, outcome: str
) -> dict[str, Any]:
    """The record of consulting the police, required to include restricted incidents (and
    kept only then): who was consulted, on a day not ahead, and the outcome with its reason."""
    if not include:
        return {}
    who = clean_text(
        problems,
        "police_consulted",
        who,
        missing="Say who at the reporting police force was consulted (name, role and force)",
        limit=300,
        what="name of who was consulted",
    )
    problems.check(on is not None, "police_consulted_on", "Enter the day the police were consulted")
    problems.check(
        on is None or on <= clock.today(),
        "police_consulted_on",
        "The day the police were consulted must be today or in the past",
    )
    outcome = clean_text(
        problems,
        "police_outcome",
        outcome,
        missing="Say what the police agreed to, and why",
        limit=TEXT_LIMIT,
        what="outcome",
    )
    return {"police_consulted": who, "police_consulted_on": on, "police_outcome": outcome}


#: Why a closed request's export is neither approved, nor returned, nor passed to another
#: approver (``rules.waits_for_decision``).
CLOSED_REQUEST = "The request is closed: its export is neither approved nor returned"


@transaction.atomic
def package_approve(
    *, actor: Worker, package: SubjectAccessPackage, reason: str
) -> SubjectAccessPackage:
    """The named approver approves the release of a prepared export, saying why (checked
    against the record, redactions read): from then on the data team may download it to
    send it. Nobody approves an export they asked for; nobody else approves it at all."""
    package, why = _decision(
        actor, package, reason, "approve", "what you checked and why it may go"
    )
    fields = {"approved_at": clock.now(), "approval_reason": why}
    return save_changes(actor=actor, obj=package, fields=fields)


def _decision(
    actor: Worker, package: SubjectAccessPackage, reason: str, verb: str, missing: str
) -> tuple[SubjectAccessPackage, str]:
    """``package`` locked and the reason for ``actor``'s decision on it (to ``verb`` it),
    once it is theirs to decide and still waiting for it (raises with every problem)."""
    require(rules.can_work_requests(actor), "not found")
    package = lock(package)
    problems = Problems()
    problems.check(
        rules.may_approve_release(actor, package),
        "reason",
        f"Only the member of the data team named to approve this export may {verb} it, "
        "and never the one who asked for it",
    )
    problems.check(package.approved_at is None, "reason", "Its release is already approved")
    problems.check(package.returned_at is None, "reason", "It was returned: make a new export")
    problems.check(
        package.ready,
        "reason",
        "Only an export that is ready, and not yet deleted, can be approved or returned",
    )
    problems.check(package.request.is_open, "reason", CLOSED_REQUEST)
    missing = f"Say {missing}"
    why = clean_text(problems, "reason", reason, missing=missing, limit=TEXT_LIMIT, what="reason")
    problems.raise_if_any()
    return package, why


@transaction.atomic
def package_return(
    *, actor: Worker, package: SubjectAccessPackage, reason: str
) -> SubjectAccessPackage:
    """The named approver refuses to approve a prepared export's release, saying why (what
    is wrong with it): its file is deleted at once, so it is never downloaded nor released,
    and its maker is told (naming the request, never the child) to make a new one."""
    package, why = _decision(actor, package, reason, "return", "what is wrong with it")
    path = package_folder() / package.file_name
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    fields = {"returned_at": clock.now(), "return_reason": why, "file_name": ""}
    made = save_changes(actor=actor, obj=package, fields=fields)
    forget(actor=actor, record=made, recipient=actor)  # nothing left for them to check
    _tell(actor, made, made.made_by, "The export for {} was returned: make a new one")
    return made


@transaction.atomic
def package_change_approver(
    *, actor: Worker, package: SubjectAccessPackage, approver: Worker | None, reason: str
) -> SubjectAccessPackage:
    """Name another member of the data team to check an export and approve its release in
    place of the one named (away), saying why, before they decide: the one named no longer
    sees it to check (their notification goes) and the new one is told. Never the maker,
    never the approver themselves (they return it instead)."""
    problems = Problems()
    require(rules.can_work_requests(actor), "not found")
    package = lock(package)
    if package.lost:
        why_not = "This export failed or was deleted: make a new one"
    elif not package.request.is_open:
        why_not = CLOSED_REQUEST
    else:
        why_not = (
            "Only another member of the data team may name someone else, while it waits for "
            "the approver named to decide"
        )
    problems.check(rules.may_change_approver(actor, package), "approver", why_not)
    problems.check(
        approver is not None and rules.may_be_named_instead(approver, package, actor),
        "approver",
        "Choose another member of the data team: not the one named, who asked for it, nor you",
    )
    why = clean_text(
        problems,
        "reason",
        reason,
        missing="Say why someone else checks it",
        limit=TEXT_LIMIT,
        what="reason",
    )
    problems.raise_if_any()
    assert approver is not None
    if package.approver is not None:
        forget(actor=actor, record=package, recipient=package.approver)
    _tell_approver(actor, package, approver)
    fields = {
        "approver": approver,
        "approver_changed_by": actor,
        "approver_changed_at": clock.now(),
        "approver_change_reason": why,
    }
    return save_changes(actor=actor, obj=package, fields=fields)


class PackageOptions(TypedDict, total=False):
    """How an export is made (see :func:`package_ask`): the options the form asks for."""

    approver: Worker | None
    disclose_staff: bool
    include_restricted: bool
    police_consulted: str
    police_consulted_on: dt.date | None
    police_outcome: str


def package_make(
    *, actor: Worker, request: SubjectAccessRequest, **options: Unpack[PackageOptions]
) -> SubjectAccessPackage:
    """Ask for the export, then hand it to the task worker (after the row is committed);
    with the tasks run at once (tests), it comes back ready."""
    from locus.subjectaccess.tasks import produce_package

    options.setdefault("approver", None)
    made = package_ask(actor=actor, request=request, **options)
    produce_package.enqueue(made.pk)
    made.refresh_from_db()
    return made


def produce(package_id: int) -> str:
    """Prepare package ``package_id``: build it with its maker's rights as they are now, write
    the ZIP under a temporary name and rename it into place, then mark it ready and audit the
    export. Returns the state it ends in."""
    made = SubjectAccessPackage.objects.select_related("request__person", "made_by").get(
        pk=package_id
    )
    if made.state == JobState.DONE:
        return made.state
    packages_expire()
    request, actor = made.request, made.made_by
    if not rules.can_work_requests(actor) or request.person_id is None:
        problem = "The person's records were removed, or you may no longer export them."
        _set(made, state=JobState.FAILED, problem=problem)
        return JobState.FAILED
    _set(made, state=JobState.RUNNING, problem="")
    folder = package_folder()
    temp = folder / f"{made.pk}-{secrets.token_hex(4)}.zip.part"
    final = f"{request.pk}-{made.pk}-{secrets.token_hex(8)}.zip"
    try:
        built = build(
            request,
            disclose_staff=made.disclose_staff,
            include_restricted=made.include_restricted,
        )
        with temp.open("wb") as out:
            os.chmod(temp, 0o600)
            _zip(built, out)
        os.replace(temp, folder / final)
        _finish(made, built, folder / final)
    except Exception as error:
        temp.unlink(missing_ok=True)
        (folder / final).unlink(missing_ok=True)
        _set(made, state=JobState.FAILED, problem=f"{type(error).__name__}: {error}"[:500])
        return JobState.FAILED
    return JobState.DONE


def _set(made: SubjectAccessPackage, **fields: Any) -> None:
    # How far it got is progress, not a record: no trail entry for each step.
    SubjectAccessPackage.objects.filter(pk=made.pk).update(**fields)


@transaction.atomic
def _finish(made: SubjectAccessPackage, built: Built, path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as done:
        for block in iter(lambda: done.read(1 << 20), b""):
            digest.update(block)
    records = [r["record"] for s in built.data["sections"] for r in s["records"]]
    save_changes(
        actor=made.made_by,
        obj=made,
        fields={
            "state": JobState.DONE,
            "file_name": path.name,
            "size": path.stat().st_size,
            "sha256": digest.hexdigest(),
            "redactions": len(built.data["redactions"]),
            "finished_at": clock.now(),
        },
    )
    # What it held is logged in full by the read below: not copied into the change too.
    SubjectAccessPackage.objects.filter(pk=made.pk).update(
        contents={
            "records": records,
            "documents": built.data["documents"],
            "removed_documents": built.gathered.removed_documents,
        }
    )
    _audit(made.made_by, made, made.request, records)


def _audit(
    actor: Worker,
    package: SubjectAccessPackage,
    request: SubjectAccessRequest,
    records: list[str],
    **detail: str,
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
            **detail,
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
    """The package's file for a download, the download audited (a release once approved, a
    check by the named approver before); "not found" when gone or not theirs to download."""
    require(rules.can_work_requests(actor), "not found")
    packages_expire()
    package.refresh_from_db(fields=["state", "file_name", "approved_at", "approver"])
    if not rules.may_download(actor, package):
        raise NotPermitted("not found")  # the page offers no link: not approved yet
    path = package_folder() / package.file_name
    if not package.ready or not path.is_file():
        raise NotPermitted("not found")
    purpose = "release" if package.released else "check before approving its release"
    records = list(package.contents.get("records", []))
    _audit(actor, package, package.request, records, purpose=purpose)
    return path
