"""Writing co-case management: meetings through their states, minutes and interventions.

A meeting moves ``proposed -> scheduled -> held -> closed``, or is cancelled
before it is held. Any other move raises :class:`InvalidTransition` with a
plain message. Every service checks permission, validates everything (every
problem at once, by field) before it writes, and audits each row it writes in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from locus.access import meetings as policies
from locus.access import policies as access_policies
from locus.access.fields import PersonField
from locus.access.forum import ALWAYS_SHARED, DEFAULT_SHARED_FIELDS
from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.cocase import selectors
from locus.cocase.models import (
    FINISHED_STATUSES,
    Attendance,
    Decision,
    Intervention,
    InterventionStatus,
    InterventionUpdate,
    Invitee,
    InviteReason,
    LawfulBasis,
    Meeting,
    MeetingChild,
    MeetingStatus,
    ShareAgreement,
)
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.services import Problems, permitted, require, save_changes, today
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind

DEFAULT_TITLE = "Peer group mapping meeting"
# A meeting is set up to a year ahead: further is a mistyped year.
SCHEDULING_WINDOW = dt.timedelta(days=366)
# A meeting is scheduled before it takes place: at most this far in the past (set up in
# the room, a few minutes late). Anything earlier would be back-dating a share.
SCHEDULING_GRACE = dt.timedelta(hours=1)
MAX_DECISION = 2000
RECORDED_ATTENDANCE = (Attendance.ATTENDED, Attendance.APOLOGIES, Attendance.ABSENT)


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def _lock(meeting: Meeting) -> None:
    """Read the meeting afresh, and hold its row, inside the service's transaction: a page
    loaded before someone else cancelled the meeting must not then hold it."""
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())


def _require_status(meeting: Meeting, allowed: Iterable[str], message: str) -> None:
    if meeting.status not in set(allowed):
        raise InvalidTransition(message)


def _not_open_message(meeting: Meeting, doing: str) -> str:
    """Why ``doing`` is no longer possible, in the meeting's own terms."""
    return {
        MeetingStatus.HELD: f"This meeting has been held: it is too late to {doing}",
        MeetingStatus.CLOSED: f"This meeting is closed: it is too late to {doing}",
        MeetingStatus.CANCELLED: f"This meeting was cancelled: it is too late to {doing}",
    }.get(MeetingStatus(meeting.status), f"You cannot {doing} now")


def _create(actor: Worker, obj: Model) -> None:
    record_change(actor=actor, action=ChangeAction.CREATE, obj=obj)


def _before_held(meeting: Meeting, doing: str) -> None:
    """Lock the meeting and require that it is not yet held."""
    _lock(meeting)
    _require_status(
        meeting,
        (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED),
        _not_open_message(meeting, doing),
    )


def _organise_before_held(actor: Worker, meeting: Meeting, doing: str) -> None:
    """An organiser, on a meeting not yet held (invite, schedule, cancel)."""
    permitted(policies.is_organiser, actor, meeting)
    _before_held(meeting, doing)


def _check_lawful_basis(problems: Problems, lawful_basis: str, other: str) -> None:
    problems.check(
        lawful_basis in LawfulBasis.values,
        "lawful_basis",
        "Choose the lawful basis for sharing information at this meeting",
    )
    if lawful_basis == LawfulBasis.OTHER:
        problems.check(bool(other.strip()), "lawful_basis_other", "Say what the lawful basis is")
    problems.check(
        len(other) <= 300, "lawful_basis_other", "The lawful basis must be 300 characters or fewer"
    )


@transaction.atomic
def meeting_propose(
    *,
    actor: Worker,
    children: Iterable[Person],
    purpose: str,
    lawful_basis: str,
    lawful_basis_other: str = "",
    group: Context | None = None,
    invitees: Iterable[Worker] = (),
    title: str = "",
) -> Meeting:
    """Propose a peer group mapping meeting about some children.

    The proposer may include a child they see, or one linked to a child they see
    (whom they know only as "a child held by <worker>"). The workers holding each
    child's case are invited; the proposer may invite others. The lawful basis for
    sharing is recorded now: the meeting is a sharing between agencies (rule 5).
    Proposing shares nothing: each child's holder decides whether to bring the
    child, and what to share (:func:`share_agree`).
    """
    permitted(policies.can_propose_meeting, actor)
    chosen = {p.pk: p for p in children}
    # A child the proposer may neither see nor find linked looks like a missing one.
    require(
        selectors.proposable_ids(actor, chosen) == set(chosen),
        "a proposer names only children they see or that are linked to their cases",
    )
    if group is not None:
        permitted(access_policies.can_view_context, actor, group)
    invited = {w.pk: w for w in invitees if w.pk != actor.pk}
    title = title.strip() or DEFAULT_TITLE
    problems = Problems()
    problems.check(bool(chosen), "children", "Choose at least one child")
    problems.check(
        len(chosen) <= selectors.MAX_PROPOSAL_CHILDREN,
        "children",
        f"Choose at most {selectors.MAX_PROPOSAL_CHILDREN} children: "
        "a meeting about more cannot map them",
    )
    problems.check(
        all(p.kind == PersonKind.YOUNG_PERSON for p in chosen.values()),
        "children",
        "A peer group mapping meeting is about young people: remove the adult",
    )
    problems.check(
        group is None or group.kind == ContextKind.PEER_GROUP, "group", "Choose a peer group"
    )
    problems.check(len(title) <= 120, "title", "The title must be 120 characters or fewer")
    problems.check(bool(purpose.strip()), "purpose", "Say what the meeting is for")
    _check_lawful_basis(problems, lawful_basis, lawful_basis_other)
    for worker in invited.values():
        problems.check(
            policies.is_invitable(worker),
            "invitees",
            f"{worker} cannot be invited: only active practitioners, managers and analysts",
        )
    problems.raise_if_any()

    now = clock.now()
    meeting = Meeting.objects.create(
        title=title,
        purpose=purpose.strip(),
        lawful_basis=lawful_basis,
        lawful_basis_other=lawful_basis_other.strip() if lawful_basis == LawfulBasis.OTHER else "",
        group=group,
        proposed_by=actor,
        proposed_at=now,
    )
    _create(actor, meeting)
    holders = selectors.open_holders(chosen)
    reasons: dict[int, tuple[Worker, str]] = {actor.pk: (actor, InviteReason.PROPOSER)}
    for person_id in sorted(chosen):
        allocations = holders.get(person_id, [])
        first = allocations[0] if allocations else None
        link = MeetingChild.objects.create(
            meeting=meeting,
            person_id=person_id,
            holder=first.worker if first else None,
            holder_team=first.team if first else None,
        )
        _create(actor, link)
        for allocation in allocations:
            if allocation.worker.is_active:
                reasons.setdefault(
                    allocation.worker_id, (allocation.worker, InviteReason.HOLDS_CASE)
                )
    for worker in invited.values():
        reasons.setdefault(worker.pk, (worker, InviteReason.ADDED))
    for worker, reason in reasons.values():
        _create(
            actor,
            Invitee.objects.create(meeting=meeting, worker=worker, reason=reason, invited_by=actor),
        )
    return meeting


@transaction.atomic
def meeting_invite(*, actor: Worker, meeting: Meeting, worker: Worker) -> Invitee:
    """Invite one more worker (the school's safeguarding lead, a youth worker...)."""
    _organise_before_held(actor, meeting, "invite anyone")
    problems = Problems()
    problems.check(
        policies.is_invitable(worker),
        "worker",
        f"{worker} cannot be invited: only active practitioners, managers and analysts",
    )
    problems.check(
        not meeting.invitees.filter(worker=worker).exists(),
        "worker",
        f"{worker} is already invited",
    )
    problems.raise_if_any()
    invitee = Invitee.objects.create(
        meeting=meeting, worker=worker, reason=InviteReason.ADDED, invited_by=actor
    )
    _create(actor, invitee)
    return invitee


@transaction.atomic
def meeting_schedule(
    *, actor: Worker, meeting: Meeting, when: dt.datetime | None, online: bool, location: str = ""
) -> Meeting:
    """Set (or move) the meeting's date, time and place; "online" needs no place."""
    _organise_before_held(actor, meeting, "schedule it")
    problems = Problems()
    now = clock.now()
    if when is None:
        problems.add("when", "Enter the date and time of the meeting")
    elif timezone.is_naive(when):
        raise TypeError("meeting_schedule needs a timezone-aware datetime")
    elif when < now - SCHEDULING_GRACE:
        problems.add(
            "when",
            "The date and time must be no more than 1 hour ago: "
            "a meeting is scheduled before it takes place",
        )
    elif when > now + SCHEDULING_WINDOW:
        problems.add("when", "The meeting must be within the next year")
    location = location.strip()
    problems.check(
        online or bool(location), "location", "Enter where the meeting is, or say it is online"
    )
    problems.check(len(location) <= 200, "location", "The place must be 200 characters or fewer")
    problems.raise_if_any()
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={
            "scheduled_for": when,
            "online": online,
            "location": location,
            "status": MeetingStatus.SCHEDULED,
        },
    )


@transaction.atomic
def meeting_record_minutes(
    *,
    actor: Worker,
    meeting: Meeting,
    attendance: Mapping[int, str],
    notes: str = "",
    decisions: Sequence[str] = (),
) -> Meeting:
    """Record that the meeting was held: who attended, what was decided, and the group map.

    ``attendance`` maps each invitee's worker id to attended, apologies or absent,
    as reported. It grants nothing by itself: each worker marked as attending
    confirms it on their own (:func:`attendance_confirm`), except the recorder,
    whose marking of their own attendance is their own word. The forum share then
    follows the holders' agreements (access/scopes.py).
    """
    permitted(policies.can_record_minutes, actor, meeting)
    _lock(meeting)
    if meeting.status == MeetingStatus.PROPOSED:
        raise InvalidTransition("Schedule the meeting before recording its minutes")
    _require_status(
        meeting, (MeetingStatus.SCHEDULED,), _not_open_message(meeting, "record its minutes")
    )
    assert meeting.scheduled_for is not None
    if meeting.scheduled_for > clock.now():
        raise InvalidTransition(
            f"The meeting is set for {_when(meeting.scheduled_for)}: "
            "record its minutes once it has taken place"
        )
    invitees = list(meeting.invitees.select_related("worker").order_by("id"))
    problems = Problems()
    known = {i.worker_id for i in invitees}
    problems.check(
        set(attendance) <= known, "attendance", "Record attendance only for invited workers"
    )
    for invitee in invitees:
        problems.check(
            attendance.get(invitee.worker_id) in RECORDED_ATTENDANCE,
            f"attendance_{invitee.worker_id}",
            f"Say whether {invitee.worker} attended",
        )
    problems.check(
        Attendance.ATTENDED in attendance.values(),
        "attendance",
        "Record at least one worker as having attended",
    )
    items = [d.strip() for d in decisions if d.strip()]
    problems.check(
        all(len(d) <= MAX_DECISION for d in items),
        "decisions",
        f"Each decision must be {MAX_DECISION} characters or fewer",
    )
    problems.raise_if_any()

    now = clock.now()
    for invitee in invitees:
        mark = attendance[invitee.worker_id]
        own = invitee.worker_id == actor.pk and mark == Attendance.ATTENDED
        save_changes(
            actor=actor,
            obj=invitee,
            fields={"attendance": mark, "confirmed_at": now if own else None},
        )
    for text in items:
        _create(
            actor,
            Decision.objects.create(meeting=meeting, text=text, recorded_by=actor, recorded_at=now),
        )
    day = timezone.localtime(meeting.scheduled_for).date()
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={
            "status": MeetingStatus.HELD,
            "notes": notes.strip(),
            "map_snapshot": selectors.group_map_snapshot(meeting, day),
            "minutes_recorded_by": actor,
            "minutes_recorded_at": now,
        },
    )


@transaction.atomic
def attendance_confirm(*, actor: Worker, meeting: Meeting) -> Invitee:
    """The actor's own word that they attended a held meeting, as its minutes record.

    Nobody confirms for another worker: a share reaches only those who confirmed.
    """
    _lock(meeting)
    invitation = meeting.invitees.filter(worker=actor).first()
    require(invitation is not None, "only an invitee confirms their own attendance")
    assert invitation is not None
    if meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED):
        raise InvalidTransition("Attendance is confirmed once the minutes have been recorded")
    _require_status(
        meeting, (MeetingStatus.HELD,), _not_open_message(meeting, "confirm attendance")
    )
    if invitation.attendance != Attendance.ATTENDED:
        raise InvalidTransition(
            f"The minutes record you as “{invitation.get_attendance_display().lower()}”: "
            "only an attendance the minutes record can be confirmed"
        )
    if invitation.confirmed_at is not None:
        raise InvalidTransition("You have already confirmed that you attended")
    return save_changes(actor=actor, obj=invitation, fields={"confirmed_at": clock.now()})


def _check_shared_fields(problems: Problems, fields: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(fields)
    problems.check(
        chosen <= set(PersonField.values), "shared_fields", "Choose what to share from the list"
    )
    return chosen | ALWAYS_SHARED


def _open_link(actor: Worker, meeting: Meeting, person: Person, doing: str) -> MeetingChild:
    """The meeting's link to a child the actor may bring, on a meeting not yet held."""
    link = meeting.children.filter(person=person).first()
    require(link is not None, "a child the meeting is about")
    assert link is not None
    permitted(policies.can_agree_to_share, actor, link)
    _before_held(meeting, doing)
    return link


@transaction.atomic
def share_agree(
    *,
    actor: Worker,
    meeting: Meeting,
    person: Person,
    lawful_basis: str,
    lawful_basis_other: str = "",
    shared_fields: Iterable[str] = DEFAULT_SHARED_FIELDS,
) -> ShareAgreement:
    """The child's case holder (or the holding team's manager) agrees to bring the child
    to the meeting, on a lawful basis, sharing these fields of the child's record.

    Agreeing again changes what is shared. Agreement is given before the meeting is
    held; the agreeing worker is invited if they were not. The child's name is always
    shared (the meeting discusses the child by name).
    """
    link = _open_link(actor, meeting, person, "agree what to share")
    problems = Problems()
    _check_lawful_basis(problems, lawful_basis, lawful_basis_other)
    chosen = _check_shared_fields(problems, shared_fields)
    problems.raise_if_any()
    values = {
        "lawful_basis": lawful_basis,
        "lawful_basis_other": lawful_basis_other.strip()
        if lawful_basis == LawfulBasis.OTHER
        else "",
        # In the order the record shows them, so the trail reads the same way each time.
        "fields": [f for f in PersonField.values if f in chosen],
        "agreed_at": clock.now(),
    }
    agreement = ShareAgreement.objects.filter(child=link, agreed_by=actor).first()
    if agreement is not None:
        return save_changes(actor=actor, obj=agreement, fields=values)
    agreement = ShareAgreement.objects.create(child=link, agreed_by=actor, **values)
    _create(actor, agreement)
    if not meeting.invitees.filter(worker=actor).exists():
        _create(
            actor,
            Invitee.objects.create(
                meeting=meeting, worker=actor, reason=InviteReason.AGREED, invited_by=actor
            ),
        )
    return agreement


@transaction.atomic
def share_withdraw(*, actor: Worker, meeting: Meeting, person: Person) -> None:
    """Withdraw the actor's own agreement to bring a child, before the meeting is held.

    The agreement is deleted and the trail keeps what it was, who withdrew it and when.
    """
    link = _open_link(actor, meeting, person, "withdraw an agreement")
    agreement = ShareAgreement.objects.filter(child=link, agreed_by=actor).first()
    if agreement is None:
        raise InvalidTransition("You have not agreed to bring this child")
    record_change(
        actor=actor, action=ChangeAction.DELETE, obj=agreement, before=snapshot(agreement)
    )
    agreement.delete()


@transaction.atomic
def decision_add(*, actor: Worker, meeting: Meeting, text: str) -> Decision:
    """A decision remembered after the minutes were recorded."""
    permitted(policies.can_record_minutes, actor, meeting)
    _lock(meeting)
    _require_status(
        meeting,
        (MeetingStatus.HELD,),
        "Decisions are recorded with the minutes of a held meeting"
        if meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED)
        else _not_open_message(meeting, "add a decision"),
    )
    problems = Problems()
    text = text.strip()
    problems.check(bool(text), "text", "Enter the decision")
    problems.check(
        len(text) <= MAX_DECISION,
        "text",
        f"The decision must be {MAX_DECISION} characters or fewer",
    )
    problems.raise_if_any()
    decision = Decision.objects.create(
        meeting=meeting, text=text, recorded_by=actor, recorded_at=clock.now()
    )
    _create(actor, decision)
    return decision


@transaction.atomic
def meeting_close(*, actor: Worker, meeting: Meeting) -> Meeting:
    """Close a held meeting once each of its interventions is done or stopped.

    Closing ends the forum share: attendees keep sight of a child only through
    their own scope.
    """
    permitted(policies.is_organiser, actor, meeting)
    _lock(meeting)
    if meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED):
        raise InvalidTransition(
            "Only a meeting that has been held can be closed: cancel it instead"
        )
    _require_status(meeting, (MeetingStatus.HELD,), _not_open_message(meeting, "close it"))
    still_open = meeting.interventions.exclude(status__in=FINISHED_STATUSES).count()
    if still_open:
        raise InvalidTransition(
            f"{still_open} intervention{'s are' if still_open > 1 else ' is'} still planned "
            "or in progress: mark each one done or stopped before closing the meeting"
        )
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={"status": MeetingStatus.CLOSED, "closed_at": clock.now()},
    )


@transaction.atomic
def meeting_cancel(*, actor: Worker, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting that has not been held, saying why."""
    _organise_before_held(actor, meeting, "cancel it")
    problems = Problems()
    reason = reason.strip()
    problems.check(bool(reason), "reason", "Say why the meeting is cancelled")
    problems.raise_if_any()
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={
            "status": MeetingStatus.CANCELLED,
            "cancelled_at": clock.now(),
            "cancel_reason": reason,
        },
    )


# --- Interventions ---------------------------------------------------------------------------

STARTING_STATUSES = (InterventionStatus.PLANNED, InterventionStatus.IN_PROGRESS)


def _check_due(problems: Problems, due: dt.date | None) -> None:
    if due is None:
        problems.add("due", "Enter the date it is due")
    elif due < today():
        problems.add("due", "The due date must be today or later")


@transaction.atomic
def intervention_add(
    *,
    actor: Worker,
    meeting: Meeting,
    owner: Worker,
    description: str,
    due: dt.date | None,
    person: Person | None = None,
    group: Context | None = None,
    agency: Agency | None = None,
    status: str = InterventionStatus.PLANNED,
) -> Intervention:
    """Agree a piece of complementary work at a held meeting.

    It is owned by a worker who attended, and concerns exactly one of the
    meeting's children or the meeting's peer group. The agency delivering it is
    the owner's unless another is named.
    """
    permitted(policies.can_add_intervention, actor, meeting)
    _lock(meeting)
    if meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED):
        raise InvalidTransition("Interventions are agreed at the meeting: record its minutes first")
    _require_status(
        meeting, (MeetingStatus.HELD,), _not_open_message(meeting, "add an intervention")
    )
    problems = Problems()
    attended = selectors.attended_ids(meeting)
    problems.check(
        owner.pk in attended, "owner", "The owner must be a worker who attended the meeting"
    )
    if (person is None) == (group is None):
        problems.add("concerns", "Choose the child or the group it concerns (one of them)")
    elif person is not None:
        problems.check(
            meeting.children.filter(person=person).exists(),
            "concerns",
            "Choose a child the meeting was about",
        )
    else:
        problems.check(
            group is not None and group.pk == meeting.group_id,
            "concerns",
            "Choose the peer group the meeting mapped",
        )
    description = description.strip()
    problems.check(bool(description), "description", "Describe the intervention")
    problems.check(
        len(description) <= 2000, "description", "The description must be 2000 characters or fewer"
    )
    _check_due(problems, due)
    problems.check(
        status in STARTING_STATUSES, "status", "A new intervention is planned or in progress"
    )
    delivering = agency or (owner.team.agency if owner.team is not None else None)
    problems.check(delivering is not None, "agency", "Choose the agency that delivers it")
    problems.raise_if_any()
    now = clock.now()
    assert due is not None and delivering is not None
    intervention = Intervention.objects.create(
        meeting=meeting,
        person=person,
        group=group,
        description=description,
        owner=owner,
        agency=delivering,
        due=due,
        status=status,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _create(actor, intervention)
    first = InterventionUpdate.objects.create(
        intervention=intervention,
        at=now,
        by=actor,
        status=status,
        due=due,
        note=f"Agreed at the meeting; owned by {owner}",
    )
    _create(actor, first)
    return intervention


# Where an intervention may go next; "done" and "stopped" are final.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    InterventionStatus.PLANNED: tuple(InterventionStatus.values),
    InterventionStatus.IN_PROGRESS: (
        InterventionStatus.IN_PROGRESS,
        InterventionStatus.DONE,
        InterventionStatus.STOPPED,
    ),
}


@transaction.atomic
def intervention_update(
    *,
    actor: Worker,
    intervention: Intervention,
    status: str,
    note: str,
    due: dt.date | None = None,
) -> Intervention:
    """Record progress on an intervention: what happened, its status, and its due date.

    History is kept: each update is its own row, and the change is audited.
    """
    permitted(policies.can_update_intervention, actor, intervention)
    intervention.refresh_from_db(from_queryset=Intervention.objects.select_for_update())
    meeting = intervention.meeting
    _lock(meeting)
    _require_status(
        meeting, (MeetingStatus.HELD,), _not_open_message(meeting, "update its interventions")
    )
    current = InterventionStatus(intervention.status)
    if current in FINISHED_STATUSES:
        raise InvalidTransition(
            f"This intervention is {current.label.lower()}: agree a new one to do more"
        )
    problems = Problems()
    if status not in InterventionStatus.values:
        problems.add("status", "Choose the intervention's status")
    elif status not in NEXT_STATUSES[current]:
        raise InvalidTransition(
            f"An intervention {current.label.lower()} cannot go back to "
            f"{InterventionStatus(status).label.lower()}"
        )
    note = note.strip()
    problems.check(bool(note), "note", "Say what has happened")
    problems.check(len(note) <= 2000, "note", "The update must be 2000 characters or fewer")
    due = due or intervention.due
    if due != intervention.due:
        _check_due(problems, due)
    problems.raise_if_any()
    now = clock.now()
    _create(
        actor,
        InterventionUpdate.objects.create(
            intervention=intervention, at=now, by=actor, status=status, due=due, note=note
        ),
    )
    return save_changes(
        actor=actor,
        obj=intervention,
        fields={"status": status, "due": due, "updated_at": now},
    )
