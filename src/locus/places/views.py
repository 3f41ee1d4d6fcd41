from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups, policies
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.selectors import context_cases_for
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.incidents.views import audited_with_incidents
from locus.places import selectors
from locus.places.models import ContextKind


def contexts_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in ContextKind.values:
        kind = ""
    page, paging = paginate(request, selectors.contexts_list(viewer=request.user, q=q, kind=kind))
    selectors.with_incident_counts(viewer=request.user, contexts=list(page))
    # A home's name is a family's address: the list's read is logged with what it showed.
    record_access(
        actor=request.user,
        record_type="places.context",
        action=AccessAction.SEARCH,
        detail={"q": q, "kind": kind, "shown": [str(c.pk) for c in page]},
    )
    return render(
        request,
        "places/list.html",
        {"page": page, "q": q, "kind": kind, "kinds": ContextKind.choices, **paging},
    )


def context_page(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id)
    if context.kind == ContextKind.PEER_GROUP:
        return redirect("group", group_id=context.pk)
    detail = selectors.context_detail(viewer=request.user, context=context)
    # The page names the children linked to the place and those in its incidents.
    involvements = audited_with_incidents(
        request.user, context, detail.incidents, named={p.pk for p in detail.people}
    )
    return render(
        request,
        "places/detail.html",
        {
            "d": detail,
            "context": context,
            "involvements": involvements,
            "can_edit": policies.can_edit_context(request.user, context),
            "can_keep_roll": context.kind == ContextKind.SCHOOL
            and policies.can_manage_roll(request.user, context),
            "context_cases": context_cases_for(request.user, context),
        },
    )
