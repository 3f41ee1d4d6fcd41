"""A person's challenges to their record: the page that lists them with the person's own words,
and the pages that record and decide them. Each finds the person through ``access`` first (404
for a person the viewer may not see), and logs what it showed."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups
from locus.access import rectification as rules
from locus.audit.services import record_access
from locus.common import clock
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_page, posted, submitted
from locus.common.services import permitted
from locus.people.models import Person
from locus.rectification import selectors, services
from locus.rectification.forms import (
    DisputeDecisionForm,
    DisputeForm,
    ObjectionDecisionForm,
    ObjectionForm,
)
from locus.rectification.models import Dispute, Objection


def accuracy_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    found = selectors.challenges_for(person)

    def decidable(items: list[Dispute] | list[Objection]) -> set[int]:
        return {x.pk for x in items if rules.can_decide_challenge(viewer, x)}

    record_access(
        actor=viewer,
        obj=person,
        detail={
            "page": "accuracy",
            "disputes_shown": [d.pk for d in found.disputes],
            "objections_shown": [o.pk for o in found.objections],
        },
    )
    return render(
        request,
        "rectification/person.html",
        {
            "person": person,
            "found": found,
            "can_record": rules.can_record_challenge(viewer, person),
            "decide_disputes": decidable(found.disputes),
            "decide_objections": decidable(found.objections),
        },
    )


def _form_page(
    request: AuthedRequest,
    form: GovukForm,
    *,
    person: Person,
    heading: str,
    button: str,
    item: Dispute | Objection | None = None,
    **context: Any,
) -> HttpResponse:
    shown = {"dispute" if isinstance(item, Dispute) else "objection": item.pk} if item else {}
    return logged_form_page(
        request,
        "rectification/form.html",
        form,
        about=person,
        shown=shown,
        heading=heading,
        button=button,
        person=person,
        item=item,
        **context,
    )


def _back(person: Person) -> HttpResponse:
    return redirect("accuracy", person_id=person.pk)


def dispute_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    permitted(rules.can_record_challenge, viewer, person)
    items = selectors.dispute_items(viewer=viewer, person=person)
    form = DisputeForm(posted(request), items=items, initial={"received_on": clock.today()})

    def run() -> None:
        data = form.cleaned_data
        about, item = selectors.item_for(data["about"])
        services.dispute_record(
            actor=viewer,
            person=person,
            about=about,
            item=item,  # type: ignore[arg-type]
            account=data["account"],
            received_how=data["received_how"],
            received_on=data["received_on"],
        )

    if submitted(request, form, run, "Dispute recorded: it shows with the record"):
        return _back(person)
    return _form_page(
        request, form, person=person, heading="Record a dispute of accuracy", button="Record it"
    )


def dispute_decide(request: AuthedRequest, person_id: int, dispute_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    dispute = rules.access_dispute(viewer, person, dispute_id)
    permitted(rules.can_decide_challenge, viewer, dispute)
    form = DisputeDecisionForm(posted(request))

    def run() -> None:
        services.dispute_decide(actor=viewer, dispute=dispute, **form.cleaned_data)

    if submitted(request, form, run, "Decision recorded"):
        return _back(person)
    return _form_page(
        request, form, person=person, heading="Decide the dispute", button="Decide", item=dispute
    )


def objection_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    permitted(rules.can_record_challenge, viewer, person)
    form = ObjectionForm(posted(request), initial={"received_on": clock.today()})

    def run() -> None:
        services.objection_record(actor=viewer, person=person, **form.cleaned_data)

    if submitted(request, form, run, "Objection recorded: a manager decides it"):
        return _back(person)
    return _form_page(
        request, form, person=person, heading="Record an objection", button="Record it"
    )


def objection_decide(request: AuthedRequest, person_id: int, objection_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    objection = rules.access_objection(viewer, person, objection_id)
    permitted(rules.can_decide_challenge, viewer, objection)
    form = ObjectionDecisionForm(posted(request))

    def run() -> None:
        services.objection_decide(actor=viewer, objection=objection, **form.cleaned_data)

    if submitted(request, form, run, "Decision recorded"):
        return _back(person)
    return _form_page(
        request,
        form,
        person=person,
        heading="Decide the objection",
        button="Decide",
        item=objection,
    )
