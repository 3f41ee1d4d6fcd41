"""A person's challenges to their record: the page that lists them with the person's own words,
and the pages that record and decide them. Each finds the person through ``access`` first (404
for a person the viewer may not see), and logs what it showed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpResponse
from django.shortcuts import render

from locus.access import lookups
from locus.access import rectification as rules
from locus.access.models import Worker
from locus.audit.services import record_access
from locus.common import clock
from locus.common.forms import GovukForm, ListSearch
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_step, posted
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

# A dispute or an objection: what a decision page finds, decides and shows.
_C = TypeVar("_C", Dispute, Objection)


def accuracy_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    found = selectors.challenges_for(viewer, person)
    # Which the viewer may decide, and why a manager is not offered their own work.
    decide_disputes, own_disputes = rules.decisions_offered(viewer, person, found.disputes)
    decide_objections, own_objections = rules.decisions_offered(viewer, person, found.objections)

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
            "decide_disputes": decide_disputes,
            "decide_objections": decide_objections,
            "own_disputes": own_disputes,
            "own_objections": own_objections,
        },
    )


def _challenge_page(
    request: AuthedRequest,
    form: GovukForm,
    run: Callable[[], object],
    *,
    person: Person,
    done: str,
    heading: str,
    button: str,
    item: Dispute | Objection | None = None,
    offered: dict[str, list[int] | list[str]] | None = None,
) -> HttpResponse:
    """Every form page of a challenge: run the service for a valid post and go back to the
    person's challenges; otherwise draw the form, the read logged (with the challenge it
    decides, whose account it shows, or the ids of what its choices name: ``offered``)."""
    shown: dict[str, object] = {**(offered or {})}
    if item is not None:
        shown["dispute" if isinstance(item, Dispute) else "objection"] = item.pk
    return logged_form_step(
        request,
        person,
        form,
        run,
        done,
        after="accuracy",
        template="rectification/form.html",
        shown=shown,
        heading=heading,
        button=button,
        item=item,
    )


def _recording(request: AuthedRequest, person_id: int) -> Person:
    """The person whose challenge the viewer records (404 if not theirs to record)."""
    return lookups.access_person_to_record(request.user, person_id, rule=rules.can_record_challenge)


def dispute_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    person = _recording(request, person_id)
    every = selectors.dispute_items(viewer=viewer, person=person)
    search = ListSearch(posted(request), "about", "items of the record")
    items = every.only(search.among(every.choices, label=lambda c: c[1], key=lambda c: c[0]))
    form = DisputeForm(
        posted(request),
        items=items.choices,
        search=search,
        initial={"received_on": clock.today()},
    )

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

    return _challenge_page(
        request,
        form,
        run,
        person=person,
        done="Dispute recorded: it shows with the record",
        heading="Record a dispute of accuracy",
        button="Record it",
        offered={**items.shown, **search.logged},
    )


def objection_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _recording(request, person_id)
    form = ObjectionForm(posted(request), initial={"received_on": clock.today()})

    def run() -> None:
        services.objection_record(actor=request.user, person=person, **form.cleaned_data)

    return _challenge_page(
        request,
        form,
        run,
        person=person,
        done="Objection recorded: a manager decides it",
        heading="Record an objection",
        button="Record it",
    )


def _decide_page(
    request: AuthedRequest,
    person_id: int,
    item_id: int,
    *,
    find: Callable[[Worker, Person, object], _C],
    form_class: type[GovukForm],
    decide: Callable[[Worker, _C, dict[str, Any]], object],
    heading: str,
) -> HttpResponse:
    """Decide one of the person's open challenges: a manager other than its recorder (404
    for anyone else), once."""
    viewer = request.user
    person = lookups.access_person(viewer, person_id)
    item = find(viewer, person, item_id)
    permitted(rules.can_decide_challenge, viewer, item)
    form = form_class(posted(request))
    return _challenge_page(
        request,
        form,
        lambda: decide(viewer, item, form.cleaned_data),
        person=person,
        done="Decision recorded",
        heading=heading,
        button="Decide",
        item=item,
    )


def dispute_decide(request: AuthedRequest, person_id: int, dispute_id: int) -> HttpResponse:
    return _decide_page(
        request,
        person_id,
        dispute_id,
        find=rules.access_dispute,
        form_class=DisputeDecisionForm,
        decide=lambda actor, d, data: services.dispute_decide(actor=actor, dispute=d, **data),
        heading="Decide the dispute",
    )


def objection_decide(request: AuthedRequest, person_id: int, objection_id: int) -> HttpResponse:
    return _decide_page(
        request,
        person_id,
        objection_id,
        find=rules.access_objection,
        form_class=ObjectionDecisionForm,
        decide=lambda actor, o, data: services.objection_decide(actor=actor, objection=o, **data),
        heading="Decide the objection",
    )
