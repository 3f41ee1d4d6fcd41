from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from locus.access import policies
from locus.audit import selectors
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate


def audit_trail(request: AuthedRequest) -> HttpResponse:
    """The audit trail, for auditors and administrators only (others get 404)."""
    if not policies.can_view_audit(request.user):
        raise Http404("Not found")
    filters = selectors.AuditFilter.from_query(request.GET)
    which = "changes" if request.GET.get("show") == "changes" else "reads"
    events = (
        selectors.change_events(filters=filters)
        if which == "changes"
        else selectors.access_events(filters=filters)
    )
    page, paging = paginate(request, events)
    # Reading the trail is itself a read worth knowing about.
    record_access(
        actor=request.user,
        record_type="audit.trail",
        detail={"show": which, **{k: v for k, v in vars(filters).items() if v}},
    )
    return render(
        request,
        "audit/trail.html",
        {
            "page": page,
            "f": filters,
            "which": which,
            "show_values": policies.can_read_audit_values(request.user),
            **paging,
        },
    )
