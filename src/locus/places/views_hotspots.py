"""The borough's hotspots: a list with each one's class and words, and a page for each with
its weekly counts (a chart and its table), the places in it and the incidents there that the
viewer may see. What counts, and why a hotspot tells nobody what they could not see already,
is in ``places.selectors_hotspots``."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.incidents.models import Incident
from locus.incidents.selectors import involvement_views, shown_incidents
from locus.places import selectors_hotspots as selectors

# The chart's drawing box, in SVG units (it scales to the page's width).
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 480, 160, 12
# A row names each child involved: 20 keep a busy hotspot's page a few screens long.
INCIDENTS_PER_PAGE = 20


def hotspots_list(request: AuthedRequest) -> HttpResponse:
    found = selectors.hotspots_for(viewer=request.user)
    record_access(
        actor=request.user,
        record_type="places.hotspot",
        action=AccessAction.SEARCH,
        detail={"shown": [h.key for h in found]},
    )
    return render(
        request,
        "places/hotspots.html",
        {"hotspots": found, "weeks": selectors.WEEKS, "meanings": selectors.MEANINGS},
    )


def hotspot_page(request: AuthedRequest, key: str) -> HttpResponse:
    detail = selectors.hotspot_detail(viewer=request.user, key=key)
    page, paging = paginate(request, detail.incidents, INCIDENTS_PER_PAGE)
    rows = list(page)
    involvements = involvement_views(viewer=request.user, incidents=rows)
    shown = shown_incidents(involvements)
    record_access(
        actor=request.user,
        record_type="places.hotspot",
        detail={"hotspot": key, "places_shown": [str(p.pk) for p in detail.places], **shown},
        people=shown["people_shown"],
    )
    return render(
        request,
        "places/hotspot.html",
        {
            "d": detail,
            "h": detail.hotspot,
            "page": page,
            "rows": rows,
            "one_place": _one_place(rows),
            "involvements": involvements,
            "bars": _bars(detail.hotspot.weekly),
            "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT + CHART_TOP + 20},
            **paging,
        },
    )


def _one_place(rows: list[Incident]) -> Incident | None:
    """An incident standing for the page's place when every row is at the same one (the
    table then says it once, above, not on each row)."""
    places = {(i.context_id, getattr(i, "place_withheld", False)) for i in rows}
    return rows[0] if len(places) == 1 else None


def _bars(weekly: tuple[int, ...]) -> list[dict[str, float]]:
    """One bar a week for the chart: position and height in the drawing box."""
    top = max(max(weekly, default=0), 1)
    slot = CHART_WIDTH / max(len(weekly), 1)
    bars = []
    for i, count in enumerate(weekly):
        height = CHART_HEIGHT * count / top
        bars.append(
            {
                "x": round(i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(CHART_TOP + CHART_HEIGHT - height, 1),
                "height": round(height, 1),
                "label_x": round(i * slot + slot / 2, 1),
                "count": count,
                "week": i + 1,
            }
        )
    return bars
