"""Pages for allocation and transfer: allocate a child, propose a transfer, a transfer's page,
accept, decline or withdraw it, and the transfers waiting for a manager.

Each page finds its record through ``access`` first (404 for what the worker may not see,
or may not act on), reads through the selectors, and logs what it showed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups
from locus.access import transfers as rules
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_page, posted, submitted
from locus.people.models import Person
from locus.people.services import allocation_create, allocation_end
from locus.transfers import selectors, services
from locus.transfers.forms import (
    AcceptForm,
    AllocateForm,
    EndAllocationForm,
    ProposeForm,
    ReasonForm,
)
from locus.transfers.models import Status, Transfer


def _form_page(
    request: AuthedRequest,
    form: GovukForm,
    *,
    person: Person,
    heading: str,
    button: str,
    transfer: Transfer | None = None,
    **context: Any,
) -> HttpResponse:
    """A form page about one child (and the transfer it acts on); the read is logged."""
    shown = {"transfer": transfer.pk if transfer is not None else None}
    return logged_form_page(
        request,
        "transfers/form.html",
        form,
        about=transfer or person,
        shown=shown,
        heading=heading,
        button=button,
        person=person,
        transfer=transfer,
        **context,
    )


def allocate(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person_to_record(request.user, person_id, rule=rules.can_allocate_child)
    form = AllocateForm(posted(request), workers=selectors.allocatable_workers(request.user))

    def run() -> None:
        data = form.cleaned_data
        worker = data["worker"]
        allocation_create(actor=request.user, person=person, worker=worker, start=data["start"])

    if submitted(request, form, run, "Child allocated"):
        return redirect("person", person_id=person.pk)
    return _form_page(request, form, person=person, heading="Allocate a worker", button="Allocate")


def end_allocation(request: AuthedRequest, person_id: int, allocation_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    allocation = rules.access_allocation(
        request.user, person, allocation_id, rules.can_end_allocation
    )
    form = EndAllocationForm(posted(request), initial={"end": clock.today()})

    def run() -> None:
        allocation_end(actor=request.user, allocation=allocation, **form.cleaned_data)

    if submitted(request, form, run, "Allocation ended"):
        return redirect("person", person_id=person.pk)
    others = selectors.other_holders(allocation)
    return _form_page(
        request,
        form,
        person=person,
        heading=f"End the allocation to {allocation.worker}",
        button="End the allocation",
        ending=allocation,
        others=others,
    )


def propose(request: AuthedRequest, person_id: int, allocation_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    allocation = rules.access_allocation(request.user, person, allocation_id)
    teams = selectors.receiving_teams(allocation)
    workers = list(selectors.case_holders([t.pk for t in teams]))
    form = ProposeForm(posted(request), teams=teams, workers=workers)
    made: list[Transfer] = []

    def run() -> None:
        data = form.cleaned_data
        made.append(
            services.transfer_propose(
                actor=request.user,
                allocation=allocation,
                to_team=data["to_team"],
                to_worker=data["to_worker"],
                handover_note=data["handover_note"],
            )
        )

    if submitted(request, form, run, "Transfer proposed: it waits for the receiving manager"):
        return redirect("transfer", transfer_id=made[0].pk)
    return _form_page(
        request,
        form,
        person=person,
        heading="Propose a transfer",
        button="Propose the transfer",
        allocation=allocation,
    )


def transfer_page(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    viewer = request.user
    transfer = rules.access_transfer(viewer, transfer_id)
    record_access(actor=viewer, obj=transfer, detail={"page": "transfer"})
    return render(
        request,
        "transfers/transfer.html",
        {
            "t": transfer,
            "sees_child": rules.sees_child_of(viewer, transfer),
            "can_decide": transfer.is_open and rules.can_decide_transfer(viewer, transfer),
            "can_withdraw": transfer.is_open and rules.can_withdraw_transfer(viewer, transfer),
        },
    )


def _closed(request: AuthedRequest, transfer: Transfer) -> HttpResponse:
    """A step on a transfer decided or withdrawn since the page was loaded: said in plain
    words, naming neither the child nor the note (who no longer sees the transfer, a
    receiving manager or its proposer, must not read them here). That transfer N was closed,
    and how, is still a read of it: logged."""
    heading = services.ALREADY[Status(transfer.status)]
    record_access(actor=request.user, obj=transfer, detail={"page": heading})
    return render(
        request,
        "transfers/closed.html",
        {
            "heading": heading,
            "t": transfer,
            "sees": rules.sees_transfer(request.user, transfer),
        },
    )


def _done(request: AuthedRequest, transfer: Transfer) -> HttpResponse:
    """After a step: the transfer's page while the worker still sees it; else (a receiving
    manager who declined, a proposer who withdrew one of a child they no longer see) the
    transfers waiting for them."""
    if rules.sees_transfer(request.user, transfer):
        return redirect("transfer", transfer_id=transfer.pk)
    return redirect("transfers")


def accept(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    transfer = rules.access_step(request.user, transfer_id, rules.can_decide_transfer)
    if not transfer.is_open:
        return _closed(request, transfer)
    workers = list(selectors.case_holders([transfer.to_team_id]))
    initial = {"to_worker": transfer.to_worker_id}
    form = AcceptForm(posted(request), workers=workers, initial=initial)

    def run() -> None:
        data = form.cleaned_data
        services.transfer_accept(
            actor=request.user, transfer=transfer, to_worker=data["to_worker"], note=data["note"]
        )

    if submitted(request, form, run, "Transfer accepted: the case has moved"):
        return _done(request, transfer)
    heading = "Accept the transfer"
    return _form_page(
        request, form, person=transfer.person, heading=heading, button="Accept", transfer=transfer
    )


def _refusal(request: AuthedRequest, transfer_id: int, *, withdraw: bool) -> HttpResponse:
    """Decline (the receiving manager) or withdraw (the proposer), with a reason."""
    rule = rules.can_withdraw_transfer if withdraw else rules.can_decide_transfer
    transfer = rules.access_step(request.user, transfer_id, rule)
    if not transfer.is_open:
        return _closed(request, transfer)
    service = services.transfer_withdraw if withdraw else services.transfer_decline
    form = ReasonForm(posted(request))

    def run() -> None:
        service(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])

    verb = "withdraw" if withdraw else "decline"
    if submitted(request, form, run, "Transfer withdrawn" if withdraw else "Transfer declined"):
        return _done(request, transfer)
    heading = f"{verb.capitalize()} the transfer"
    return _form_page(
        request,
        form,
        person=transfer.person,
        heading=heading,
        button=verb.capitalize(),
        transfer=transfer,
        warning=True,
    )


def decline(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    return _refusal(request, transfer_id, withdraw=False)


def withdraw(request: AuthedRequest, transfer_id: int) -> HttpResponse:
    return _refusal(request, transfer_id, withdraw=True)


def to_accept(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    waiting = selectors.transfers_to_accept(viewer)
    mine = selectors.transfers_proposed_by(viewer)
    listed = [*waiting, *mine]
    shown = {
        "people_shown": sorted({t.person_id for t in listed}),
        "transfers_shown": [t.pk for t in listed],
    }
    record_access(
        actor=viewer,
        record_type="transfers.transfer",
        action=AccessAction.SEARCH,
        detail={"page": "transfers", **shown},
    )
    return render(request, "transfers/list.html", {"waiting": waiting, "mine": mine})
