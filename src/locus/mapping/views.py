"""Pages for peer group mapping meetings: thin views over the selectors and services.

A meeting the viewer may not see, and an action they may not take, answer 404
(``NotPermitted`` is turned into one by the middleware). A move the meeting's
state does not allow is shown at the top of the form, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from locus.access import lookups
from locus.access import meetings as policies
from locus.access.models import Worker
from locus.access.selectors import all_agencies
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.ids import parse_ids
from locus.common.pages import posted, submitted
from locus.common.services import permitted
from locus.forums.pages import meetings_page
from locus.mapping import selectors, services
from locus.mapping.forms import (
    CancelForm,
    DecisionForm,
    InterventionForm,
    InterventionUpdateForm,
    InviteForm,
    MinutesForm,
    ProposeForm,
    ScheduleForm,
    ShareForm,
)
from locus.mapping.models import Meeting, MeetingChild, MeetingStatus
from locus.people.selectors import allocated_ids, people_chosen
from locus.places.models import Context


def _form_page(
    request: AuthedRequest, meeting: Meeting, form: GovukForm, **context: Any
) -> HttpResponse:
    # The form pages show the meeting (and some of them a child): reads are logged, and a
    # page shown again after an invalid post is read again.
    detail: dict[str, Any] = {"page": context.get("page", "")}
    if "people_shown" in context:
        detail["people_shown"] = context.pop("people_shown")
    record_access(actor=request.user, obj=meeting, detail=detail)
    template = context.pop("template", "mapping/form.html")
    return render(request, template, {"meeting": meeting, "form": form, **context})


# --- Lists and the meeting's page -----------------------------------------------------------


def meetings_list(request: AuthedRequest) -> HttpResponse:
    status, page, paging = meetings_page(
        request,
        statuses=MeetingStatus,
        meetings_for=lambda status: selectors.meetings_for(viewer=request.user, status=status),
        record_type="cocase.meeting",
    )
    meetings = list(page)
    groups = selectors.visible_group_ids(request.user, meetings)
    rows = [(m, selectors.group_label(m, m.group_id in groups)) for m in meetings]
    return render(
        request,
        "mapping/list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": MeetingStatus.choices,
            "can_propose": policies.can_propose_meeting(request.user),
            **paging,
        },
    )


def meeting_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = policies.access_meeting(request.user, meeting_id)
    detail = selectors.meeting_detail(viewer=request.user, meeting=meeting)
    record_access(
        actor=request.user,
        obj=meeting,
        detail={
            "people_shown": [r.person_id for r in detail.children if r.visible],
            # Children described only by who holds their case are disclosed too.
            "held_by_only": [r.person_id for r in detail.children if not r.visible],
        },
    )
    return render(
        request,
        "mapping/detail.html",
        {
            "d": detail,
            "meeting": detail.meeting,
            "map_data": detail.group_map.as_json() if detail.group_map else None,
        },
    )


# --- Proposing ---------------------------------------------------------------------------


def _group_from(request: AuthedRequest) -> Context | None:
    try:
        return lookups.access_group(request.user, request.GET.get("group"))
    except Http404:
        return None


def meeting_propose(request: AuthedRequest) -> HttpResponse:
    """Propose a meeting about the children named in the query (from a cluster or a
    child's linked cases), or about children on the proposer's caseload.

    The query is cut to ``MAX_PROPOSAL_CHILDREN`` ids, and only children the evidence
    joins to what the proposer sees are offered; the rest are dropped as missing ids
    would be. Every child the page discloses, by name or only by who holds the case,
    is logged.
    """
    viewer = request.user
    permitted(policies.can_propose_meeting, viewer)
    limit = selectors.MAX_PROPOSAL_CHILDREN
    from_query = parse_ids(request.GET.getlist("person"), limit=limit)
    # Without children from a cluster or a child's linked cases, offer the proposer's caseload.
    offered = from_query or allocated_ids(viewer)
    offered += parse_ids(request.POST.getlist("children"), limit=limit)
    candidates = selectors.proposal_candidates(viewer, offered)
    visible = [c.row.person_id for c in candidates if c.row.visible]
    extra_group = _group_from(request)
    groups = selectors.groups_for_proposal(viewer, visible, extra=extra_group)
    workers = selectors.invitable_workers()
    offered_ids = {str(c.row.person_id) for c in candidates}
    initial = {
        "children": [str(i) for i in from_query if str(i) in offered_ids],
        "group": str(extra_group.pk) if extra_group else "",
    }
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        candidates=candidates,
        groups=groups,
        workers=workers,
    )
    created: list[Meeting] = []

    def run() -> None:
        data = form.cleaned_data
        chosen = {int(i) for i in data["children"]}
        also = [w for w in workers if str(w.pk) == data.get("also_invite")]
        created.append(
            services.meeting_propose(
                actor=viewer,
                children=people_chosen(chosen),
                group=form.chosen_group(),
                invitees=also,
                title=data.get("title", ""),
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                lawful_basis_other=data.get("lawful_basis_other", ""),
            )
        )

    if submitted(request, form, run, "Meeting proposed: the workers holding the cases are invited"):
        return redirect("meeting", meeting_id=created[0].pk)
    held_only = [c.row.person_id for c in candidates if not c.row.visible]
    record_access(
        actor=viewer,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={
            "via": "meeting proposal",
            "asked": len(from_query),
            # Every child on the page: named, or described only by who holds the case.
            "shown": [str(pid) for pid in visible + held_only],
            "named": [str(pid) for pid in visible],
            "holder_only": [str(pid) for pid in held_only],
            "count": len(visible) + len(held_only),
        },
    )
    return render(request, "mapping/propose.html", {"form": form})


# --- Moving a meeting on ---------------------------------------------------------------------


def _action(
    request: AuthedRequest,
    meeting_id: int,
    *,
    allowed: Callable[..., bool],
    make_form: Callable[[Meeting], GovukForm],
    run: Callable[[Meeting, Any], Any],
    success: str,
    **page: Any,
) -> HttpResponse:
    """A form page that moves a meeting on: 404 unless ``allowed``, then run the service."""
    meeting = policies.access_meeting(request.user, meeting_id)
    permitted(allowed, request.user, meeting)
    form = make_form(meeting)
    if submitted(request, form, lambda: run(meeting, form.cleaned_data), success):
        return redirect("meeting", meeting_id=meeting.pk)
    return _form_page(request, meeting, form, **page)


def _schedule_form(request: AuthedRequest, meeting: Meeting) -> ScheduleForm:
    initial: dict[str, Any] = {"online": "online" if meeting.online else "in_person"}
    if meeting.scheduled_for is not None:
        local = timezone.localtime(meeting.scheduled_for)
        initial.update(when=local.date(), time=local.time(), location=meeting.location)
    return ScheduleForm(posted(request), initial=initial)


def meeting_schedule(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _action(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: _schedule_form(request, m),
        run=lambda m, data: services.meeting_schedule(
            actor=request.user,
            meeting=m,
            when=ScheduleForm.moment(data),
            online=data["online"] == "online",
            location=data.get("location", ""),
        ),
        success="Meeting scheduled",
        page="schedule",
        heading="When and where",
        button="Save",
    )


def _uninvited(meeting: Meeting) -> list[Worker]:
    invited = selectors.invited_ids(meeting)
    return [w for w in selectors.invitable_workers() if w.pk not in invited]


def meeting_invite(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    workers: list[Worker] = []

    def make_form(meeting: Meeting) -> InviteForm:
        workers.extend(_uninvited(meeting))
        return InviteForm(posted(request), workers=workers)

    return _action(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=make_form,
        run=lambda m, data: services.meeting_invite(
            actor=request.user,
            meeting=m,
            worker=next(w for w in workers if str(w.pk) == data["worker"]),
        ),
        success="Worker invited",
        page="invite",
        heading="Invite a worker",
        button="Invite",
    )


def meeting_minutes(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = policies.access_meeting(request.user, meeting_id)
    permitted(policies.can_record_minutes, request.user, meeting)
    invitees = selectors.invitees_of(meeting)
    form = MinutesForm(posted(request), invitees=invitees)

    def run() -> None:
        services.meeting_record_minutes(
            actor=request.user,
            meeting=meeting,
            attendance=form.attendance(),
            notes=form.cleaned_data.get("notes", ""),
            decisions=form.decision_lines(),
        )

    if submitted(request, form, run, "Minutes recorded"):
        return redirect("meeting", meeting_id=meeting.pk)
    preview = None
    if meeting.status == MeetingStatus.SCHEDULED and meeting.scheduled_for is not None:
        day = timezone.localtime(meeting.scheduled_for).date()
        links = selectors.meeting_children(meeting)
        visible = selectors.visible_group_ids(request.user, [meeting])
        preview = selectors.map_view(
            request.user,
            selectors.group_map_snapshot(meeting, day),
            links,
            selectors.group_label(meeting, meeting.group_id in visible),
        )
    shown = [n.person_id for n in preview.nodes if n.person_id] if preview else []
    return _form_page(
        request,
        meeting,
        form,
        page="minutes",
        people_shown=shown,
        template="mapping/minutes.html",
        heading="Record minutes",
        button="Record minutes",
        group_map=preview,
    )


def _agreeable(request: AuthedRequest, meeting_id: int, person_id: str) -> MeetingChild:
    """The meeting's child whom the viewer may bring (holder or manager), or 404."""
    meeting = policies.access_meeting(request.user, meeting_id)
    link = selectors.meeting_child(meeting, person_id)
    permitted(policies.can_agree_to_share, request.user, link)
    return link


def share_agree(request: AuthedRequest, meeting_id: int, person_id: str) -> HttpResponse:
    """A child's holder (or their manager) agrees to bring the child, and says what to share."""
    link = _agreeable(request, meeting_id, person_id)
    meeting = link.meeting
    mine = selectors.agreement_by(link, request.user)
    initial: dict[str, Any] = {
        "lawful_basis": mine.lawful_basis if mine else meeting.lawful_basis,
        "lawful_basis_other": mine.lawful_basis_other if mine else meeting.lawful_basis_other,
        "shared_fields": list(mine.fields) if mine else sorted(ShareForm.DEFAULT),
    }
    form = ShareForm(posted(request), initial=initial)

    def run() -> None:
        data = form.cleaned_data
        services.share_agree(
            actor=request.user,
            meeting=meeting,
            person=link.person,
            lawful_basis=data["lawful_basis"],
            lawful_basis_other=data.get("lawful_basis_other", ""),
            shared_fields=data.get("shared_fields", []),
        )

    if submitted(request, form, run, f"You agreed to bring {link.person.full_name}"):
        return redirect("meeting", meeting_id=meeting.pk)
    return _form_page(
        request,
        meeting,
        form,
        page="share",
        people_shown=[link.person_id],
        heading=f"Bring {link.person.full_name} to this meeting",
        intro="Workers who confirm they attended the meeting will see what you tick here "
        "about this child, once the meeting is held and if you (or your manager, if they "
        "agreed) confirm you attended too. The child's name is always shared. Closing the "
        "meeting ends the share.",
        button="Agree to share",
    )


def share_withdraw(request: AuthedRequest, meeting_id: int, person_id: str) -> HttpResponse:
    link = _agreeable(request, meeting_id, person_id)
    name = link.person.full_name
    form = GovukForm(posted(request))

    def run() -> None:
        services.share_withdraw(actor=request.user, meeting=link.meeting, person=link.person)

    if submitted(request, form, run, f"You no longer bring {name}"):
        return redirect("meeting", meeting_id=link.meeting.pk)
    return _form_page(
        request,
        link.meeting,
        form,
        page="withdraw share",
        people_shown=[link.person_id],
        heading=f"Stop bringing {name} to this meeting",
        intro="Nothing you agreed to share about this child will be shared at this meeting. "
        "Another worker who holds the case, or their manager, may still agree to bring them.",
        button="Withdraw my agreement",
        warning=True,
    )


def attendance_confirm(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _action(
        request,
        meeting_id,
        allowed=policies.can_confirm_attendance,
        make_form=lambda m: GovukForm(posted(request)),
        run=lambda m, data: services.attendance_confirm(actor=request.user, meeting=m),
        success="You confirmed that you attended",
        page="confirm attendance",
        heading="Confirm that you attended",
        intro="The minutes record you as attending. Confirm it only if you were there: "
        "confirming gives you sight of what the children's case holders agreed to share "
        "at this meeting, until it is closed.",
        button="I attended this meeting",
    )


def meeting_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _action(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: CancelForm(posted(request)),
        run=lambda m, data: services.meeting_cancel(
            actor=request.user, meeting=m, reason=data["reason"]
        ),
        success="Meeting cancelled",
        page="cancel",
        heading="Cancel the meeting",
        button="Cancel the meeting",
        warning=True,
    )


def meeting_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _action(
        request,
        meeting_id,
        allowed=policies.is_organiser,
        make_form=lambda m: GovukForm(posted(request)),
        run=lambda m, data: services.meeting_close(actor=request.user, meeting=m),
        success="Meeting closed",
        page="close",
        heading="Close the meeting",
        intro="Closing the meeting ends what it shared: workers who attended keep sight "
        "of a child only if their own work gives it. Each intervention must be done or "
        "stopped first.",
        button="Close the meeting",
    )


def decision_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    return _action(
        request,
        meeting_id,
        allowed=policies.can_record_minutes,
        make_form=lambda m: DecisionForm(posted(request)),
        run=lambda m, data: services.decision_add(actor=request.user, meeting=m, text=data["text"]),
        success="Decision added",
        page="decision",
        heading="Add a decision",
        button="Add decision",
    )


# --- Interventions -----------------------------------------------------------------------------


def intervention_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = policies.access_meeting(request.user, meeting_id)
    permitted(policies.can_add_intervention, request.user, meeting)
    links = selectors.meeting_children(meeting)
    children = selectors.child_rows(request.user, links)
    visible_groups = selectors.visible_group_ids(request.user, [meeting])
    glabel = selectors.group_label(meeting, meeting.group_id in visible_groups)
    owners = selectors.attended_workers(meeting)
    agencies = all_agencies()
    initial = {"owner": str(request.user.pk) if request.user in owners else ""}
    form = InterventionForm(
        posted(request),
        initial=initial,
        children=children,
        group_label=glabel,
        owners=owners,
        agencies=agencies,
    )

    def run() -> None:
        data = form.cleaned_data
        person_id = form.person_id()
        person = next((link.person for link in links if link.person_id == person_id), None)
        services.intervention_add(
            actor=request.user,
            meeting=meeting,
            owner=next(w for w in owners if str(w.pk) == data["owner"]),
            description=data["description"],
            due_on=data.get("due_on"),
            person=person,
            group=meeting.group if form.for_group() else None,
            agency=next((a for a in agencies if str(a.pk) == data.get("agency")), None),
            status=data["status"],
        )

    if submitted(request, form, run, "Intervention added"):
        return redirect("meeting", meeting_id=meeting.pk)
    return _form_page(
        request,
        meeting,
        form,
        page="intervention",
        heading="Add an intervention",
        button="Add intervention",
    )


def intervention_update(
    request: AuthedRequest, meeting_id: int, intervention_id: int
) -> HttpResponse:
    meeting = policies.access_meeting(request.user, meeting_id)
    intervention = selectors.intervention_of(meeting, intervention_id)
    permitted(policies.can_update_intervention, request.user, intervention)
    form = InterventionUpdateForm(posted(request), intervention=intervention)

    def run() -> None:
        data = form.cleaned_data
        services.intervention_update(
            actor=request.user,
            intervention=intervention,
            status=data["status"],
            note=data["note"],
            due_on=data.get("due_on"),
        )

    if submitted(request, form, run, "Intervention updated"):
        return redirect("meeting", meeting_id=meeting.pk)
    return _form_page(
        request,
        meeting,
        form,
        page="intervention update",
        heading="Update the intervention",
        intro=intervention.description,
        button="Save update",
    )
