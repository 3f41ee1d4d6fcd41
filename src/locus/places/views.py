from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import groups as access_groups
from locus.access import lookups, policies
from locus.access import outreach as access_outreach
from locus.access import places as access_places
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.selectors import context_cases_for
from locus.common.http import AuthedRequest
from locus.common.modelkit import choice_values
from locus.common.pagination import paginate
from locus.places import selectors, selectors_hotspots, timeline
from locus.places.forms_busy import CoPresenceRemoveForm, CoPresenceRuleForm
from locus.places.models import Context, ContextKind, ContextMerge


def contexts_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in choice_values(ContextKind):
        kind = ""
    page, paging = paginate(request, selectors.contexts_list(viewer=request.user, q=q, kind=kind))
    selectors.with_incident_counts(viewer=request.user, contexts=list(page))
    selectors.with_address_shown(viewer=request.user, contexts=list(page))
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
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": ContextKind.choices,
            "can_add": access_places.can_add_place(request.user),
            "can_create_group": access_groups.can_create_group(request.user),
            **paging,
        },
    )


# A timeline entry is a few lines, some naming several children: 15 keep a busy place's page
# a few screens long.
EVENTS_PER_PAGE = 15


def context_page(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id, merged=True)
    if context.kind == ContextKind.PEER_GROUP:
        return redirect("group", group_id=context.pk)
    merge = selectors.merged_into(context)
    if merge is not None:
        return _merged(request, context, merge)
    all_people = request.GET.get("people") == "all"
    detail = selectors.context_detail(viewer=request.user, context=context, all_people=all_people)
    events = timeline.timeline_for(request.user, context)
    shown = [k for k in request.GET.getlist("show") if k]
    page, paging = paginate(request, timeline.of_kinds(events, shown), EVENTS_PER_PAGE)
    context_cases = context_cases_for(request.user, context)
    counts = timeline.incident_counts(request.user, context, timeline.plan_started(context_cases))
    shown_events = timeline.name_people(request.user, list(page))
    # The page names the children linked to the place, its household and the people in the
    # incidents on this page of its timeline.
    named = detail.named.union(*(e.people_shown for e in shown_events))
    record_access(
        actor=request.user,
        obj=context,
        detail={
            "people_shown": sorted(named),
            "records_shown": [e.record for e in shown_events if e.record],
            # The context cases about the place, listed under its timeline.
            "cases_shown": [c.pk for c in context_cases],
        },
    )
    return render(
        request,
        "places/detail.html",
        {
            "d": detail,
            "context": context,
            "page": page,
            "months": timeline.by_month(shown_events),
            "kinds": timeline.kinds_of(events),
            "shown": shown,
            "chart": counts.chart,
            "drawing": timeline.chart_drawing(counts.chart),
            "before_after": counts.before_after,
            "can_edit": access_places.can_edit_place(request.user, context),
            "can_merge": access_places.merges_places(request.user),
            "can_keep_roll": context.kind == ContextKind.SCHOOL
            and policies.can_manage_roll(request.user, context),
            "context_cases": context_cases,
            "all_people": all_people,
            "people_all_query": _with_all_people(request),
            "hotspot": selectors_hotspots.hotspot_containing(context),
            "protects_home": access_outreach.sees_household(request.user, context),
            **_co_presence(request, context),
            **paging,
        },
    )


def _with_all_people(request: AuthedRequest) -> str:
    """The page's query (its timeline filter and page kept) asking for everyone linked here."""
    params = request.GET.copy()
    params["people"] = "all"
    return params.urlencode()


def _co_presence(request: AuthedRequest, context: Context) -> dict:
    """The place's co-presence section: why Locus suggests it is busy, the manager's rule and
    its history, and for a manager of a team the forms that set and remove it. A home has
    none (it is never judged busy, and no rule is set on it)."""
    if context.kind == ContextKind.HOME:
        return {}
    can_set = access_places.can_set_co_presence_rule(request.user, context)
    return {
        "co_presence": True,
        "busy_reason": selectors.busy_reason(context),
        "rules": selectors.co_presence_rules(context),
        "rule_form": CoPresenceRuleForm() if can_set else None,
        "remove_form": CoPresenceRemoveForm(prefix="remove") if can_set else None,
    }


def _merged(request: AuthedRequest, context: Context, merge: ContextMerge) -> HttpResponse:
    """A duplicate's page: the place kept, for a viewer who sees it and where both are
    (``places.tells_merge``); else a page saying the place was merged, naming nothing."""
    record_access(actor=request.user, obj=context, detail={"page": "merged", "kept": merge.kept_id})
    sees_kept = policies.can_view_context(request.user, merge.kept)
    if access_places.tells_merge(request.user, context, merge.kept, sees_other=sees_kept):
        messages.info(request, f"{context.name} was merged into this place")
        return redirect("context", context_id=merge.kept_id)
    return render(request, "places/merged.html", {"context": context})
