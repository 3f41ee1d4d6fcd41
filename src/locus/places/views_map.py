"""The borough map of places (docs/borough-map.md): the page with its filters and tables,
and the borough's shapes as JSON for the page's script."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.places import selectors_hotspots, selectors_map
from locus.web.middleware import CSP

# The places table, a page at a time: the map above it draws them all.
PLACES_PER_PAGE = 20


def borough_map(request: AuthedRequest) -> HttpResponse:
    filters = selectors_map.MapFilters.from_query(request.GET)
    data = selectors_map.borough_map(viewer=request.user, filters=filters)
    page, paging = paginate(request, data.places, PLACES_PER_PAGE)
    # The day's hotspots: places and times only, the same for everybody (docs/hotspots.md).
    hotspots = selectors_hotspots.borough_hotspots()
    # The places' names say where things happened (a home's name is a family's address):
    # the read is logged with the filters and the places shown. The map's data names every
    # place drawn, whichever page of the table is shown, so all of them are logged.
    record_access(
        actor=request.user,
        record_type="places.context",
        action=AccessAction.SEARCH,
        detail={
            "page": "map",
            **filters.as_detail(),
            "shown": [str(i) for i in data.shown_ids],
            "table_page": page.number,
            "hotspots": [h.key for h in hotspots],
        },
    )
    response = render(
        request,
        "places/map.html",
        {
            "m": data,
            "page": page,
            **paging,
            "layers": {**data.layers(), "hotspots": _hotspot_layer(hotspots)},
            "hotspots": hotspots,
            "hotspot_weeks": selectors_hotspots.WEEKS,
            "windows": [(key, words) for key, (words, _) in selectors_map.WINDOWS.items()],
            "kinds": IncidentKind.choices,
            "roles": InvolvementRole.choices,
            "tile_attribution": settings.LOCUS_TILE_ATTRIBUTION if settings.LOCUS_TILE_URL else "",
        },
    )
    if settings.LOCUS_TILE_URL:
        # Background tiles come from the tile server's origin: its images, and only those.
        # A "{s}" subdomain template becomes CSP's "*." wildcard.
        parts = urlsplit(settings.LOCUS_TILE_URL)
        origin = f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
        response["Content-Security-Policy"] = CSP.replace(
            "img-src 'self'", f"img-src 'self' {origin}"
        )
    return response


def borough_shapes(request: AuthedRequest) -> HttpResponse:
    """The outline and sectors (no person, no place): the same for every viewer, refused
    as the page is to one who may not open it."""
    selectors_map.check_may_see_map(request.user)
    return HttpResponse(selectors_map.borough().geojson, content_type="application/json")


def _hotspot_layer(hotspots: list[selectors_hotspots.Hotspot]) -> list[dict[str, object]]:
    """Each hotspot as a ring round its centre, about as wide as its squares and their
    neighbours (the area its count was taken over), with its words for the popup and the
    place it is near, which names the ring for the keyboard."""
    return [
        {
            "at": [round(h.latitude, 5), round(h.longitude, 5)],
            "radius": round(selectors_hotspots.CELL_M * (1 + 0.5 * len(h.cells) ** 0.5)),
            "label": h.class_label,
            "anchor": h.anchor_name,
            "words": h.words,
            "url": reverse("hotspot", args=[h.key]),
        }
        for h in hotspots
    ]
