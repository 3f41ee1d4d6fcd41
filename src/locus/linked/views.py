from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from locus.access import lookups, policies, scopes
from locus.access import meetings as access_meetings
from locus.access.break_glass import may_break_glass
from locus.analysis.triage import TIER_WORDS
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pages import submitted
from locus.common.pagination import paginate
from locus.linked import clusters, selectors
from locus.linked.forms import BoroughLinksForm, CaseloadLinksForm, LinkReviewForm
from locus.linked.services import link_review_record
from locus.web.refs import person_in

# A cluster is a heading, a few lines and a closed list: 10 keep the page a few screens long.
CLUSTERS_PER_PAGE = 10


LINKS_PER_PAGE = 10
REVIEWED_INLINE = 10  # reviewed links listed at the foot of the page; the rest on their own
SHOWN = selectors.PARTS


def caseload_links(request: AuthedRequest) -> HttpResponse:
    """Linked cases for a caseload (mine, or a team member's for their manager) or one child:
    strong evidence first and paged, weaker evidence summarised by holding team (its own pages
    on request), and the links the team has reviewed at the foot."""
    viewer = request.user
    if not scopes.sees_case_records(viewer):
        raise Http404("Not found")
    form = CaseloadLinksForm(request.GET or None, viewer=viewer)
    window = form.window_days()
    person = holder = None
    if "person" in request.GET:
        person = lookups.access_person(viewer, request.GET["person"])
    else:
        holder = selectors.caseload_holder(viewer, request.GET.get("worker"))
    result = selectors.links_for(viewer, child=person, holder=holder, window_days=window)
    show = request.GET.get("show")
    show = show if show in SHOWN else "strong"
    page, paging = paginate(request, getattr(result, show), per_page=LINKS_PER_PAGE)
    reviewed = result.reviewed[:REVIEWED_INLINE] if show == "strong" else []
    on_page = [*page.object_list, *reviewed]
    # Worded and named: only the links shown (and the weaker ones' summary by team).
    selectors.fill_cases(result, on_page, summary=show == "strong")
    record_access(
        actor=viewer,
        record_type="linked.case",
        action=AccessAction.SEARCH,
        detail={
            "window_days": window,
            "person": person.pk if person else None,
            "caseload_of": holder.pk if holder else None,
            "children": [p.pk for p in result.focus],  # the caseload's children, named on the page
            "shown": show,
            "page": page.number,
            "named": sorted({c.other_id for c in on_page if c.other is not None}),
            "unnamed": sum(1 for c in on_page if c.other is None),
            "associates": sorted({p.pk for c in on_page for p in c.evidence.associates}),
            # Summarised by holding team: counted, never named.
            "summarised": len(result.weak) if show == "strong" else 0,
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
            "show": show,
            "page": page,
            "reviewed_inline": reviewed,
            "tiers": TIER_WORDS,
            "can_review": holder is not None and policies.can_review_links_of(viewer, holder),
            "can_see_borough": policies.can_view_borough_links(viewer),
            # Offered once a page, each child it does not name once, not on every row.
            "hidden": _hidden_children(on_page) if may_break_glass(viewer) else [],
            **paging,
        },
    )


def _hidden_children(cases: Sequence[selectors.LinkedCase]) -> list[selectors.LinkedCase]:
    """The first of ``cases`` for each other child the page does not name, in page order."""
    first: dict[int, selectors.LinkedCase] = {}
    for c in cases:
        if c.other is None:
            first.setdefault(c.other_id, c)
    return list(first.values())


def link_review(request: AuthedRequest) -> HttpResponse:
    """Mark one link from a caseload reviewed, for the caseload's team. Only a link the viewer
    sees on that caseload's page now: any other pair answers 404."""
    viewer = request.user
    params = request.POST if request.method == "POST" else request.GET
    holder = selectors.caseload_holder(viewer, params.get("worker"))
    window = CaseloadLinksForm(params, viewer=viewer).window_days()
    # The other child comes by id, or (one the page does not name) by this session's
    # reference to her: the linked cases page does not publish a hidden child's id.
    other = person_in(request, params.get("other"))
    case = selectors.link_to_review(viewer, holder, params.get("child"), other, window)
    form = LinkReviewForm(request.POST or None)
    back = f"{reverse('linked')}?{urlencode({'worker': holder.pk, 'window': window})}"

    def record() -> None:
        link_review_record(actor=viewer, holder=holder, case=case, **form.cleaned_data)

    if submitted(request, form, record, "Link marked reviewed"):
        return redirect(back)
    record_access(
        actor=viewer,
        record_type="linked.case",
        action=AccessAction.VIEW,
        detail={
            "review": True,
            "child": case.child.pk,
            "named": [case.other_id] if case.other is not None else [],
            "unnamed": int(case.other is None),
        },
    )
    return render(
        request,
        "linked/review.html",
        {"form": form, "case": case, "holder": holder, "window": window, "back": back},
    )


def borough_links(request: AuthedRequest) -> HttpResponse:
    """Borough-wide clusters of linked cases, for managers, analysts and administrators."""
    viewer = request.user
    if not policies.can_view_borough_links(viewer):
        raise Http404("Not found")
    form = BoroughLinksForm(request.GET or None)
    # Worked out ahead, unnamed, by a background task; the viewer's need to know is applied
    # here, on the page shown (fill_members), as on every other page.
    with_weaker = form.flag("with_weaker")
    shown = clusters.borough_page(
        window_days=form.window_days(),
        across_agencies=form.flag("across_agencies"),
        with_weaker=with_weaker,
    )
    result = shown.clusters
    page, paging = paginate(request, result.clusters if result else [], per_page=CLUSTERS_PER_PAGE)
    on_page = list(page.object_list)
    selectors.fill_members(viewer, on_page)
    record_access(
        actor=viewer,
        record_type="linked.cluster",
        action=AccessAction.SEARCH,
        detail={
            "window_days": form.window_days(),
            "page": page.number,
            # Under the key every page uses, for the trail's search by person and a subject
            # access package's "who opened your record".
            "people_shown": sorted(
                m.person_id for c in on_page for m in c.members if m.person is not None
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
            "with_weaker": with_weaker,
            "shared_network": _shared_network(on_page),
            "can_propose": access_meetings.can_propose_meeting(viewer),
            **paging,
        },
    )


def _shared_network(shown: Sequence[selectors.Cluster]) -> int | None:
    """The wider network's size when every cluster on the page is part of one that size
    (said once, above them, not in each)."""
    sizes = {c.part_of for c in shown}
    return sizes.pop() if len(sizes) == 1 else None
