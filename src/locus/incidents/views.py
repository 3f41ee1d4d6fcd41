from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from locus.access import policies
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.incidents.forms import IncidentFilterForm
from locus.incidents.models import Incident
from locus.incidents.selectors import (
    InvolvementView,
    incident_for,
    incidents_for,
    involvement_views,
    shown_incidents,
)
from locus.places.models import Context


def audited_with_incidents(
    viewer: Worker, obj: Context, incidents: list[Incident], named: set[int]
) -> dict[int, list[InvolvementView]]:
    """Audit a place's or group's page that names ``named`` and lists ``incidents``.

    The people the incidents name on the page are shown too, so they join the audit.
    """
    involvements = involvement_views(viewer=viewer, incidents=incidents)
    named = named | set(shown_incidents(involvements)["people_shown"])
    record_access(actor=viewer, obj=obj, detail={"people_shown": sorted(named)})
    return involvements


def incidents_list(request: AuthedRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    page, paging = paginate(request, incidents_for(viewer=request.user, **form.filters()))
    involvements = involvement_views(viewer=request.user, incidents=list(page))
    record_access(
        actor=request.user,
        record_type="incidents.incident",
        action=AccessAction.SEARCH,
        detail=shown_incidents(involvements),
    )
    return render(
        request,
        "incidents/list.html",
        {"form": form, "page": page, "involvements": involvements, **paging},
    )


def incident_page(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = incident_for(viewer=request.user, incident_id=incident_id)
    involvements = involvement_views(viewer=request.user, incidents=[incident])
    people = shown_incidents(involvements)["people_shown"]
    record_access(actor=request.user, obj=incident, detail={"people_shown": people})
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "involvements": involvements[incident.pk],
            "can_edit": policies.can_edit_incident(request.user, incident),
        },
    )
