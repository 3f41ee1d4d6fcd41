"""The retention pages under /data/retention/: the rules, the holds, the purge and its runs.

Every page asks ``access/retention.py`` first (404 for anyone it does not allow), reads
through ``selectors`` and logs the read. Ids only: no page here names a person.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import retention as rules
from locus.audit.services import record_access
from locus.common import clock
from locus.common.http import AuthedRequest
from locus.common.modelkit import choice_values
from locus.common.pages import posted, submitted
from locus.retention import purge, selectors, services
from locus.retention.forms import HoldForm, LiftForm, PurgeForm, RuleForm
from locus.retention.models import (
    RELEASE_DAYS,
    RULES,
    HeldKind,
    LegalHold,
    PurgeRun,
    RuleKind,
)
from locus.retention.tasks import run_purge

PAGE = "retention.page"


def retention_page(request: AuthedRequest) -> HttpResponse:
    rules.require(rules.can_read_retention(request.user), "retention")
    holds = list(selectors.hold_list()[:200])
    runs = list(selectors.runs()[:20])
    record_access(
        actor=request.user,
        record_type=PAGE,
        detail={
            "page": "retention",
            "holds_shown": [h.pk for h in holds],
            "runs_shown": [r.pk for r in runs],
        },
    )
    return render(
        request,
        "retention/page.html",
        {
            "rules": selectors.rule_rows(),
            "holds": holds,
            "runs": runs,
            "manages": rules.can_manage_retention(request.user),
            "today": clock.today(),
        },
    )


def rule_edit(request: AuthedRequest, kind: str) -> HttpResponse:
    rules.require(rules.can_manage_retention(request.user), "retention rules")
    rules.require(kind in choice_values(RuleKind), "no such rule")
    row = next(r for r in selectors.rule_rows() if r.kind == kind)
    form = RuleForm(posted(request), initial={"amount": row.next_amount})

    def run() -> None:
        services.rule_set(actor=request.user, kind=kind, **form.cleaned_data)

    if submitted(request, form, run, "Retention rule changed"):
        return redirect("retention")
    if request.method == "GET":
        record_access(actor=request.user, record_type=PAGE, detail={"page": "rule", "rule": kind})
    context = {"form": form, "row": row, "unit": RULES[kind].unit, "release_days": RELEASE_DAYS}
    return render(request, "retention/rule.html", context)


def hold_new(request: AuthedRequest) -> HttpResponse:
    rules.require(rules.can_hold(request.user), "legal holds")
    initial: dict[str, str] = {"held_kind": HeldKind.PERSON.value}
    for kind in HeldKind.values:
        if request.GET.get(kind):
            initial = {"held_kind": str(kind), "held_id": request.GET[kind][:19]}
    form = HoldForm(posted(request), initial=initial)
    made: list[LegalHold] = []

    def run() -> None:
        made.append(
            services.hold_place(
                actor=request.user,
                held_kind=form.cleaned_data["held_kind"],
                held_id=form.cleaned_data["held_id"],
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                review_on=form.cleaned_data["review_on"],
            )
        )

    if submitted(request, form, run, "Legal hold placed: the record will not be purged"):
        return _after_hold(made[0])
    if request.method == "GET":
        record_access(actor=request.user, record_type=PAGE, detail={"page": "place a hold"})
    return render(request, "retention/hold.html", {"form": form})


def _after_hold(hold: LegalHold) -> HttpResponse:
    if hold.held_kind == HeldKind.PERSON:
        return redirect("person", person_id=hold.held_id)
    return redirect("context-case", case_id=hold.held_id)


def hold_lift(request: AuthedRequest, hold_id: int) -> HttpResponse:
    hold = rules.access_hold(request.user, hold_id)
    form = LiftForm(posted(request))

    def run() -> None:
        services.hold_lift(actor=request.user, hold=hold, reason=form.cleaned_data["reason"])

    lifted = f"Legal hold lifted: the record may be purged after {RELEASE_DAYS} days"
    if submitted(request, form, run, lifted):
        return _after_hold(hold)
    # Logged on every drawing, a refused lift's too: the page shows the hold again.
    record_access(actor=request.user, obj=hold, detail={"page": "lift a hold"})
    context = {"form": form, "hold": hold, "release_days": RELEASE_DAYS}
    return render(request, "retention/lift.html", context)


def hold_page(request: AuthedRequest, hold_id: int) -> HttpResponse:
    """One hold: what it holds (by number), why, who placed and lifted it, and when the record
    may be purged once lifted. Linked from the notification its placer gets of a lift."""
    hold = rules.see_hold(request.user, hold_id)
    record_access(actor=request.user, obj=hold, detail={"page": "legal hold"})
    # Back to the retention page for those who read it, else to My work (a manager).
    back = rules.can_read_retention(request.user)
    context = {"hold": hold, "release_days": RELEASE_DAYS, "reads_retention": back}
    return render(request, "retention/hold_page.html", context)


def purge_page(request: AuthedRequest) -> HttpResponse:
    """The dry run's list, then the confirmation that starts the purge (in the background)."""
    rules.require(rules.can_manage_retention(request.user), "purging")
    form = PurgeForm(posted(request))
    started: list[PurgeRun] = []

    def run() -> None:
        started.append(purge.purge_start(actor=request.user))
        run_purge.enqueue(started[0].pk)

    if submitted(request, form, run, "Purge started"):
        return redirect("retention-run", run_id=started[0].pk)
    found = selectors.plan()
    listed = {kind: (label, count, found.ids(kind)[:100]) for kind, label, count in found.counts()}
    rows = list(listed.values())
    # The page lists records by number: the read names each number it shows, by rule (the
    # first 100 of each), those a lifted hold's release keeps, and those a shortening would
    # remove once it applies (the first 100 of each).
    released: dict[str, list[int]] = {}
    for label, record_id, _ in found.released:
        released.setdefault(label, []).append(record_id)
    record_access(
        actor=request.user,
        record_type=PAGE,
        detail={
            "page": "purge dry run",
            "due": len(found.due),
            "held": len(found.held),
            "due_shown": {kind: ids for kind, (_, _, ids) in listed.items()},
            "released_shown": released,
            "pending_shown": {s.rule.kind: s.ids[:100] for s in found.pending},
        },
    )
    context = {"form": form, "plan": found, "rows": rows, "release_days": RELEASE_DAYS}
    return render(request, "retention/purge.html", context)


def run_page(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = rules.access_run(request.user, run_id)
    record_access(actor=request.user, obj=run, detail={"page": "purge run"})
    return render(request, "retention/run.html", {"run": run, "counts": selectors.run_counts(run)})
