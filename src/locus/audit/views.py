from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import closing

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from locus.access import policies, trail
from locus.audit import chain, selectors, services
from locus.audit.describe import Row, describe
from locus.audit.exported import Sent, logged_as_sent
from locus.audit.forms import AuditFilterForm
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.downloads import as_attachment
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.common.spreadsheet import safe_text

CSV_HEADER = ["Time", "Worker", "Action", "Record", "Description", "Fields changed"]
CSV_CHUNK = 500


def _form(request: AuthedRequest) -> AuditFilterForm:
    if not policies.can_view_audit(request.user):
        raise Http404("Not found")
    return AuditFilterForm(request.GET or None)


def audit_trail(request: AuthedRequest) -> HttpResponse:
    """The audit trail, for auditors and administrators only (others get 404)."""
    form = _form(request)
    filters = form.to_filter()
    which = form.which
    page, paging = paginate(request, selectors.events(which=which, filters=filters))
    rows = describe(list(page), viewer=request.user, words=True)
    # Reading the trail is itself a read worth knowing about: logged with the rows shown and
    # the people they name, as its download is, so the trail's search by person, and a
    # subject access package, find who read the trail's rows about a child.
    record_access(
        actor=request.user,
        record_type="audit.trail",
        detail={
            "show": which,
            "filters": filters.as_text() if filters else {"invalid": "yes"},
            "shown": [str(row.event.pk) for row in rows],
            "people_shown": sorted({p for row in rows for p in row.people}),
        },
    )
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "which": which,
            # Few reads carry a purpose (an emergency access, a recorded need to name peers):
            # the column is shown only on a page where one does.
            "with_purpose": any(getattr(r.event, "purpose", "") for r in rows),
            "show_values": policies.can_read_audit_values(request.user),
            # Another worker's search text (access/trail.py): the page says so, once.
            "search_text_withheld": not trail.reads_search_text(request.user, None),
            **paging,
        },
    )


def csv_line(row: Row) -> list[str]:
    cells = [
        row.at.strftime("%Y-%m-%d %H:%M:%S"),
        row.worker,
        row.action,
        row.record,
        row.description,
        row.fields_text,
    ]
    return [safe_text(c) for c in cells]


class _Echo:
    """A file that hands back what is written, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def audit_export(request: AuthedRequest) -> HttpResponseBase:
    """The filtered trail as CSV, in the trail's plain words, streamed; itself logged as
    /exports/audit/ logs it, with the rows it sent and the people they refer to (once sent: a
    stream knows them only then), so the trail's search by person finds the download."""
    form = _form(request)
    filters = form.to_filter()
    if filters is None:
        return audit_trail(request)
    which = form.which
    events = selectors.events(which=which, filters=filters)
    viewer = request.user

    def read() -> Iterator[Sent]:
        for chunk in selectors.in_chunks(events, CSV_CHUNK):
            for row in describe(chunk, viewer=viewer):
                yield Sent(str(row.event.pk), csv_line(row), row.people)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_HEADER)
        sent = logged_as_sent(
            read(),
            actor=viewer,
            record_type="audit.trail",
            what="audit",
            params={"show": which, **filters.as_text()},
            fmt="csv",
        )
        with closing(sent):  # logged when this stream ends, however it ends
            for cells in sent:
                yield writer.writerow(cells)

    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return as_attachment(response, f"audit-trail-{which}-{stamp}.csv")


HEADS_ON_PAGE_DAYS = 14


def _chain_viewer(request: AuthedRequest) -> None:
    # The information governance lead (auditor) and administrators; nobody else learns
    # the page exists.
    if not policies.can_view_audit(request.user):
        raise Http404("Not found")


def audit_chain(request: AuthedRequest) -> HttpResponse:
    """The chain's day heads of the last fortnight, the download of all of them, and the
    last verification, with a button to verify now."""
    _chain_viewer(request)
    since = clock.today() - dt.timedelta(days=HEADS_ON_PAGE_DAYS - 1)
    heads = selectors.day_heads_on_page(since=since)
    check = selectors.last_check()
    record_access(
        actor=request.user,
        record_type="audit.chain",
        detail={"heads_from": since.isoformat(), "last_check": check.pk if check else None},
    )
    return render(
        request,
        "audit/chain.html",
        {
            "heads": heads,
            "dated_earlier": any(row.below for row in heads),
            "since": since,
            "check": check,
            "kept": services.KEPT_PROBLEMS,
        },
    )


def audit_chain_heads(request: AuthedRequest) -> HttpResponse:
    """Every day head as plain lines, to keep outside the database; the download is logged."""
    _chain_viewer(request)
    heads = selectors.day_heads()
    now = clock.now()
    record_access(
        actor=request.user,
        record_type="audit.chain",
        action=AccessAction.EXPORT,
        detail={"heads": len(heads)},
    )
    response = HttpResponse(
        chain.heads_text(heads, written=now), content_type="text/plain; charset=utf-8"
    )
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return as_attachment(response, f"audit-heads-{stamp}.txt")


@require_POST
def audit_chain_verify(request: AuthedRequest) -> HttpResponse:
    """Ask for the whole chain to be verified (in the background), then show the page,
    which says it is running until it has finished."""
    _chain_viewer(request)
    services.verification_request(by=request.user)
    return redirect("audit-chain")
