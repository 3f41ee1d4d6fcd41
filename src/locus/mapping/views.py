"""Pages for peer group mapping meetings: thin views over the selectors and services.

A meeting the viewer may not see, and an action they may not take, answer 404
(``NotPermitted`` is turned into one by the middleware). A move the meeting's
state does not allow is shown at the top of the form, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from locus.access import lookups
from locus.access import meetings as policies
from locus.access.models import Agency, Worker
from locus.access.selectors import all_agencies
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.ids import parse_ids
from locus.common.pages import posted, submitted
from locus.common.services import permitted
from locus.common.steps import Place, Step, confirm, plain, take
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
    WithdrawForm,
)
from locus.mapping.models import Meeting, MeetingChild, MeetingStatus
from locus.peers.drawing import drawing
from locus.peers.maps import people_map
from locus.people.selectors import allocated_ids, people_chosen
from locus.places.models import Context
from locus.sharing.forms import basis_initial
from locus.web.refs import people_in, person_key

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
            # The group map as discussed names whom the viewer sees (the rest by initials).
            "map_named": detail.group_map.named_ids() if detail.group_map else [],
            **detail.listed(),
        },
    )
    return render(
        request,
        "mapping/detail.html",
        {
            "d": detail,
            "meeting": detail.meeting,
            "map_data": detail.group_map.as_json() if detail.group_map else None,
            **_drawn_map(detail.group_map, request.GET.get("expand", "")),
        },
    )


def _drawn_map(group_map: selectors.GroupMap | None, expand: str) -> dict[str, Any]:
    """The group map as discussed, drawn by the server from the labels the tables show
    (peers' layout; by sub-group when large, ``?expand=N`` opening one)."""
    if group_map is None:
        return {}
    data = people_map(
        group_map.group_label or "The meeting's children",
        [(n.key, n.label, n.kind, 1 if n.concerned else 2) for n in group_map.nodes],
        [(e.source.key, e.target.key, e.nature) for e in group_map.edges],
        expand=int(expand) if expand.isdigit() else None,
        anchor="meeting-map-svg",
    )
    return {"map_drawn": drawing(data), "map_sub_groups": data.sub_groups}


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
    # A child the linked cases page does not name comes by this session's reference to her.
    from_query = parse_ids(people_in(request, request.GET.getlist("person")), limit=limit)
    # Without children from a cluster or a child's linked cases, offer the proposer's caseload.
    offered = from_query or allocated_ids(viewer)
    offered += parse_ids(people_in(request, request.POST.getlist("children")), limit=limit)
    candidates = selectors.proposal_candidates(viewer, offered)
    visible = [c.row.person_id for c in candidates if c.row.visible]
    extra_group = _group_from(request)
    groups = selectors.groups_for_proposal(viewer, visible, extra=extra_group)
    workers = selectors.invitable_workers()
    # Nothing is ticked: the proposer chooses each child, with the reason it is offered.
    initial = {"group": str(extra_group.pk) if extra_group else ""}
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        candidates=candidates,
        groups=groups,
        workers=workers,
        # Nor does this page publish the id of a child it does not name.
        key=lambda person_id, visible: person_key(request, person_id, visible),
    )
    created: list[Meeting] = []

    def run() -> None:
        data = form.cleaned_data
        chosen = form.chosen_ids()
        also = [w for w in workers if str(w.pk) == data.get("also_invite")]
        created.append(
            services.meeting_propose(
                actor=viewer,
                children=people_chosen(chosen),
                group=form.chosen_group(),
                invitees=also,
                title=data.get("title", ""),
                purpose=data["purpose"],
                basis=form.basis(),
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
    reasons = selectors.proposal_reasons(viewer, candidates, from_query)
    return render(
        request, "mapping/propose.html", {"form": form, "by_holder": form.by_holder(reasons)}
    )


# --- Moving a meeting on ---------------------------------------------------------------------
# Every form page that moves a meeting on is one entry of STEPS (keyed by its url name), run
# by meeting_step: the meeting (404 if not visible), what on it the step is about, the
# permission (404), the form; a valid post runs the service and goes back to the meeting.
# Each form page shows the meeting (some, a child), so each showing logs the read, again
# after an invalid post.

MEETINGS = Place(
    find=policies.access_meeting,
    home="meeting",
    name="meeting",
    template="mapping/form.html",
)


def _schedule_form(request: AuthedRequest, meeting: Meeting) -> ScheduleForm:
    initial: dict[str, Any] = {"online": "online" if meeting.online else "in_person"}
    if meeting.scheduled_for is not None:
        local = timezone.localtime(meeting.scheduled_for)
        initial.update(when=local.date(), time=local.time(), location=meeting.location)
    return ScheduleForm(posted(request), initial=initial)


def _schedule(actor: Worker, meeting: Meeting, form: ScheduleForm) -> Any:
    data = form.cleaned_data
    when, online = ScheduleForm.moment(data), data["online"] == "online"
    location = data.get("location", "")
    return services.meeting_schedule(
        actor=actor, meeting=meeting, when=when, online=online, location=location
    )


@dataclass(frozen=True)
class _Invite:
    """A meeting, with the workers not yet invited to it (whom the form offers)."""

    meeting: Meeting
    workers: list[Worker]


def _uninvited(meeting: Meeting) -> _Invite:
    invited = selectors.invited_ids(meeting)
    return _Invite(meeting, [w for w in selectors.invitable_workers() if w.pk not in invited])


def _invite(actor: Worker, invite: _Invite, form: InviteForm) -> Any:
    worker = next(w for w in invite.workers if str(w.pk) == form.cleaned_data["worker"])
    return services.meeting_invite(actor=actor, meeting=invite.meeting, worker=worker)


def _minutes_form(request: AuthedRequest, meeting: Meeting) -> MinutesForm:
    return MinutesForm(posted(request), invitees=selectors.invitees_of(meeting))


def _record_minutes(actor: Worker, meeting: Meeting, form: MinutesForm) -> Any:
    attendance, decisions = form.attendance(), form.decision_lines()
    notes = form.cleaned_data.get("notes", "")
    return services.meeting_record_minutes(
        actor=actor, meeting=meeting, attendance=attendance, notes=notes, decisions=decisions
    )


def _minutes_map(request: AuthedRequest, meeting: Meeting) -> dict[str, Any]:
    """A scheduled meeting's minutes show the group's map as it stood on the day, and the
    children it names (for the read)."""
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
    return {"group_map": preview, "people_shown": shown}


def _share_form(request: AuthedRequest, link: MeetingChild) -> ShareForm:
    """What the worker agreed before (if they did), else the meeting's basis and the usual."""
    meeting = link.meeting
    mine = selectors.agreement_by(link, request.user)
    initial: dict[str, Any] = {
        **basis_initial(mine.basis if mine else meeting.basis),
        "shared_fields": list(mine.fields) if mine else sorted(ShareForm.DEFAULT),
    }
    return ShareForm(posted(request), initial=initial)


def _agree(actor: Worker, link: MeetingChild, form: ShareForm) -> Any:
    return services.share_agree(
        actor=actor,
        meeting=link.meeting,
        person=link.person,
        basis=form.basis(),
        shared_fields=form.cleaned_data.get("shared_fields", []),
    )


def _the_child(request: AuthedRequest, link: MeetingChild) -> dict[str, Any]:
    return {"people_shown": [link.person_id]}


def _child_step(
    heading: str,
    button: str,
    done: str,
    form: Callable[[AuthedRequest, MeetingChild], Any],
    run: Callable[[Worker, MeetingChild, Any], object],
    **more: Any,
) -> Step:
    """A step on one of the meeting's children, which their holder (or the holder's manager)
    takes: the heading and message name the child (at ``{}``), and the read logs them."""
    return Step(
        lambda link: heading.format(link.person.full_name),
        button,
        lambda link: done.format(link.person.full_name),
        form,
        run,
        policies.can_agree_to_share,
        on=selectors.meeting_child,
        more=_the_child,
        **more,
    )


@dataclass(frozen=True)
class _Offers:
    """A meeting, with whom an intervention may name: its children, the workers who
    attended (as owners), and the agencies."""

    meeting: Meeting
    links: list[MeetingChild]
    owners: list[Worker]
    agencies: list[Agency]


def _offers(meeting: Meeting) -> _Offers:
    links = selectors.meeting_children(meeting)
    return _Offers(meeting, links, selectors.attended_workers(meeting), all_agencies())


def _children_for(viewer: Worker, offers: _Offers) -> list[MeetingChild]:
    """Of the meeting's children, those the viewer may agree work for
    (``meetings.nameable_in_interventions``: seen in their own right, lastingly)."""
    mine = policies.nameable_in_interventions(viewer, [link.person_id for link in offers.links])
    return [link for link in offers.links if link.person_id in mine]


def _intervention_form(request: AuthedRequest, offers: _Offers) -> InterventionForm:
    """The children the viewer may agree work for, and the group if they may name it."""
    viewer, meeting = request.user, offers.meeting
    children = selectors.child_rows(viewer, _children_for(viewer, offers))
    # The group is offered only to a writer who may name it (seen lastingly), by its name.
    group = meeting.group
    named = group is not None and policies.can_name_group_in_intervention(viewer, group)
    glabel = selectors.group_label(meeting, True) if named else ""
    initial = {"owner": str(viewer.pk) if viewer in offers.owners else ""}
    return InterventionForm(
        posted(request),
        initial=initial,
        children=children,
        group_label=glabel,
        owners=offers.owners,
        agencies=offers.agencies,
    )


def _children_named(request: AuthedRequest, offers: _Offers) -> dict[str, Any]:
    """The meeting's children the form's "Who is it for?" names (those the viewer sees; the
    others are described by who holds their case), for the read."""
    rows = selectors.child_rows(request.user, _children_for(request.user, offers))
    return {"people_shown": [row.person_id for row in rows if row.visible]}


def _add_intervention(actor: Worker, offers: _Offers, form: InterventionForm) -> Any:
    data = form.cleaned_data
    person_id = form.person_id()
    links = _children_for(actor, offers)
    person = next((link.person for link in links if link.person_id == person_id), None)
    return services.intervention_add(
        actor=actor,
        meeting=offers.meeting,
        owner=next(w for w in offers.owners if str(w.pk) == data["owner"]),
        description=data["description"],
        due_on=data.get("due_on"),
        person=person,
        group=offers.meeting.group if form.for_group() else None,
        agency=next((a for a in offers.agencies if str(a.pk) == data.get("agency")), None),
        status=data["status"],
    )


def _update_intervention(actor: Worker, intervention: Any, form: InterventionUpdateForm) -> Any:
    data = form.cleaned_data
    status, note, due_on = data["status"], data["note"], data.get("due_on")
    return services.intervention_update(
        actor=actor, intervention=intervention, status=status, note=note, due_on=due_on
    )


def _answered(service: Callable[..., object]) -> Callable[[Worker, Meeting, Any], object]:
    """A service on the meeting that takes the form's answers as they are: none, the
    decision's text, the reason for cancelling."""
    return lambda actor, meeting, form: service(actor=actor, meeting=meeting, **form.cleaned_data)


_ORGANISES = policies.is_organiser

STEPS: dict[str, Step] = {
    "meeting-schedule": Step(
        "When and where",
        "Save",
        "Meeting scheduled",
        _schedule_form,
        _schedule,
        _ORGANISES,
        read="schedule",
    ),
    "meeting-invite": Step(
        "Invite a worker",
        "Invite",
        "Worker invited",
        lambda request, invite: InviteForm(posted(request), workers=invite.workers),
        _invite,
        _ORGANISES,
        prepare=_uninvited,
        read="invite",
    ),
    "meeting-minutes": Step(
        "Record minutes",
        "Record minutes",
        "Minutes recorded",
        _minutes_form,
        _record_minutes,
        policies.can_record_minutes,
        template="mapping/minutes.html",
        read="minutes",
        more=_minutes_map,
    ),
    "meeting-share": _child_step(
        "Bring {} to this meeting",
        "Agree to share",
        "You agreed to bring {}",
        _share_form,
        _agree,
        intro="Workers who confirm they attended the meeting will see what you tick here "
        "about this child, once the meeting is held and if you (or your manager, if they "
        "agreed) confirm you attended too. The child's name is always shared. Closing the "
        "meeting ends the share.",
        template="mapping/share.html",
        read="share",
    ),
    "meeting-share-withdraw": _child_step(
        "Stop bringing {} to this meeting",
        "Withdraw my agreement",
        "You no longer bring {}",
        plain(WithdrawForm),
        lambda actor, link, form: services.share_withdraw(
            actor=actor, meeting=link.meeting, person=link.person, **form.cleaned_data
        ),
        intro="Nothing you agreed to share about this child will be shared at this meeting. "
        "Another worker who holds the case, or their manager, may still agree to bring them.",
        warning=True,
        read="withdraw share",
    ),
    "meeting-confirm-attendance": Step(
        "Confirm that you attended",
        "I attended this meeting",
        "You confirmed that you attended",
        confirm,
        _answered(services.attendance_confirm),
        policies.can_confirm_attendance,
        intro="The minutes record you as attending. Confirm it only if you were there: "
        "confirming gives you sight of what the children's case holders agreed to share "
        "at this meeting, until it is closed.",
        read="confirm attendance",
    ),
    "meeting-decision": Step(
        "Add a decision",
        "Add decision",
        "Decision added",
        plain(DecisionForm),
        _answered(services.decision_add),
        policies.can_add_decision,
        read="decision",
    ),
    "meeting-close": Step(
        "Close the meeting",
        "Close the meeting",
        "Meeting closed",
        confirm,
        _answered(services.meeting_close),
        _ORGANISES,
        intro="Closing the meeting ends what it shared: workers who attended keep sight "
        "of a child only if their own work gives it. Each intervention must be done or "
        "stopped first.",
        read="close",
    ),
    "meeting-cancel": Step(
        "Cancel the meeting",
        "Cancel the meeting",
        "Meeting cancelled",
        plain(CancelForm),
        _answered(services.meeting_cancel),
        _ORGANISES,
        warning=True,
        read="cancel",
    ),
    "intervention-add": Step(
        "Add an intervention",
        "Add intervention",
        "Intervention added",
        _intervention_form,
        _add_intervention,
        policies.can_add_intervention,
        prepare=_offers,
        read="intervention",
        more=_children_named,
    ),
    "intervention-update": Step(
        "Update the intervention",
        "Save update",
        "Intervention updated",
        lambda request, intervention: InterventionUpdateForm(
            posted(request), intervention=intervention
        ),
        _update_intervention,
        policies.can_update_intervention,
        on=selectors.intervention_of,
        intro=lambda intervention: intervention.description,
        read="intervention update",
    ),
}


def meeting_step(request: AuthedRequest, meeting_id: int, step: str, **ids: Any) -> HttpResponse:
    """The form page of ``STEPS[step]`` on the meeting (``ids``: the rest of the url)."""
    return take(request, MEETINGS, STEPS[step], meeting_id, **ids)
