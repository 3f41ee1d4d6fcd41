"""Recording a young person or an adult of concern (with the duplicate check), and a
person's address. Who may is ``access.recording``; the rules are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups, recording
from locus.audit.services import record_access
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import posted, submitted
from locus.common.services import permitted
from locus.people import duplicates
from locus.people.forms_record import AddressForm, PersonRecordForm
from locus.people.models import PersonKind
from locus.people.services import (
    PossibleDuplicate,
    address_record,
    duplicate_query_send,
    person_record,
)

# The page for each kind of person, by the slug in its address.
KINDS = {"young-person": PersonKind.YOUNG_PERSON, "adult": PersonKind.ADULT_OF_CONCERN}
HEADINGS = {
    PersonKind.YOUNG_PERSON: "Record a young person",
    PersonKind.ADULT_OF_CONCERN: "Record an adult of concern",
}
DUPLICATE_QUERY_SENT = (
    "Your request has been sent to the data team. The person has not been recorded: "
    "someone other than you who may see the other record will check it and contact you "
    "(nobody answers their own request). You may record them once it is answered "
    '"a different child".'
)


def person_new(request: AuthedRequest, kind: str) -> HttpResponse:
    """Record a person; on a possible duplicate, the same form again with what was found."""
    if kind not in KINDS:
        raise Http404("no such kind of person")
    permitted(recording.can_record_person, request.user)
    form = PersonRecordForm(posted(request), holders=list(recording.holders_for(request.user)))
    check = None
    if request.method == "POST" and form.is_valid():
        details = {**form.details(), "kind": KINDS[kind]}
        try:
            if "ask" in request.POST:
                duplicate_query_send(actor=request.user, note=form.cleaned_data["note"], **details)
                messages.success(request, DUPLICATE_QUERY_SENT)
                return redirect("people")
            person = person_record(
                actor=request.user,
                holder=form.chosen_holder(),
                different_reason=form.cleaned_data["different_reason"],
                address=form.cleaned_data["address"],
                postcode=form.cleaned_data["postcode"],
                **details,
            )
        except PossibleDuplicate as found:
            check = found.check
            # The refusal rolled back its transaction: the check is logged here.
            duplicates.log_check(
                actor=request.user,
                sought=found.sought,
                check=check,
                outcome=duplicates.NOT_RECORDED,
            )
            form.add_domain_errors(found)
        except ValidationFailed as error:
            form.add_domain_errors(error)
        else:
            messages.success(request, "Person recorded and allocated")
            return redirect("person", person_id=person.pk)
    shown = [p.pk for p in check.shown] if check else []
    record_access(
        actor=request.user,
        record_type="people.person",
        detail={"page": HEADINGS[KINDS[kind]], "people_shown": shown},
    )
    return render(
        request,
        "people/record.html",
        {"form": form, "heading": HEADINGS[KINDS[kind]], "check": check},
    )


def address_change(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record a person's new address, or correct the one they have."""
    person = lookups.access_person_to_record(
        request.user, person_id, rule=recording.can_change_address
    )
    form = AddressForm(posted(request))

    # The form asks exactly what the service takes: address, postcode, start and reason.
    def run() -> None:
        address_record(actor=request.user, person=person, **form.cleaned_data)

    if submitted(request, form, run, "Address saved"):
        return redirect("person", person_id=person.pk)
    record_access(actor=request.user, obj=person, detail={"page": "change address"})
    return render(request, "people/address.html", {"person": person, "form": form})
