"""The sharing register: ``/sharing/`` (filtered, paged) and its CSV download. Both audited
with the ids of the rows shown and the people they named to the reader, and how many more
they counted without naming (docs/sharing.md)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from locus.access import sharing as rules
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.downloads import as_attachment
from locus.common.errors import NotPermitted
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.common.spreadsheet import safe_text
from locus.sharing import selectors
from locus.sharing.forms import RegisterFilterForm
from locus.sharing.models import Share

RECORD_TYPE = "sharing.share"
CSV_HEADER = [
    "Register ID",
    "When",
    "Kind",
    "Shared by",
    "With whom",
    "About",
    "What",
    "Record",
    "Purpose",
    "Article 6",
    "Condition",
    "Duty or power",
    "Until",
]


def _form(request: AuthedRequest) -> RegisterFilterForm:
    if not rules.can_read_register(request.user):
        raise NotPermitted("not found")
    return RegisterFilterForm(request.GET or None, agencies=selectors.agencies())


def _audit(
    request: AuthedRequest, action: AccessAction, form: Any, rows: list[Any], named: set[int]
) -> None:
    """Logged with the rows shown and the people they named to the reader (``named``); the
    people a row is about whom the reader may not see were shown as a count, and are logged
    as one: the read showed them nobody."""
    about = {int(p) for r in rows for p in r.share.people}
    record_access(
        actor=request.user,
        record_type=RECORD_TYPE,
        action=action,
        detail={
            "filters": form.as_text(),
            "shown": [str(r.share.pk) for r in rows],
            "people_shown": sorted(named),
            "people_unnamed": len(about - named),
        },
    )


def register_page(request: AuthedRequest) -> HttpResponse:
    form = _form(request)
    page, paging = paginate(request, selectors.register(request.user, form.filters()))
    rows, named = selectors.rows(request.user, list(page.object_list))
    _audit(request, AccessAction.VIEW, form, rows, named)
    return render(
        request,
        "sharing/register.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "csv_query": request.GET.urlencode(),
            "reads_all": rules.reads_every_share(request.user),
            "reads_team": rules.reads_team_shares(request.user),
            **paging,
        },
    )


def _until(share: Share) -> str:
    if share.until is None:
        return share.until_note
    when = timezone.localtime(share.until).strftime("%Y-%m-%d %H:%M")
    return f"{when} ({share.until_note})" if share.until_note else when


def register_csv(request: AuthedRequest) -> HttpResponse:
    """Every row the page would show with these filters, as CSV; the download is logged. A
    file names only the people the reader sees lastingly (not by a forum share nor emergency
    access)."""
    form = _form(request)
    shares = list(selectors.register(request.user, form.filters()))
    rows, named = selectors.rows(request.user, shares, lasting=True)
    _audit(request, AccessAction.EXPORT, form, rows, named)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        s = row.share
        cells = [
            str(s.pk),
            timezone.localtime(s.at).strftime("%Y-%m-%d %H:%M"),
            s.get_kind_display(),
            str(s.by),
            row.with_whom,
            row.about,
            "; ".join(s.what),
            s.record_ref,
            s.purpose,
            s.get_article6_display(),
            s.get_condition_display(),
            s.get_duty_display() if s.duty != "other" else f"Other: {s.duty_other}",
            _until(s),
        ]
        writer.writerow([safe_text(c) for c in cells])
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    return as_attachment(response, f"sharing-register-{stamp}.csv")
