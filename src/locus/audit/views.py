from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from locus.access import policies
from locus.audit import selectors
from locus.audit.describe import Row, describe
from locus.audit.forms import AuditFilterForm
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
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
    # Reading the trail is itself a read worth knowing about.
    record_access(
        actor=request.user,
        record_type="audit.trail",
        detail={"show": which, "filters": filters.as_text() if filters else {"invalid": "yes"}},
    )
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": describe(list(page), viewer=request.user),
            "which": which,
            "show_values": policies.can_read_audit_values(request.user),
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
    """The filtered trail as CSV, in the trail's plain words, streamed; itself logged."""
    form = _form(request)
    filters = form.to_filter()
    if filters is None:
        return audit_trail(request)
    which = form.which
    events, rows = selectors.events_counted(which=which, filters=filters)
    record_access(
        actor=request.user,
        record_type="audit.trail",
        action=AccessAction.EXPORT,
        detail={"show": which, "rows": rows, "filters": filters.as_text()},
    )
    viewer = request.user

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_HEADER)
        found = events.iterator(chunk_size=CSV_CHUNK)
        while chunk := list(islice(found, CSV_CHUNK)):
            for row in describe(chunk, viewer=viewer):
                yield writer.writerow(csv_line(row))

    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{which}-{stamp}.csv"'
    return response
