from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from locus.access import policies
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.errors import ValidationFailed
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.incidents.forms import (
    IncidentAmendForm,
    IncidentFilterForm,
    IncidentRecordForm,
    InvolvementAddForm,
    InvolvementRemoveForm,
    rows_asked,
)
from locus.incidents.models import Incident
from locus.incidents.selectors import (
    InvolvementView,
    incident_for,
    incident_history,
    incidents_for,
    involvement_of,
    involvement_views,
    place_choices,
    shown_incidents,
    withhold_place,
)
from locus.incidents.services import (
    incident_amend,
    incident_record,
    involvement_add,
    involvement_remove,
)
from locus.people.picker import Picker
from locus.places.models import Context


def audited_with_incidents(
    viewer: Worker,
    obj: Context,
    incidents: list[Incident],
    named: set[int],
    shown: dict[str, list[int]] | None = None,
) -> dict[int, list[InvolvementView]]:
    """Audit a place's or group's page that names ``named``, lists ``incidents`` and shows
    the other records ``shown`` names (by id, under keys ending ``_shown``).

    The incidents are named by id, and the people they name on the page join the audit.
    """
    involvements = involvement_views(viewer=viewer, incidents=incidents)
    named = named | set(shown_incidents(involvements)["people_shown"])
    detail = {**(shown or {}), "incidents_shown": list(involvements), "people_shown": sorted(named)}
    record_access(actor=viewer, obj=obj, detail=detail)
    return involvements


# Each row names everyone involved, several lines tall: 25 keep a page a few screens long.
INCIDENTS_PER_PAGE = 25


def incidents_list(request: AuthedRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    page, paging = paginate(
        request, incidents_for(viewer=request.user, **form.filters()), INCIDENTS_PER_PAGE
    )
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
        {
            "form": form,
            "page": page,
            "involvements": involvements,
            "can_record": policies.can_record_incident(request.user),
            **paging,
        },
    )


def incident_page(request: AuthedRequest, incident_id: int) -> HttpResponse:
    incident = incident_for(viewer=request.user, incident_id=incident_id)
    involvements = involvement_views(viewer=request.user, incidents=[incident])
    history = incident_history(viewer=request.user, incident=incident)
    people = sorted(
        set(shown_incidents(involvements)["people_shown"]) | set(history.people_shown())
    )
    # The people it names, the involvements it lists, and its history's records.
    shown = {
        "people_shown": people,
        "involvements_shown": [v.pk for v in involvements[incident.pk]],
        **history.shown(),
    }
    record_access(actor=request.user, obj=incident, detail=shown)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "involvements": involvements[incident.pk],
            "history": history,
            "can_edit": policies.can_edit_incident(request.user, incident),
        },
    )


def _form_page(
    request: AuthedRequest,
    form: Callable[[Any], GovukForm],
    write: Callable[[Any], Incident],
    *,
    read: Callable[[], object],
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show a form (``read`` audits the showing), or take it: call ``write`` and go to the
    incident's page, or show the service's refusal on the fields."""
    if request.method == "POST":
        bound = form(request.POST)
        if bound.is_valid():
            try:
                incident = write(bound)
            except ValidationFailed as error:
                show = getattr(bound, "show_refusal", bound.add_domain_errors)
                show(error)
            else:
                messages.success(request, done)
                return redirect("incident", incident_id=incident.pk)
    else:
        read()
        bound = form(None)
    return render(request, template, {"form": bound, **context})


def _picker(request: AuthedRequest, prefixes: list[str], start: dict[str, str]) -> Picker:
    """The form's person pickers, from what was posted (or ``start`` on a first showing)."""
    return Picker(request.user, request.POST if request.method == "POST" else start, prefixes)


def _not_saving(request: AuthedRequest, picker: Picker) -> bool:
    """A post that adds a row or finds a person: the answers are kept, not judged nor saved."""
    return picker.searching or (request.method == "POST" and "add_row" in request.POST)


def incident_new(request: AuthedRequest) -> HttpResponse:
    """Record an incident: where and when, its kind and provenance, and who was involved."""
    viewer = request.user
    permitted(policies.can_record_incident, viewer)
    rows = rows_asked(request.POST)
    person = request.GET.get("person", "")
    start = {"person_1": person} if person.isdigit() else {}
    picker = _picker(request, [f"person_{i}" for i in range(1, rows + 1)], start)

    def form(data: Any) -> IncidentRecordForm:
        initial: dict[str, Any] = dict(start)
        if _not_saving(request, picker):
            data, initial = None, request.POST.dict()
        return IncidentRecordForm(
            data,
            initial=initial,
            rows=rows,
            places=place_choices(viewer=viewer),
            may_restrict=policies.can_restrict_incident(viewer),
            picker=picker,
        )

    def write(f: IncidentRecordForm) -> Incident:
        return incident_record(actor=viewer, involvements=f.involvements(), **f.incident_values())

    response = _form_page(
        request,
        form,
        write,
        read=lambda: record_access(
            actor=viewer, record_type="incidents.incident", detail={"page": "incident-new"}
        ),
        done="Incident recorded",
        template="incidents/record.html",
        context={"heading": "Record an incident", "button": "Record the incident"},
    )
    if response.status_code == 200:
        picker.audit("incident-new")
    return response


def _editable(request: AuthedRequest, incident_id: int) -> Incident:
    """An incident the worker sees and may change (else 404, as for one they cannot see)."""
    incident = incident_for(viewer=request.user, incident_id=incident_id)
    permitted(policies.can_edit_incident, request.user, incident)
    return incident


def _titled(incident: Incident, heading: str, button: str) -> dict[str, Any]:
    return {"incident": incident, "heading": heading, "button": button}


def _page_read(request: AuthedRequest, incident: Incident, page: str) -> Callable[[], object]:
    return lambda: record_access(actor=request.user, obj=incident, detail={"page": page})


def incident_amend_page(request: AuthedRequest, incident_id: int) -> HttpResponse:
    """Amend an incident: a reason, and the version before kept as its history.

    At a home the worker may not see, the page says it was a home (never which) where the
    place would be chosen, and the place stays as it is."""
    viewer = request.user
    incident = _editable(request, incident_id)
    withheld = withhold_place(viewer=viewer, incident=incident)
    at = timezone.localtime(incident.occurred_at)
    initial = {
        "context": str(incident.context_id or ""),
        "occurred_on": at.date(),
        "occurred_time": at.time(),
        **{f: getattr(incident, f) for f in ("kind", "summary", "source", "confidence")},
        "restricted": incident.restricted,
    }
    return _form_page(
        request,
        lambda data: IncidentAmendForm(
            data,
            initial=initial,
            places=place_choices(viewer=viewer),
            may_restrict=policies.restricts_intelligence(incident.reporting_agency),
            place_withheld=withheld,
        ),
        lambda f: incident_amend(
            actor=viewer, incident=incident, reason=f.cleaned_data["reason"], **f.incident_values()
        ),
        read=_page_read(request, incident, "incident-amend"),
        done="Incident amended",
        template="incidents/amend.html",
        context=_titled(incident, "Amend the incident", "Save the amendment"),
    )


def involvement_add_page(request: AuthedRequest, incident_id: int) -> HttpResponse:
    """Name one more person in an incident, found by name, with their role and why now."""
    viewer = request.user
    incident = _editable(request, incident_id)
    picker = _picker(request, ["person"], {})

    def form(data: Any) -> InvolvementAddForm:
        initial = request.POST.dict() if _not_saving(request, picker) else {}
        return InvolvementAddForm(None if initial else data, initial=initial, picker=picker)

    def write(f: InvolvementAddForm) -> Incident:
        person = f.person()
        assert person is not None  # the radios offered only whom the worker may name
        involvement_add(
            actor=viewer,
            incident=incident,
            person=person,
            role=f.cleaned_data["role"],
            reason=f.cleaned_data["reason"],
        )
        return incident

    response = _form_page(
        request,
        form,
        write,
        read=_page_read(request, incident, "involvement-add"),
        done="Person added to the incident",
        template="incidents/involvement.html",
        context=_titled(incident, "Add a person to the incident", "Add them"),
    )
    if response.status_code == 200:
        picker.audit("involvement-add")
    return response


def involvement_remove_page(
    request: AuthedRequest, incident_id: int, involvement_id: int
) -> HttpResponse:
    """Take a person out of an incident, with a reason; they stay in its history."""
    viewer = request.user
    incident = _editable(request, incident_id)
    involvement = involvement_of(incident=incident, involvement_id=involvement_id)
    view = involvement_views(viewer=viewer, incidents=[incident])[incident.pk]
    shown = next(v for v in view if v.pk == involvement.pk)

    def write(f: InvolvementRemoveForm) -> Incident:
        involvement_remove(actor=viewer, involvement=involvement, reason=f.cleaned_data["reason"])
        return incident

    return _form_page(
        request,
        InvolvementRemoveForm,
        write,
        read=lambda: record_access(
            actor=viewer,
            obj=incident,
            detail={
                "page": "involvement-remove",
                "people_shown": [shown.person_id] if shown.name else [],
            },
        ),
        done="Person removed from the incident",
        template="incidents/involvement.html",
        context={
            **_titled(incident, "Remove a person from the incident", "Remove them"),
            "shown": shown,
            "warning": True,
        },
    )
