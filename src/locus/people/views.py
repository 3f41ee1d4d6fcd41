from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from locus.access import lookups, policies
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.people import selectors
from locus.people.forms import PeopleFilterForm


def people_list(request: AuthedRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    filters = form.to_filter()
    page, paging = paginate(request, selectors.people_list(viewer=request.user, filters=filters))
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
        {"d": detail, "person": person, "can_edit": policies.can_edit_person(request.user, person)},
    )
