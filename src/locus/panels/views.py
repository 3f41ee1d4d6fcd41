"""Pages for contextual HSB meetings and MACE panels: thin views over selectors and services.

A meeting the viewer may not see, an action they may not take, and an agenda
item about someone they may not see (for the pages that write about it) answer
404. Every page that shows the meeting logs the read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from locus.access import scopes
from locus.access.models import Agency, Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.panels import policies, selectors, services
from locus.panels.forms import (
    ActionForm,
    ActionUpdateForm,
    AttendeeForm,
    CancelForm,
    DecisionForm,
    DiscussionForm,
    HoldForm,
    ItemForm,
    PanelForm,
)
from locus.panels.models import (
    YOUNG_PERSON_KINDS,
    AgendaItem,
    ItemKind,
    PanelAction,
    PanelMeeting,
    PanelStatus,
)
from locus.people.models import Allocation, Person
from locus.profiles.models import ProfileItem
from locus.profiles.pages import posted, submitted
from locus.profiles.selectors import build_on_for


def _workers() -> list[Worker]:
    """Workers who may be on a panel's list, by agency and name."""
    return [
        w
        for w in Worker.objects.filter(is_active=True, team__isnull=False)
        .select_related("team__agency")
        .order_by("team__agency__name", "last_name", "first_name", "id")
        if policies.may_attend(w)
    ]


def panels_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PanelStatus.values:
        status = ""
    page, paging = paginate(
        request, selectors.panels_for(viewer=request.user, status=status), per_page=25
    )
    record_access(
        actor=request.user,
        record_type="panels.panelmeeting",
        action=AccessAction.SEARCH,
        detail={"status": status, "shown": [str(m.pk) for m in page]},
    )
    return render(
        request,
        "panels/list.html",
        {
            "page": page,
            "status": status,
            "statuses": PanelStatus.choices,
            "can_set_up": policies.can_set_up_panel(request.user),
            **paging,
        },
    )


def panel_new(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    permitted(policies.can_set_up_panel, viewer)
    form = PanelForm(
        posted(request),
        initial={"chair": str(viewer.pk) if policies.may_attend(viewer) else ""},
        workers=_workers(),
    )
    created: list[PanelMeeting] = []

    def run() -> None:
        created.append(services.panel_create(actor=viewer, **form.values()))

    if submitted(request, form, run, "Meeting set up: add the agenda and the attendees"):
        return redirect("panel", meeting_id=created[0].pk)
    return render(
        request,
        "panels/form.html",
        {"form": form, "heading": "Set up an HSB meeting or MACE panel", "button": "Set up"},
    )


def panel_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = policies.access_panel(request.user, meeting_id)
    detail = selectors.panel_detail(request.user, meeting)
    record_access(
        actor=request.user,
        obj=meeting,
        detail={
            "people_shown": detail.people_shown,
            "items_withheld": sum(
                1 for agenda in detail.lists for v in agenda.items if not v.visible
            ),
        },
    )
    return render(request, "panels/detail.html", {"d": detail, "meeting": meeting})


# --- Form pages -------------------------------------------------------------------------------


def _form_page(
    request: AuthedRequest, meeting: PanelMeeting, form: GovukForm, page: str, **context: Any
) -> HttpResponse:
    if request.method == "GET":
        # Each form page shows the meeting (some, an item about a person): the read is logged.
        record_access(actor=request.user, obj=meeting, detail={"page": page})
    template = context.pop("template", "panels/form.html")
    return render(request, template, {"meeting": meeting, "form": form, **context})


def _step_page(
    request: AuthedRequest,
    meeting_id: int,
    *,
    allowed: Callable[[Worker, PanelMeeting], bool],
    make_form: Callable[[PanelMeeting], GovukForm],
    run: Callable[[PanelMeeting, Any], object],
    success: str,
    page: str,
    **context: Any,
) -> HttpResponse:
    """A form page that moves a meeting on: 404 unless ``allowed``, then run the service."""
    meeting = policies.access_panel(request.user, meeting_id)
    permitted(allowed, request.user, meeting)
    form = make_form(meeting)
    if submitted(request, form, lambda: run(meeting, form), success):
        return redirect("panel", meeting_id=meeting.pk)
    return _form_page(request, meeting, form, page, **context)


def attendee_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    def make_form(meeting: PanelMeeting) -> AttendeeForm:
        listed = set(meeting.attendees.values_list("worker_id", flat=True))
        return AttendeeForm(posted(request), workers=[w for w in _workers() if w.pk not in listed])

    return _step_page(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=make_form,
        run=lambda m, f: services.panel_attendee_add(
            actor=request.user,
            meeting=m,
            worker=f.chosen(),
            name=f.cleaned_data.get("name", ""),
            organisation=f.cleaned_data.get("organisation", ""),
        ),
        success="Added to the list",
        page="attendee",
        heading="Add someone to the list",
        button="Add",
    )


def _people_offered(viewer: Worker, q: str, limit: int = 25) -> list[Person]:
    """People matching ``q`` whom the viewer may see; without ``q``, their caseload."""
    qs = scopes.people_visible_to(viewer)
    words = q.split()
    if not words:
        qs = qs.filter(
            id__in=Allocation.objects.filter(worker=viewer, end__isnull=True).values("person_id")
        )
    for word in words:
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return list(qs.order_by("family_name", "given_name", "id")[:limit])


def item_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """Put someone or somewhere on the agenda; ``?q=`` finds a person, ``?kind=`` picks a list."""
    viewer = request.user
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    people = _people_offered(viewer, q)
    if request.method == "POST" and request.POST.get("person"):
        # Keep a person chosen from an earlier search on the list the form checks against.
        people += list(
            scopes.people_visible_to(viewer).filter(pk__in=_ids([request.POST["person"]]))
        )
    contexts = list(scopes.contexts_visible_to(viewer).order_by("kind", "name", "id"))
    kind = request.GET.get("kind", "")
    initial = {"kind": kind if kind in ItemKind.values else ""}
    return _step_page(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: ItemForm(
            posted(request), initial=initial, people=people, contexts=contexts
        ),
        run=lambda m, f: services.agenda_item_add(actor=viewer, meeting=m, **f.values()),
        success="Added to the agenda",
        page="item",
        template="panels/item_form.html",
        heading="Add to the agenda",
        button="Add to the agenda",
        q=q,
        found=len(people),
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 18]


def panel_hold(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    def make_form(meeting: PanelMeeting) -> HoldForm:
        attendees = list(meeting.attendees.select_related("worker__team").order_by("id"))
        return HoldForm(
            posted(request), initial={"review_on": meeting.review_on}, attendees=attendees
        )

    return _step_page(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=make_form,
        run=lambda m, f: services.panel_hold(
            actor=request.user,
            meeting=m,
            attended=_ids(f.cleaned_data["attended"]),
            summary=f.cleaned_data.get("summary", ""),
            review_on=f.cleaned_data.get("review_on"),
        ),
        success="Recorded as held: now record the discussion, decisions and actions",
        page="hold",
        heading="Record the meeting as held",
        button="Record as held",
    )


def panel_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _step_page(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: CancelForm(posted(request)),
        run=lambda m, f: services.panel_cancel(
            actor=request.user, meeting=m, reason=f.cleaned_data["reason"]
        ),
        success="Meeting cancelled",
        page="cancel",
        heading="Cancel the meeting",
        button="Cancel the meeting",
        warning=True,
    )


def panel_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _step_page(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: GovukForm(posted(request)),
        run=lambda m, f: services.panel_close(actor=request.user, meeting=m),
        success="Meeting closed",
        page="close",
        heading="Close the meeting",
        intro="Close the meeting once every action is done or stopped. Nothing more can be "
        "added to it after that.",
        button="Close the meeting",
    )


def _item(request: AuthedRequest, meeting: PanelMeeting, item_id: int) -> AgendaItem:
    """An item of this meeting about someone or somewhere the viewer sees, or 404."""
    item = (
        meeting.items.select_related("person", "context", "holder__team__agency", "holder_team")
        .filter(pk=item_id)
        .first()
    )
    if item is None or not services.item_visible(request.user, item):
        raise Http404("Not found")
    item.meeting = meeting
    return item


def _item_page(
    request: AuthedRequest,
    meeting_id: int,
    item_id: int,
    *,
    allowed: Callable[[Worker, PanelMeeting], bool],
    make_form: Callable[[AgendaItem], GovukForm],
    run: Callable[[AgendaItem, Any], object],
    success: str,
    page: str,
    **context: Any,
) -> HttpResponse:
    meeting = policies.access_panel(request.user, meeting_id)
    permitted(allowed, request.user, meeting)
    item = _item(request, meeting, item_id)
    form = make_form(item)
    if submitted(request, form, lambda: run(item, form), success):
        return redirect("panel", meeting_id=meeting.pk)
    label = selectors.item_label(item, True)
    return _form_page(
        request,
        meeting,
        form,
        page,
        item=item,
        caption=f"{item.get_kind_display()}: {label}",
        **context,
    )


def item_discussion(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    return _item_page(
        request,
        meeting_id,
        item_id,
        allowed=policies.can_record_discussion,
        make_form=lambda i: DiscussionForm(posted(request), initial={"discussion": i.discussion}),
        run=lambda i, f: services.item_discussion_record(
            actor=request.user, item=i, discussion=f.cleaned_data["discussion"]
        ),
        success="Discussion recorded",
        page="discussion",
        heading="Record the discussion",
        button="Save",
    )


def decision_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """A decision on the meeting as a whole, or on one item (``?item=``)."""
    meeting = policies.access_panel(request.user, meeting_id)
    permitted(policies.can_record_discussion, request.user, meeting)
    item_id = _ids([request.GET.get("item", "")])
    item = _item(request, meeting, item_id[0]) if item_id else None
    form = DecisionForm(posted(request))

    def run() -> None:
        services.panel_decision_add(
            actor=request.user, meeting=meeting, item=item, text=form.cleaned_data["text"]
        )

    if submitted(request, form, run, "Decision recorded"):
        return redirect("panel", meeting_id=meeting.pk)
    caption = f"{item.get_kind_display()}: {selectors.item_label(item, True)}" if item else ""
    return _form_page(
        request,
        meeting,
        form,
        "decision",
        item=item,
        caption=caption,
        heading="Record a decision",
        button="Save the decision",
    )


def action_add(request: AuthedRequest, meeting_id: int, item_id: int) -> HttpResponse:
    strengths: list[ProfileItem] = []

    def make_form(item: AgendaItem) -> ActionForm:
        meeting = item.meeting
        owners = [
            a.worker
            for a in meeting.attendees.filter(worker__isnull=False).select_related(
                "worker__team__agency"
            )
            if a.worker is not None
        ]
        options = (
            build_on_for(request.user, [item.person])
            if item.kind in YOUNG_PERSON_KINDS and item.person is not None
            else []
        )
        strengths.extend(ProfileItem.objects.filter(pk__in=[o.item_id for o in options]))
        return ActionForm(
            posted(request),
            initial={"owner": str(request.user.pk)},
            owners=owners,
            agencies=list(Agency.objects.order_by("name")),
            strengths=options,
        )

    def run(item: AgendaItem, form: Any) -> object:
        chosen = form.strength_ids() if "builds_on" in form.fields else set()
        return services.panel_action_add(
            actor=request.user,
            item=item,
            builds_on=[s for s in strengths if s.pk in chosen],
            **form.values(),
        )

    return _item_page(
        request,
        meeting_id,
        item_id,
        allowed=policies.can_add_action,
        make_form=make_form,
        run=run,
        success="Action added",
        page="action",
        heading="Add an action",
        button="Add the action",
    )


def action_update(request: AuthedRequest, meeting_id: int, action_id: int) -> HttpResponse:
    meeting = policies.access_panel(request.user, meeting_id)
    action: PanelAction | None = (
        meeting.actions.select_related("owner__team", "item__person", "item__context")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("Not found")
    action.meeting = meeting
    permitted(policies.can_update_action, request.user, action)
    form = ActionUpdateForm(posted(request), action=action)

    def run() -> None:
        services.panel_action_update(
            actor=request.user,
            action=action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            due=form.cleaned_data.get("due"),
        )

    if submitted(request, form, run, "Action updated"):
        return redirect("panel", meeting_id=meeting.pk)
    shown = action.owner_id == request.user.pk or services.item_visible(request.user, action.item)
    return _form_page(
        request,
        meeting,
        form,
        "action update",
        heading="Update the action",
        intro=action.description if shown else "An action on an item you may not see.",
        button="Save the update",
    )
