"""The page on which a second person confirms or refuses an account's access.

The rules are in ``locus/access/provisioning.py``: only a manager of the account's team
(another administrator for an account without a team) who made no part of the change opens
it; anyone else is told "not found".
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from locus.access import provisioning
from locus.access.services import (
    sign_in_held_by_another,
    worker_access_confirm,
    worker_access_refuse,
)
from locus.audit.services import record_access
from locus.common.forms import GovukForm, choose_one, text_area
from locus.common.http import AuthedRequest
from locus.common.pages import posted, submitted

CONFIRM, REFUSE = "confirm", "refuse"


class DecisionForm(GovukForm):
    decision = choose_one(
        "Do you confirm this access?",
        [(CONFIRM, "Yes, confirm it"), (REFUSE, "No, refuse it")],
        required="Choose whether you confirm this access",
        radios=True,
    )
    reason = text_area(
        "If you refuse it, why?",
        help_text="The administrator who gave the access reads this.",
    )


@require_http_methods(["GET", "POST"])
def decide(request: AuthedRequest, worker_id: int) -> HttpResponse:
    viewer = request.user
    worker = provisioning.access_to_decide(viewer, worker_id)
    form = DecisionForm(posted(request))

    def run() -> object:
        if form.cleaned_data["decision"] == CONFIRM:
            return worker_access_confirm(actor=viewer, worker=worker)
        return worker_access_refuse(actor=viewer, worker=worker, reason=form.cleaned_data["reason"])

    def said(_: object) -> str:
        done = "confirmed" if form.cleaned_data["decision"] == CONFIRM else "refused"
        return f"Access of {worker} {done}"

    if submitted(request, form, run, said):
        return redirect("dashboard")
    # Drawn (first, or again after a refused post): a read of the account's details, and of
    # who gave it its access, logged each time.
    shown = [pk for pk in (worker.pk, worker.access_asked_by_id) if pk is not None]
    detail = {"page": "access confirmation", "workers_shown": shown}
    record_access(actor=viewer, obj=worker, detail=detail)
    held = sign_in_held_by_another(worker)
    page = {"form": form, "worker": worker, "sign_in_held": held}
    return render(request, "access/access_confirm.html", page)
