from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from locus.access import lookups, policies, scopes
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.linked import clusters, selectors
from locus.linked.forms import BoroughLinksForm, CaseloadLinksForm

CLUSTERS_PER_PAGE = 20


def caseload_links(request: AuthedRequest) -> HttpResponse:
    """Linked cases for a caseload (mine, or a team member's for their manager) or one child."""
    viewer = request.user
    if not scopes.sees_case_records(viewer):
        raise Http404("Not found")
    form = CaseloadLinksForm(request.GET or None, viewer=viewer)
    window = form.window_days()
    person = holder = None
    if "person" in request.GET:
        person = lookups.access_person(viewer, request.GET["person"])
        focus = [person]
        exclude = selectors.holder_ids(person)
    else:
        holder = selectors.caseload_holder(viewer, request.GET.get("worker"))
        focus = selectors.caseload_seen_by(viewer, holder)
        exclude = [holder.pk]
    result = selectors.linked_cases(
        viewer=viewer, focus=focus, exclude_holders=exclude, window_days=window
    )
    record_access(
        actor=viewer,
        record_type="linked.case",
        action=AccessAction.SEARCH,
        detail={
            "window_days": window,
            "person": person.pk if person else None,
            "caseload_of": holder.pk if holder else None,
            "children": [p.pk for p in focus],  # the caseload's children, named on the page
            "named": sorted(c.other_id for c in result.links if c.other is not None),
            "unnamed": sum(1 for c in result.links if c.other is None),
        },
    )
    return render(
        request,
        "linked/caseload.html",
        {
            "form": form,
            "result": result,
            "person": person,
            "holder": holder,
            "can_see_borough": policies.can_view_borough_links(viewer),
        },
    )


def borough_links(request: AuthedRequest) -> HttpResponse:
    """Borough-wide clusters of linked cases, for managers, analysts and administrators."""
    viewer = request.user
    if not policies.can_view_borough_links(viewer):
        raise Http404("Not found")
    form = BoroughLinksForm(request.GET or None)
    # Worked out ahead, unnamed, by a background task; the viewer's need to know is applied
    # here, on the page shown (fill_members), as on every other page.
    shown = clusters.borough_page(
        window_days=form.window_days(),
        across_agencies=form.flag("across_agencies"),
        closer_only=form.flag("closer_only"),
    )
    result = shown.clusters
    page, paging = paginate(request, result.clusters if result else [], per_page=CLUSTERS_PER_PAGE)
    selectors.fill_members(viewer, list(page.object_list))
    record_access(
        actor=viewer,
        record_type="linked.cluster",
        action=AccessAction.SEARCH,
        detail={
            "window_days": form.window_days(),
            "page": page.number,
            "named": sorted(
                m.person_id for c in page.object_list for m in c.members if m.person is not None
            ),
        },
    )
    return render(
        request,
        "linked/borough.html",
        {
            "form": form,
            "result": result,
            "shown": shown,
            "refresh_url": request.get_full_path(),
            "page": page,
            "split_above": selectors.SPLIT_ABOVE,
            **paging,
        },
    )
