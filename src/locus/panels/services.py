"""Writing panel meetings: set up, agenda, held, discussion, decisions, actions, close.

A panel meeting moves ``scheduled -> held -> closed``, or is cancelled before it
is held; what each status allows is ``models.PANEL_MACHINE``, and any other move
raises :class:`InvalidTransition` with a plain message. Every service checks
permission, validates every field (all problems at once) before it writes, and
audits each row it writes in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Unpack, cast

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format

from locus.access import context_cases, lookups
from locus.access import panel_meetings as policies
from locus.access import policies as access_policies
from locus.access.models import Worker
from locus.casework import services as casework
from locus.casework.models import PLAN_MACHINE, CaseStatus, ContextPlan, PlanStatus
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.modelkit import choice_values
from locus.common.models import Confidence, Source
from locus.common.services import (
    Problems,
    create_audited,
    lock,
    permitted,
    recorded,
    save_changes,
    today,
)
from locus.forums import services as forums
from locus.forums.models import (
    FINISHED_ACTION_STATUSES,
    Attendance,
)
from locus.notifications.services import assign, invite, meeting_cancelled, meeting_over
from locus.panels.models import (
    PANEL_MACHINE,
    PLAN_SOURCE,
    YOUNG_PERSON_KINDS,
    AgendaItem,
    ItemKind,
    PanelAction,
    PanelAttendee,
    PanelDecision,
    PanelKind,
    PanelMeeting,
    PanelStep,
)
from locus.people.models import Allocation, Person, PersonKind
from locus.places.models import Context
from locus.profiles.models import ProfileItem
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import Basis

DEFAULT_REVIEW = dt.timedelta(weeks=12)
# A panel is recorded up to a year after it met or set up to a year ahead; further is a typo.
WINDOW = dt.timedelta(days=366)
UNTIL_CLOSED = "Until the meeting is closed"
MAX_TEXT = 2000


def require_step(meeting: PanelMeeting, step: PanelStep) -> str:
    """The meeting's status after ``step``, or :class:`InvalidTransition` in its own terms."""
    return PANEL_MACHINE.after(meeting.status, step)


def _move(actor: Worker, meeting: PanelMeeting, step: PanelStep, **fields: Any) -> PanelMeeting:
    """Move the meeting on by ``step`` (checked by the caller), writing ``fields`` with its
    new status, audited."""
    return save_changes(
        actor=actor, obj=meeting, fields={"status": require_step(meeting, step), **fields}
    )


def _organise(actor: Worker, meeting: PanelMeeting, step: PanelStep) -> None:
    permitted(policies.is_organiser, actor, meeting)
    lock(meeting, fields=["status"])
    require_step(meeting, step)


def _text(problems: Problems, field: str, value: str, missing: str, limit: int = MAX_TEXT) -> str:
    value = value.strip()
    if missing:
        problems.check(bool(value), field, missing)
    problems.check(len(value) <= limit, field, f"This must be {limit} characters or fewer")
    return value


def _check_attendable(problems: Problems, field: str, worker: Worker) -> None:
    problems.check(
        policies.may_attend(worker),
        field,
        f"{worker} cannot be on the list: only active practitioners, managers and analysts",
    )


# --- Setting up ------------------------------------------------------------------------------


@transaction.atomic
def panel_create(
    *,
    actor: Worker,
    kind: str,
    meets_on: dt.date | None,
    chair: Worker,
    basis: Basis,
    title: str = "",
    place: str = "",
    review_on: dt.date | None = None,
    attendees: Iterable[Worker] = (),
) -> PanelMeeting:
    """Set up a contextual HSB meeting or MACE panel.

    Whoever sets it up and the chair are on its attendee list (so they see it);
    the review date defaults to twelve weeks after the meeting.
    """
    permitted(policies.can_set_up_panel, actor)
    problems = Problems()
    problems.check(
        kind in choice_values(PanelKind), "kind", "Choose an HSB meeting or a MACE panel"
    )
    if meets_on is None:
        problems.add("meets_on", "Enter the date of the meeting")
    elif abs(meets_on - today()) > WINDOW:
        problems.add("meets_on", "The meeting must be within a year of today")
    _check_attendable(problems, "chair", chair)
    sharing.check_basis(problems, basis)
    title = _text(problems, "title", title, "", 120)
    place = _text(problems, "place", place, "", 200)
    if meets_on is not None:
        review_on = review_on or meets_on + DEFAULT_REVIEW
        problems.check(review_on > meets_on, "review_on", "The review must be after the meeting")
    others = {w.pk: w for w in attendees if w.pk not in (actor.pk, chair.pk)}
    for worker in others.values():
        _check_attendable(problems, "attendees", worker)
    problems.raise_if_any()
    assert meets_on is not None and review_on is not None
    title = title or f"{PanelKind(kind).label}, {date_format(meets_on, 'j F Y')}"
    meeting = create_audited(
        actor,
        PanelMeeting,
        kind=kind,
        title=title,
        meets_on=meets_on,
        place=place,
        chair=chair,
        **sharing.basis_values(basis),
        review_on=review_on,
        **recorded(actor, "created_by", "created_at"),
        # Their managers organise it for good, wherever either moves later.
        created_by_team_id=actor.team_id,
        chair_team_id=chair.team_id,
    )
    everyone = {actor.pk: actor, chair.pk: chair, **others}
    for worker in everyone.values():
        create_audited(
            actor, PanelAttendee, meeting=meeting, worker=worker, **_team_of(worker), added_by=actor
        )
        _invite(actor, meeting, worker)
    sharing.record_share(
        actor=actor,
        kind=ShareKind.PANEL,
        basis=basis,
        purpose=f"{PanelKind(kind).label}: to agree how to keep the children and places on "
        "its agenda safe",
        what=["The agenda's children and contexts", "Discussion, decisions and actions"],
        record_ref=f"Panel {meeting.pk}: {title}",
        source=meeting,
        recipients=[sharing.To(worker=w) for pk, w in everyone.items() if pk != actor.pk],
        until_note=UNTIL_CLOSED,
    )
    return meeting


def _team_of(worker: Worker | None) -> dict[str, int | None]:
    """The team a worker put on the list is in now, kept on their row: its managers may open
    the meeting for good, wherever the worker moves later (a named partner has none)."""
    return {"team_id": worker.team_id if worker is not None else None}


def _invite(actor: Worker, meeting: PanelMeeting, worker: Worker | None) -> None:
    """A worker put on the list hears of it in My work (a named partner has no account)."""
    if worker is not None:
        label = PanelKind(meeting.kind).label
        url = reverse("panel", args=[meeting.pk])
        invite(actor, worker, meeting, url, f"the {label}", meeting.meets_on)


@transaction.atomic
def panel_attendee_add(
    *,
    actor: Worker,
    meeting: PanelMeeting,
    worker: Worker | None = None,
    name: str = "",
    organisation: str = "",
) -> PanelAttendee:
    """Put a worker on the list (they will see the meeting), or a partner's representative
    without a Locus account, by name and organisation (a record only)."""
    _organise(actor, meeting, PanelStep.ADD_ATTENDEE)
    problems = Problems()
    name = _text(problems, "name", name, "", 200)
    organisation = _text(problems, "organisation", organisation, "", 200)
    if worker is not None:
        problems.check(not name, "name", "Choose a worker or enter a name, not both")
        _check_attendable(problems, "worker", worker)
        problems.check(
            not meeting.attendees.filter(worker=worker).exists(),
            "worker",
            f"{worker} is already on the list",
        )
    else:
        problems.check(bool(name), "name", "Choose a worker, or enter the person's name")
        problems.check(
            bool(organisation) or not name,
            "organisation",
            "Enter the organisation the person is from",
        )
    problems.raise_if_any()
    _invite(actor, meeting, worker)
    sharing.add_recipients(
        actor=actor,
        source=meeting,
        recipients=[
            sharing.To(worker=worker, name=", ".join(p for p in (name, organisation) if p))
        ],
    )
    return create_audited(
        actor,
        PanelAttendee,
        meeting=meeting,
        worker=worker,
        **_team_of(worker),
        name=name,
        organisation=organisation,
        added_by=actor,
    )


def _holder(person: Person | None) -> dict[str, Any]:
    """An item's holder fields: who holds the person's case (earliest open allocation), or else
    who recorded them (unless that was the system, an import, which nobody can be asked about)."""
    holder, team, holds_case = None, None, False
    allocation = (
        Allocation.objects.current()
        .filter(person=person)
        .select_related("worker", "team")
        .order_by("start", "id")
        .first()
        if person is not None
        else None
    )
    if allocation is not None:
        holder, team, holds_case = allocation.worker, allocation.team, True
    elif person is not None:
        # recorded_by_field() is an untyped ForeignKey to access.Worker.
        recorder = cast("Worker | None", person.recorded_by)
        if recorder is not None and recorder.team is not None:
            holder, team = recorder, recorder.team
    return {"holder": holder, "holder_team": team, "holds_case": holds_case}


@transaction.atomic
def agenda_item_add(
    *,
    actor: Worker,
    meeting: PanelMeeting,
    kind: str,
    reason: str,
    person: Person | None = None,
    context: Context | None = None,
    source: str = "",
    confidence: str = "",
) -> AgendaItem:
    """Put a young person harmed, a young person who harmed, a person of concern, or a
    location on the agenda.

    Harmed and harming are separate lists: a young person on both is two items.
    A person of concern is an adult *associated* with the young people or places,
    and the item says where that association comes from (source, confidence).
    Naming someone or somewhere needs sight of them. An organiser who writes the panel's
    record sets its agenda: not the IT administrator (``can_set_agenda``).
    """
    permitted(policies.can_set_agenda, actor, meeting)
    lock(meeting, fields=["status"])
    require_step(meeting, PanelStep.ADD_ITEM)
    if person is not None:
        permitted(access_policies.can_name_people, actor, [person])
    if context is not None:
        # Not a place seen only through emergency access: the agenda goes on naming it after.
        permitted(lookups.sees_context_lastingly, actor, context)
    problems = Problems()
    problems.check(kind in choice_values(ItemKind), "kind", "Choose which list it goes on")
    if kind == ItemKind.LOCATION:
        problems.check(context is not None, "context", "Choose the location")
        problems.check(person is None, "person", "A location item names a place, not a person")
        problems.check(
            context is None or not meeting.items.filter(context=context).exists(),
            "context",
            "This location is already on the agenda",
        )
    elif kind in choice_values(ItemKind):
        problems.check(person is not None, "person", "Choose the person")
        problems.check(context is None, "context", "A person's item names a person, not a place")
        if person is not None:
            if kind in YOUNG_PERSON_KINDS:
                problems.check(
                    person.kind == PersonKind.YOUNG_PERSON,
                    "person",
                    "Only a young person goes on this list: an adult is a person of concern",
                )
            else:
                problems.check(
                    person.kind == PersonKind.ADULT_OF_CONCERN,
                    "person",
                    "A young person goes on the list of young people harmed or who harmed, "
                    "not as a person of concern",
                )
            problems.check(
                not meeting.items.filter(kind=kind, person=person).exists(),
                "person",
                f"{person.full_name} is already on the list: {ItemKind(kind).label.lower()}",
            )
    reason = _text(problems, "reason", reason, "Say why it is on the agenda")
    if kind == ItemKind.PERSON_OF_CONCERN:
        problems.check(
            source in choice_values(Source),
            "source",
            "Say where the information about them comes from",
        )
        problems.check(
            confidence in choice_values(Confidence), "confidence", "Say how sure the information is"
        )
    else:
        source = confidence = ""
    problems.raise_if_any()
    if person is not None:
        # The panel shares about each person on its agenda: its register row says whom.
        sharing.add_people(actor=actor, source=meeting, people=[person.pk])
    return create_audited(
        actor,
        AgendaItem,
        meeting=meeting,
        kind=kind,
        person=person,
        **_holder(person),
        context=context,
        reason=reason,
        source=source,
        confidence=confidence,
        **recorded(actor, "added_by", "added_at"),
    )


@transaction.atomic
def panel_cancel(*, actor: Worker, meeting: PanelMeeting, reason: str) -> PanelMeeting:
    _organise(actor, meeting, PanelStep.CANCEL)
    problems = Problems()
    reason = _text(problems, "reason", reason, "Say why the meeting is cancelled")
    problems.raise_if_any()
    sharing.end_shares(actor=actor, source=meeting, note="Meeting cancelled")
    meeting = _move(
        actor, meeting, PanelStep.CANCEL, cancelled_at=clock.now(), cancel_reason=reason
    )
    # Those on its list hear it is off, and an invitation they have not read goes.
    listed = [a.worker for a in meeting.attendees.select_related("worker") if a.worker]
    label = PanelKind(meeting.kind).label
    url = reverse("panel", args=[meeting.pk])
    meeting_cancelled(actor, meeting, listed, url, label, meeting.meets_on)
    return meeting


# --- The meeting ------------------------------------------------------------------------------


@transaction.atomic
def panel_hold(
    *,
    actor: Worker,
    meeting: PanelMeeting,
    attended: Iterable[int],
    summary: str = "",
    review_on: dt.date | None = None,
) -> PanelMeeting:
    """Record that the meeting took place: who attended (attendee ids), what was discussed
    overall, and the review date (kept unless changed)."""
    _organise(actor, meeting, PanelStep.HOLD)
    if meeting.meets_on > today():
        raise InvalidTransition(
            f"The meeting is set for {date_format(meeting.meets_on, 'j F Y')}: "
            "record it as held once it has taken place"
        )
    attendees = list(meeting.attendees.order_by("id"))
    present = set(attended)
    problems = Problems()
    problems.check(
        present <= {a.pk for a in attendees}, "attended", "Choose people from the list only"
    )
    problems.check(bool(present), "attended", "Choose at least one person who attended")
    summary = _text(problems, "summary", summary, "", 5000)
    # What was discussed is the panel's record: not written by an organiser who may not write
    # it (the IT administrator; the chairs' manager, on a panel one of their chairs chairs).
    problems.check(
        not summary or policies.can_record_discussion(actor, meeting),
        "summary",
        "The panel's chair or those who attended record what was discussed: leave this blank",
    )
    review_on = review_on or meeting.review_on
    problems.check(
        review_on > meeting.meets_on, "review_on", "The review must be after the meeting"
    )
    problems.raise_if_any()
    for attendee in attendees:
        status = Attendance.ATTENDED if attendee.pk in present else Attendance.ABSENT
        save_changes(actor=actor, obj=attendee, fields={"attendance": status})
    meeting_over(actor, meeting)
    return _move(
        actor,
        meeting,
        PanelStep.HOLD,
        summary=summary,
        review_on=review_on,
        **recorded(actor, "held_recorded_by", "held_recorded_at"),
    )


def _on_item(actor: Worker, item: AgendaItem, step: PanelStep) -> PanelMeeting:
    """Lock the item's meeting and check the step; writing about a person or place needs
    lasting sight of them (``access.panel_meetings.can_write_item``)."""
    meeting = item.meeting
    lock(meeting, fields=["status"])
    require_step(meeting, step)
    permitted(policies.can_write_item, actor, item)
    return meeting


@transaction.atomic
def item_discussion_record(*, actor: Worker, item: AgendaItem, discussion: str) -> AgendaItem:
    permitted(policies.can_record_discussion, actor, item.meeting)
    _on_item(actor, item, PanelStep.DISCUSS)
    problems = Problems()
    discussion = _text(problems, "discussion", discussion, "Enter what was discussed", 5000)
    problems.raise_if_any()
    return save_changes(actor=actor, obj=item, fields={"discussion": discussion})


@transaction.atomic
def panel_decision_add(
    *, actor: Worker, meeting: PanelMeeting, text: str, item: AgendaItem | None = None
) -> PanelDecision:
    """A decision on one agenda item, or on the meeting as a whole."""
    permitted(policies.can_record_discussion, actor, meeting)
    if item is not None:
        if item.meeting_id != meeting.pk:
            raise ValueError("the item is not on this meeting's agenda")
        _on_item(actor, item, PanelStep.DECIDE)
    else:
        # Its words sit with the discussion's summary: only for those who read that.
        permitted(policies.can_add_general_decision, actor, meeting)
        lock(meeting, fields=["status"])
        require_step(meeting, PanelStep.DECIDE)
    problems = Problems()
    text = _text(problems, "text", text, "Enter the decision")
    problems.raise_if_any()
    [decision] = forums.record_decisions(actor, PanelDecision, [text], meeting=meeting, item=item)
    return decision


def active_plan_for(context: Context) -> ContextPlan | None:
    """The location's approved context safeguarding plan, on its open case, if it has one."""
    return (
        ContextPlan.objects.filter(case__context=context, status=PlanStatus.ACTIVE)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__context")
        .first()
    )


@transaction.atomic
def panel_action_add(
    *,
    actor: Worker,
    item: AgendaItem,
    builds_on: Iterable[ProfileItem] = (),
    **action: Unpack[forums.NewAction],
) -> PanelAction:
    """Agree an action on an agenda item: an owner on the meeting's list, the agency that
    delivers it (the owner's unless named), a due date, and the young person's strengths
    it builds on (current items of that young person's aspirational profile).

    An action on a location that has an approved context safeguarding plan (its case
    open) lands on that plan, so that the case team follows it with the plan's other
    actions; the panel keeps the link. Without such a plan it stays with the panel.
    """
    meeting = item.meeting
    permitted(policies.can_add_action, actor, meeting)
    _on_item(actor, item, PanelStep.ADD_ACTION)
    plan = active_plan_for(item.context) if item.context is not None else None
    if plan is not None:
        lock(plan)
        plan = plan if PLAN_MACHINE.allows(plan.status, "edit") else None
    strengths = list(builds_on)
    problems = Problems()
    # What was agreed, on the panel's action and on the plan's where it lands.
    terms = forums.action_terms(problems, **action)
    owner = terms["owner"]
    problems.check(
        meeting.attendees.filter(worker=owner).exists(),
        "owner",
        "The owner must be a worker on the meeting's list",
    )
    if refused := context_cases.refused_as_owner(owner):
        problems.add("owner", refused)
    delivering = terms["agency"]
    if plan is not None and delivering is not None and owner.agency_id != delivering.pk:
        # The plan's rule: its actions are owned by someone in the delivering agency.
        problems.add(
            "owner",
            f"{owner} does not work for {delivering}: on a context plan the owner works for "
            "the agency that delivers the action",
        )
    if strengths:
        problems.check(
            item.kind in YOUNG_PERSON_KINDS
            and all(s.person_id == item.person_id and s.ended_on is None for s in strengths),
            "builds_on",
            "Choose strengths from this young person's current profile",
        )
    problems.raise_if_any()
    # Casework's service writes the plan's row, its history and its audit.
    landed = (
        casework.action_land(
            actor=actor,
            plan=plan,
            source=PLAN_SOURCE[PanelKind(meeting.kind)],
            note=f"Agreed at {meeting.title}; owned by {owner}, {delivering}",
            **terms,
        )
        if plan is not None
        else None
    )
    panel_action = forums.agree_action(
        actor,
        PanelAction,
        f"Agreed; owned by {owner}",
        strengths,
        item=item,
        meeting=meeting,
        plan_action=landed,
        **terms,
    )
    if landed is None:  # one that landed on a plan was told of as the plan's
        url = reverse("panel", args=[meeting.pk])
        assign(actor, owner, panel_action, url, "An action from a panel", terms["due_on"])
    return panel_action


@transaction.atomic
def panel_action_update(
    *,
    actor: Worker,
    action: PanelAction,
    status: str,
    note: str,
    due_on: dt.date | None = None,
) -> PanelAction:
    """Record progress on an action: what happened, its status and due date. History is
    kept, one row a step."""
    permitted(policies.can_update_action, actor, action)
    lock(action)
    lock(action.meeting, fields=["status"])
    require_step(action.meeting, PanelStep.UPDATE_ACTION)
    if action.plan_action_id is not None:
        raise InvalidTransition(
            "This action is on the location's context safeguarding plan: "
            "its progress is recorded on the plan"
        )
    return forums.update_action(actor, action, status, note, due_on)


@transaction.atomic
def panel_close(*, actor: Worker, meeting: PanelMeeting) -> PanelMeeting:
    """Close a held meeting once each of its own actions is done or stopped; those that
    landed on a context plan are the plan's to follow."""
    _organise(actor, meeting, PanelStep.CLOSE)
    still_open = (
        meeting.actions.filter(plan_action__isnull=True)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .count()
    )
    if still_open:
        raise InvalidTransition(
            f"{still_open} action{'s are' if still_open > 1 else ' is'} still planned or in "
            "progress: mark each one done or stopped before closing the meeting"
        )
    sharing.end_shares(actor=actor, source=meeting, note="Meeting closed")
    return _move(actor, meeting, PanelStep.CLOSE, closed_at=clock.now())
