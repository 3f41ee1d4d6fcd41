"""Pages for contextual HSB meetings and MACE panels: thin views over selectors and services.

A meeting the viewer may not see, an action they may not take, and an agenda
item about someone they may not see (for the pages that write about it) answer
404. Every page that shows the meeting logs the read.

The form pages that move a meeting on are one view, :func:`panel_step`, driven by
:data:`STEPS`: each step says who may take it, its form, and the service it runs,
on the meeting or on one agenda item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import panel_meetings as policies
from locus.access import scopes
from locus.access.models import Worker
from locus.access.selectors import all_agencies
from locus.audit.services import record_access
from locus.common.forms import GovukForm, ListSearch
from locus.common.http import AuthedRequest
from locus.common.ids import parse_ids
from locus.common.modelkit import choice_values
from locus.common.pages import (
    created,
    form_page,
    logged_form_page,
    posted,
    search_term,
    submitted,
)
from locus.common.services import permitted
from locus.forums.pages import meetings_page
from locus.panels import selectors, services
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
    PanelMeeting,
    PanelStatus,
)
from locus.profiles.selectors import build_on_for, profile_items


def panels_list(request: AuthedRequest) -> HttpResponse:
    # "Not found" to a worker who sees no case records (an auditor), as the borough map.
    permitted(scopes.sees_case_records, request.user)

    def panels_for(status: str) -> Any:
        return selectors.panels_for(viewer=request.user, status=status)

    status, page, paging = meetings_page(
        request, statuses=PanelStatus, meetings_for=panels_for, record_type="panels.panelmeeting"
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
        workers=selectors.panel_workers(),
    )
    meeting = created(
        request,
        form,
        lambda: services.panel_create(actor=viewer, **form.values()),
        "Meeting set up: add the agenda and the attendees",
    )
    if meeting is not None:
        return redirect("panel", meeting_id=meeting.pk)
    heading = "Set up an HSB meeting or MACE panel"
    return form_page(request, "panels/new.html", form, heading=heading, button="Set up")


def panel_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = policies.access_panel(request.user, meeting_id)
    detail = selectors.panel_detail(request.user, meeting)
    record_access(
        actor=request.user,
        obj=meeting,
        # About the children it describes by holder too, for the trail's search by person.
        people=detail.people_held_by_only,
        detail={
            "people_shown": detail.people_shown,
            # Children described only by who holds their case are disclosed too: that they
            # were on this panel's lists, and on which.
            "held_by_only": detail.people_held_by_only,
            "items_withheld": sum(
                1 for agenda in detail.lists for v in agenda.items if not v.visible
            ),
            **detail.listed(),
        },
    )
    return render(request, "panels/detail.html", {"d": detail, "meeting": meeting})


# --- Form pages -------------------------------------------------------------------------------

Subject = PanelMeeting | AgendaItem


def _meeting_of(subject: Subject) -> PanelMeeting:
    return subject.meeting if isinstance(subject, AgendaItem) else subject


def _ids(values: list[str]) -> list[int]:
    return parse_ids(values)


def _item_form(request: AuthedRequest, meeting: Subject) -> ItemForm:
    """``?q=`` finds a person by name, ``?kind=`` picks the list."""
    viewer = request.user
    q = search_term(request)
    # A person chosen from an earlier search stays on the list the form checks against.
    chosen = _ids([request.POST["person"]]) if request.POST.get("person") else []
    people = selectors.people_offered(viewer, q, chosen=chosen)
    kind = request.GET.get("kind", "")
    # Every place in the borough may be offered: a few shown, the rest found by a search.
    places = ListSearch(posted(request), "context", "locations")
    form = ItemForm(
        posted(request),
        initial={"kind": kind if kind in choice_values(ItemKind) else ""},
        people=people,
        contexts=places.in_query(selectors.contexts_offered(viewer), selectors.place_holds),
        places=places,
    )
    form.search = {"q": q, "found": len(people)}
    return form


def _attendee_form(request: AuthedRequest, meeting: Subject) -> AttendeeForm:
    listed = selectors.listed_worker_ids(_meeting_of(meeting))
    return AttendeeForm(
        posted(request), workers=[w for w in selectors.panel_workers() if w.pk not in listed]
    )


def _hold_form(request: AuthedRequest, subject: Subject) -> HoldForm:
    meeting = _meeting_of(subject)
    form = HoldForm(
        posted(request),
        initial={"review_on": meeting.review_on},
        attendees=selectors.attendees_of(meeting),
    )
    if not policies.can_record_discussion(request.user, meeting):
        # An organiser who writes none of the panel's record (the IT administrator, the
        # chairs' manager) records who attended, not what was discussed.
        del form.fields["summary"]
    return form


def _action_form(request: AuthedRequest, subject: Subject) -> ActionForm:
    assert isinstance(subject, AgendaItem)
    owners = selectors.attending_workers(subject.meeting)
    young = subject.kind in YOUNG_PERSON_KINDS and subject.person is not None
    options = build_on_for(request.user, [subject.person]) if young else []  # type: ignore[list-item]
    form = ActionForm(
        posted(request),
        initial={"owner": str(request.user.pk)},
        owners=owners,
        agencies=all_agencies(),
        strengths=options,
    )
    form.strengths = profile_items([o.item_id for o in options])
    return form


def _run_action(actor: Worker, item: Any, form: Any) -> object:
    chosen = form.strength_ids() if "builds_on" in form.fields else set()
    builds_on = [s for s in form.strengths if s.pk in chosen]
    return services.panel_action_add(actor=actor, item=item, builds_on=builds_on, **form.values())


@dataclass(frozen=True)
class Step:
    """A form page that moves a meeting on, or writes about one of its agenda items."""

    heading: str
    button: str
    success: str
    form: Callable[[AuthedRequest, Subject], GovukForm]
    run: Callable[[Worker, Any, Any], object]
    allowed: Callable[[Worker, PanelMeeting], bool] = policies.is_organiser
    intro: str = ""
    warning: bool = False
    template: str = "panels/form.html"


def _data(f: Any) -> dict[str, Any]:
    return cast(dict[str, Any], f.cleaned_data)


STEPS: dict[str, Step] = {
    "attendee": Step(
        "Add someone to the list",
        "Add",
        "Added to the list",
        _attendee_form,
        lambda actor, m, f: services.panel_attendee_add(actor=actor, meeting=m, **f.values()),
    ),
    "item": Step(
        "Add to the agenda",
        "Add to the agenda",
        "Added to the agenda",
        _item_form,
        lambda actor, m, f: services.agenda_item_add(actor=actor, meeting=m, **f.values()),
        allowed=policies.can_set_agenda,
        template="panels/item_form.html",
    ),
    "hold": Step(
        "Record the meeting as held",
        "Record as held",
        "Recorded as held: now record the discussion, decisions and actions",
        _hold_form,
        lambda actor, m, f: services.panel_hold(
            actor=actor,
            meeting=m,
            attended=_ids(_data(f)["attended"]),
            summary=_data(f).get("summary", ""),
            review_on=_data(f).get("review_on"),
        ),
    ),
    "cancel": Step(
        "Cancel the meeting",
        "Cancel the meeting",
        "Meeting cancelled",
        lambda request, m: CancelForm(posted(request)),
        # The one answer is the reason, as the service takes it.
        lambda actor, m, f: services.panel_cancel(actor=actor, meeting=m, **_data(f)),
        warning=True,
    ),
    "close": Step(
        "Close the meeting",
        "Close the meeting",
        "Meeting closed",
        lambda request, m: GovukForm(posted(request)),
        lambda actor, m, f: services.panel_close(actor=actor, meeting=m),
        intro="Close the meeting once every action of its own is done or stopped. Nothing "
        "more can be added to it after that.",
    ),
    "decision": Step(
        "Record a decision",
        "Save the decision",
        "Decision recorded",
        lambda request, subject: DecisionForm(posted(request)),
        lambda actor, subject, f: services.panel_decision_add(
            actor=actor,
            meeting=_meeting_of(subject),
            item=subject if isinstance(subject, AgendaItem) else None,
            text=_data(f)["text"],
        ),
        allowed=policies.can_record_discussion,
    ),
    "discussion": Step(
        "Record the discussion",
        "Save",
        "Discussion recorded",
        lambda request, item: DiscussionForm(
            posted(request), initial={"discussion": getattr(item, "discussion", "")}
        ),
        lambda actor, item, f: services.item_discussion_record(
            actor=actor, item=item, discussion=_data(f)["discussion"]
        ),
        allowed=policies.can_record_discussion,
    ),
    "action": Step(
        "Add an action",
        "Add the action",
        "Action added",
        _action_form,
        _run_action,
        allowed=policies.can_add_action,
    ),
}


def _shown(subject: Subject, form: GovukForm) -> dict[str, Any]:
    """Whom a step's page names, for its read's audit record: an item's young person or
    person of concern (in its caption: ``item_of`` found them visible to the viewer), and the
    people "Add to the agenda" offers by name (its search, or the viewer's caseload), with
    what was searched for (and the words its locations were searched with); "Add an action",
    the strengths it offers and the protective peers they name."""
    people = [subject.person_id] if isinstance(subject, AgendaItem) and subject.person_id else []
    searched: dict[str, Any] = {}
    if isinstance(form, ActionForm):
        people += form.named
    if isinstance(form, ItemForm):
        people += [p.pk for p in form.people.values()]
        if form.search["q"]:
            searched = {"searched": [{"name": form.search["q"]}]}
        if form.places.searched:
            searched["places_searched"] = [form.places.searched]
    return {"people_shown": sorted(set(people)), **searched}


def panel_step(
    request: AuthedRequest, meeting_id: int, step: str, item_id: int | None = None
) -> HttpResponse:
    """One of :data:`STEPS`, on the meeting or (with ``item_id``) one of its agenda items:
    404 unless the viewer may take it, then the form, then the service."""
    page = STEPS[step]
    meeting = policies.access_panel(request.user, meeting_id)
    allowed = page.allowed
    if step == "decision" and item_id is None:
        # A decision on the whole meeting sits with its discussion: only for those who read it.
        allowed = policies.can_add_general_decision
    permitted(allowed, request.user, meeting)
    subject: Subject = (
        meeting if item_id is None else selectors.item_of(request.user, meeting, item_id)
    )
    form = page.form(request, subject)
    if submitted(request, form, lambda: page.run(request.user, subject, form), page.success):
        return redirect("panel", meeting_id=meeting.pk)
    caption = ""
    if isinstance(subject, AgendaItem):
        caption = f"{subject.get_kind_display()}: {selectors.item_label(subject, True)}"
    # Each form page shows the meeting (some, an item about a person): the read is logged
    # each time the page is drawn, an invalid post's page too.
    return logged_form_page(
        request,
        page.template,
        form,
        about=meeting,
        heading=page.heading,
        button=page.button,
        shown={**({"item": item_id} if item_id else {}), **_shown(subject, form)},
        read=step,
        meeting=meeting,
        intro=page.intro,
        warning=page.warning,
        caption=caption,
    )


def action_update(request: AuthedRequest, meeting_id: int, action_id: int) -> HttpResponse:
    meeting = policies.access_panel(request.user, meeting_id)
    action = selectors.action_of(meeting, action_id)
    permitted(policies.can_update_action, request.user, action)
    form = ActionUpdateForm(posted(request), action=action)

    def run() -> None:
        services.panel_action_update(actor=request.user, action=action, **form.cleaned_data)

    if submitted(request, form, run, "Action updated"):
        return redirect("panel", meeting_id=meeting.pk)
    # Its owner reads its words whatever their sight of the item; anyone else who may update
    # it may write about the item, so sees it. Logged each time it is drawn, as every read is.
    return logged_form_page(
        request,
        "panels/form.html",
        form,
        about=meeting,
        heading="Update the action",
        button="Save the update",
        read="action update",
        # The action whose words it shows, and the agenda item it is on.
        shown={"action": action.pk, "item": action.item_id},
        meeting=meeting,
        intro=action.description,
    )
