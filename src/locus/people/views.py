from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups, policies
from locus.access.fields import fields_visible_to
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.selectors import context_plans_for_person
from locus.cocase.selectors import interventions_for_person
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.moves.selectors import moves_for
from locus.panels.selectors import panel_items_for_person
from locus.people import selectors
from locus.people.forms import PeopleFilterForm, PersonDetailsForm
from locus.people.services import person_update
from locus.profiles.selectors import profile_for


def people_list(request: AuthedRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    page, paging = paginate(request, selectors.people_list(viewer=request.user, filters=filters))
    page.object_list = selectors.with_fields(request.user, page.object_list, seen=True)
    if form.is_bound:
        record_access(
            actor=request.user,
            record_type="people.person",
            action=AccessAction.SEARCH,
            detail={k: v for k, v in request.GET.items() if k != "page" and v},
        )
    return render(request, "people/list.html", {"form": form, "page": page, **paging})


def person_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    record_access(actor=request.user, obj=person)
    detail = selectors.person_detail(viewer=request.user, person=person)
    return render(
        request,
        "people/detail.html",
        {
            "d": detail,
            "person": person,
            "detail_rows": selectors.DETAIL_ROWS,
            "can_edit": policies.can_edit_person(request.user, person),
            "interventions": interventions_for_person(request.user, person),
            "context_plans": context_plans_for_person(request.user, person),
            "profile": profile_for(request.user, person),
            "moves": moves_for(request.user, person),
            "panel_items": panel_items_for_person(request.user, person),
        },
    )


def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Change a person's details: the case holder, their manager or an administrator."""
    person = lookups.access_person(request.user, person_id)
    permitted(policies.can_edit_person, request.user, person)
    shown = fields_visible_to(request.user, person)
    if request.method == "POST":
        form = PersonDetailsForm(request.POST, shown=shown)
        if form.is_valid():
            try:
                person_update(actor=request.user, person=person, **form.cleaned_data)
            except ValidationFailed as error:
                form.add_domain_errors(error)
            else:
                messages.success(request, "Details saved")
                return redirect("person", person_id=person.pk)
    else:
        record_access(actor=request.user, obj=person, detail={"page": "edit"})
        form = PersonDetailsForm.for_person(person, shown)
    return render(request, "people/edit.html", {"person": person, "form": form})
