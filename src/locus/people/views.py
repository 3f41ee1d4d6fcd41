from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access import episodes, forum, lookups, policies, scopes
from locus.access.fields import PersonField, columns_seen, fields_visible_to, is_shared_only
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.selectors import context_plans_for_person
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.modelkit import choice_values
from locus.common.pages import logged_page, posted, submitted
from locus.common.pagination import paginate
from locus.common.services import permitted, today
from locus.mapping.selectors import interventions_for_person
from locus.moves.selectors import moves_for
from locus.panels.selectors import panel_items_for_person
from locus.people import selectors
from locus.people.forms import (
    IdentifierQueryCloseForm,
    IdentifierQueryForm,
    PeopleFilterForm,
    PersonDetailsForm,
)
from locus.people.models import Identifier, Person
from locus.people.services import (
    identifier_in_use,
    identifier_query_close,
    identifier_query_send,
    person_update,
)
from locus.profiles.selectors import places_named, profile_for
from locus.retention.selectors import person_holds
from locus.safety.selectors import person_safety, places_marked
from locus.statutory.selectors import cin_for
from locus.transfers.selectors import child_transfers


def people_list(request: AuthedRequest) -> HttpResponse:
    # "Not found" to a worker who sees no case records (an auditor), as the borough map.
    permitted(scopes.sees_case_records, request.user)
    form = PeopleFilterForm(request.GET or None, viewer=request.user)
    filters = form.to_filter()
    page, paging = paginate(request, selectors.people_list(viewer=request.user, filters=filters))
    page.object_list = selectors.with_fields(request.user, page.object_list, seen=True)
    # Filtered or not, the list names people: each page read is logged with whom it showed.
    record_access(
        actor=request.user,
        record_type="people.person",
        action=AccessAction.SEARCH if form.is_bound else AccessAction.VIEW,
        detail={
            **selectors.asked_filters(request.GET),
            "people_shown": [p.pk for p in page],
        },
    )
    # A column the viewer's role never sees is left out, not "Not shared" on every row.
    columns = columns_seen(request.user)
    context = {"form": form, "page": page, "columns": columns, **paging}
    return render(request, "people/list.html", context)


def person_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id, shared=True)
    (person,) = selectors.with_fields(request.user, [person], seen=True)
    fields = selectors.visible_fields(person)
    if is_shared_only(fields):
        return _shared_person_page(request, person)
    detail = selectors.person_detail(viewer=request.user, person=person, fields=fields)
    # The record read, and the peers the page names beside it.
    peers = sorted({a.other.pk for a in detail.associations if a.other_visible and a.other})
    # The workers holding the case are named with their contact details: logged as shown.
    holders = [a.worker_id for a in detail.allocations]
    safety = person_safety(request.user, person)
    # The profile names protective peers in full too, and the moves are records of their own:
    # both are in the read's entry, so the trail's search finds every child the page named.
    profile = profile_for(request.user, person)
    moves = moves_for(request.user, person)
    # The legal-hold banner reads the holds the viewer answers for (their reason and dates).
    legal_holds = person_holds(request.user, person.pk)
    # The panels the child was on are named (by title, or by kind and date to a viewer not on
    # one's list): each meeting once, in the page's order.
    panel_items = panel_items_for_person(request.user, person)
    # The transfers, addresses, interventions, context plans, census episodes and profile
    # items it lists are records of their own: the read names each.
    transfers = child_transfers(request.user, person, detail.allocations)
    addresses = selectors.address_history(person, fields, viewer=request.user)
    interventions = interventions_for_person(request.user, person)
    context_plans = context_plans_for_person(request.user, person)
    cin = cin_for(request.user, person)
    shown = {
        "peers_shown": sorted({*peers, *profile.peers_named}),
        "holders_shown": holders,
        "moves_shown": [row.move.pk for row in moves],
        "holds_shown": legal_holds.shown,
        "panels_shown": list(dict.fromkeys(row.item.meeting_id for row in panel_items)),
        "transfers_shown": [t.pk for t in transfers.shown],
        "addresses_shown": [a.pk for a in addresses],
        "interventions_shown": [row.intervention.pk for row in interventions],
        "plans_shown": [line.plan.pk for line in context_plans],
        "cin_episodes_shown": [row.episode.pk for row in cin],
        "profile_items_shown": [row.item.pk for row in profile.current_rows],
        **safety.shown(),
        **detail.shown(
            places_also=[
                *places_named(profile.current_rows),
                *places_marked(safety.marks, safety.items),
            ]
        ),
    }
    record_access(actor=request.user, obj=person, detail=shown)
    can_edit = policies.can_edit_person(request.user, person)
    return render(
        request,
        "people/detail.html",
        {
            "d": detail,
            "person": person,
            "detail_rows": selectors.DETAIL_ROWS,
            "can_edit": can_edit,
            # A holder who moved team keeps the child's record to change, but no longer holds
            # the child's legal status (episodes.can_open_episode): no links that answer 404.
            "can_open_status": episodes.can_open_episode(request.user, person, may_edit=can_edit),
            "interventions": interventions,
            "context_plans": context_plans,
            "safety": safety,
            "profile": profile,
            "moves": moves,
            "legal_holds": legal_holds,
            "panel_items": panel_items,
            "transfers": transfers,
            "addresses": addresses,
            "cin": cin,
        },
    )


def _shared_person_page(request: AuthedRequest, person: Person) -> HttpResponse:
    """A child the viewer sees only because their holders shared them at a meeting the viewer
    attended: the fields shared, where and by whom, who holds the case, and the work agreed
    for the child. Not the rest of the record (incidents, associations, groups, plans)."""
    shares = forum.shares_of(request.user, person.pk)
    fields = selectors.visible_fields(person)
    interventions = [
        row
        for row in interventions_for_person(request.user, person)
        if row.intervention.person_id == person.pk
    ]
    return logged_page(
        request,
        "people/shared.html",
        about=person,
        detail={"page": "shared at a meeting", "meetings": [s.child.meeting_id for s in shares]},
        context={
            "person": person,
            "age": person.age_on(today()) if PersonField.AGE in fields else None,
            "detail_rows": selectors.DETAIL_ROWS,
            "shares": shares,
            "holders": selectors.current_holders(person),
            "interventions": interventions,
        },
    )


def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Change a person's details: the case holder, their manager or an administrator."""
    person = lookups.access_person_to_record(request.user, person_id, rule=policies.can_edit_person)
    refused: list[tuple[str, str, str]] = []
    shown = fields_visible_to(request.user, person)
    if request.method == "POST":
        form = PersonDetailsForm(request.POST, shown=shown)
        if form.is_valid():
            try:
                person_update(actor=request.user, person=person, **form.cleaned_data)
            except ValidationFailed as error:
                refused = _refused_identifiers(form, error)  # before errors clear the values
                form.add_domain_errors(error)
            else:
                messages.success(request, "Details saved")
                return redirect("person", person_id=person.pk)
    else:
        form = PersonDetailsForm.for_person(person, shown)
    # Shown again after a refused save, the page still shows the person's record: logged too.
    detail: dict[str, object] = {"page": "edit"}
    holders: list[int] = []
    if refused:
        # A refusal tells the worker that some record has this identifier: the trail keeps
        # what was tried and whose record it is, so probing for identifiers is seen.
        tried = {name: value for name, _label, value in refused}
        detail["identifiers_refused"] = sorted(tried)
        holders = selectors.identifier_holders(tried)
        detail["identifier_holders"] = holders
    # ``people``: the auditor's search by person finds whoever tried their identifier.
    record_access(actor=request.user, obj=person, detail=detail, people=holders)
    return render(request, "people/edit.html", {"person": person, "form": form, "refused": refused})


def _refused_identifiers(
    form: PersonDetailsForm, error: ValidationFailed
) -> list[tuple[str, str, str]]:
    """The identifiers refused because another record has them: each may be sent for checking."""
    return [
        (name, Identifier(name).label, form.cleaned_data[name])
        for name in Identifier.values
        if identifier_in_use(name) in error.errors.get(name, [])
    ]


@require_POST
def identifier_query_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Ask for a refused identifier to be checked (from the change details page, then sent)."""
    person = lookups.access_person_to_record(request.user, person_id, rule=policies.can_edit_person)
    form = IdentifierQueryForm(request.POST)
    if "send" in request.POST and form.is_valid():
        try:
            # The form carries exactly the service's field, value and note.
            identifier_query_send(actor=request.user, person=person, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_domain_errors(error)
        else:
            # The same words whoever holds the other record: the requester is never told who.
            messages.success(request, IDENTIFIER_QUERY_SENT)
            return redirect("person", person_id=person.pk)
    record_access(actor=request.user, obj=person, detail={"page": "identifier query"})
    field = request.POST.get("field", "")
    label = Identifier(field).label if field in choice_values(Identifier) else ""
    return render(
        request, "people/identifier_query.html", {"person": person, "form": form, "label": label}
    )


IDENTIFIER_QUERY_SENT = (
    "Your request has been sent. Someone other than you who may see the other record will "
    "check it and contact you or your data team: nobody answers their own request."
)


def identifier_queries(request: AuthedRequest) -> HttpResponse:
    """The identifier queries the viewer answers (a named manager, or the data team)."""
    queries = list(selectors.identifier_queries_for(viewer=request.user))
    rows = selectors.identifier_query_rows(viewer=request.user, queries=queries)
    record_access(
        actor=request.user,
        record_type="people.identifierquery",
        action=AccessAction.SEARCH,
        detail={
            "shown": [str(q.pk) for q in queries],
            "people_shown": sorted({pk for row in rows for pk in row.people_shown}),
        },
    )
    return render(request, "people/identifier_queries.html", {"rows": rows})


def identifier_query(request: AuthedRequest, query_id: int) -> HttpResponse:
    """One identifier query, closed here with a note."""
    query = selectors.identifier_query_for(viewer=request.user, query_id=query_id)
    form = IdentifierQueryCloseForm(posted(request))

    def close() -> None:
        # The form asks exactly what the service takes: the outcome (a duplicate's) and a note.
        identifier_query_close(actor=request.user, query=query, **form.cleaned_data)

    if submitted(request, form, close, "Request closed"):
        return redirect("identifier-queries")
    (row,) = selectors.identifier_query_rows(viewer=request.user, queries=[query])
    record_access(actor=request.user, obj=query, detail={"people_shown": row.people_shown})
    return render(request, "people/identifier_query_detail.html", {"row": row, "form": form})
