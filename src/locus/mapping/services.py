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
from typing import Unpack

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from locus.access import context_cases, lookups
from locus.access import meetings as policies
from locus.access.fields import PersonField
from locus.access.forum import ALWAYS_SHARED, DEFAULT_SHARED_FIELDS
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.services import (
    Problems,
    clean_text,
    create_audited,
    lock,
    permitted,
    recorded,
    require,
    save_changes,
)
from locus.forums import services as forums
from locus.forums.models import (
    FINISHED_ACTION_STATUSES,
    Attendance,
)
from locus.mapping import selectors
from locus.mapping.models import (
    MEETING_MACHINE,
    Decision,
    Intervention,
    Invitee,
    InviteReason,
    Meeting,
    MeetingChild,
    ShareAgreement,
)
from locus.notifications.services import assign, invite, meeting_cancelled, meeting_over
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import Basis

DEFAULT_TITLE = "Peer group mapping meeting"
# A meeting is set up to a year ahead: further is a mistyped year.
SCHEDULING_WINDOW = dt.timedelta(days=366)
# A meeting is scheduled before it takes place: at most this far in the past (set up in
# the room, a few minutes late). Anything earlier would be back-dating a share.
SCHEDULING_GRACE = dt.timedelta(hours=1)
MAX_DECISION = 2000
UNTIL_CLOSED = "Until the meeting is closed"
RECORDED_ATTENDANCE = (Attendance.ATTENDED, Attendance.APOLOGIES, Attendance.ABSENT)


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def _tell(actor: Worker, meeting: Meeting, worker: Worker) -> None:
    """The worker hears in My work that they are invited (and when, once it is scheduled)."""
    url = reverse("meeting", args=[meeting.pk])
    on = timezone.localtime(meeting.scheduled_for).date() if meeting.scheduled_for else None
    invite(actor, worker, meeting, url, "a peer group mapping meeting", on)


def _invite(actor: Worker, meeting: Meeting, worker: Worker, reason: str) -> Invitee:
    _tell(actor, meeting, worker)
    # The invitee's team is kept: its managers may open the meeting for good, wherever the
    # invitee moves later.
    kept = {"team_id": worker.team_id}
    return create_audited(
        actor, Invitee, meeting=meeting, worker=worker, reason=reason, invited_by=actor, **kept
    )


def _join(actor: Worker, meeting: Meeting, worker: Worker, reason: str) -> Invitee:
    """Invite ``worker`` to a meeting whose children may already be agreed: whoever is
    invited later is among those the children's holders share with, so each open register
    row of the meeting's agreements names them too (not their own agreement's: it shares
    the child with the others there, never with the worker who agreed)."""
    agreements = ShareAgreement.objects.filter(child__meeting=meeting).exclude(agreed_by=worker)
    for agreement in agreements:
        sharing.add_recipients(actor=actor, source=agreement, recipients=[sharing.To(worker)])
    return _invite(actor, meeting, worker, reason)


def _step(meeting: Meeting, move: str) -> str:
    """Lock the meeting and ask its machine for the status after ``move`` (or refuse it)."""
    lock(meeting)
    return MEETING_MACHINE.after(meeting.status, move)


def _end_agreements(actor: Worker, meeting: Meeting, note: str) -> None:
    """The meeting's share ends: each agreement's register row says until when."""
    for agreement in ShareAgreement.objects.filter(child__meeting=meeting):
        sharing.end_shares(actor=actor, source=agreement, note=note)


def _organise_before_held(actor: Worker, meeting: Meeting, move: str) -> str:
    """An organiser, on a meeting not yet held (invite, schedule, cancel)."""
    permitted(policies.is_organiser, actor, meeting)
    return _step(meeting, move)


@transaction.atomic
def meeting_propose(
    *,
    actor: Worker,
    children: Iterable[Person],
    purpose: str,
    basis: Basis,
    group: Context | None = None,
    invitees: Iterable[Worker] = (),
    title: str = "",
) -> Meeting:
    """Propose a peer group mapping meeting about some children.

    The proposer may include a child they see, or one linked to a child they see (whom
    they know only as "a child not shared with you, held by <worker>"). The workers holding
    each child's case are invited; the proposer may invite others. The lawful basis for
    sharing is recorded now: the meeting is a sharing between agencies
    (docs/domain.md#lawful-basis).
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
        # Kept with the meeting (its map, with the minutes) for good: never a group seen only
        # through emergency access to a member, which would outlast the emergency.
        permitted(lookups.sees_context_lastingly, actor, group)
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
    sharing.check_basis(problems, basis)
    for worker in invited.values():
        problems.check(
            policies.is_invitable(worker),
            "invitees",
            f"{worker} cannot be invited: only active practitioners, managers and analysts",
        )
    problems.raise_if_any()
    meeting = create_audited(
        actor,
        Meeting,
        title=title,
        purpose=purpose.strip(),
        **sharing.basis_values(basis),
        group=group,
        **recorded(actor, "proposed_by", "proposed_at"),
        # Its managers organise the meeting for good, wherever the proposer moves later.
        proposer_team_id=actor.team_id,
    )
    holders = selectors.open_holders(chosen)
    reasons: dict[int, tuple[Worker, str]] = {actor.pk: (actor, InviteReason.PROPOSER)}
    for person_id in sorted(chosen):
        allocations = holders.get(person_id, [])
        first = allocations[0] if allocations else None
        create_audited(
            actor,
            MeetingChild,
            meeting=meeting,
            person_id=person_id,
            holder=first.worker if first else None,
            holder_team=first.team if first else None,
        )
        for allocation in allocations:
            if allocation.worker.is_active:
                reasons.setdefault(
                    allocation.worker_id, (allocation.worker, InviteReason.HOLDS_CASE)
                )
    for worker in invited.values():
        reasons.setdefault(worker.pk, (worker, InviteReason.ADDED))
    for worker, reason in reasons.values():
        _invite(actor, meeting, worker, reason)
    return meeting


@transaction.atomic
def meeting_invite(*, actor: Worker, meeting: Meeting, worker: Worker) -> Invitee:
    """Invite one more worker (the school's safeguarding lead, a youth worker...)."""
    _organise_before_held(actor, meeting, "invite")
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
    return _join(actor, meeting, worker, InviteReason.ADDED)


@transaction.atomic
def meeting_schedule(
    *, actor: Worker, meeting: Meeting, when: dt.datetime | None, online: bool, location: str = ""
) -> Meeting:
    """Set (or move) the meeting's date, time and place; "online" needs no place."""
    status = _organise_before_held(actor, meeting, "schedule")
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
    save_changes(
        actor=actor,
        obj=meeting,
        fields={
            "scheduled_for": when,
            "online": online,
            "location": location,
            "status": status,
        },
    )
    for invitee in meeting.invitees.select_related("worker"):
        _tell(actor, meeting, invitee.worker)  # the date is the news
    return meeting


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
    held = _step(meeting, "record_minutes")
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
    items = forums.clean_decisions(problems, decisions, limit=MAX_DECISION)
    problems.raise_if_any()

    now = clock.now()
    # The recorder's own "attended" is their confirmation, as the confirm page's would be:
    # only while their invitation carries what the meeting shares (an organiser who has
    # moved agency records the minutes, but her word shares no child).
    carried = policies.carries_invitation(actor, meeting)
    for invitee in invitees:
        mark = attendance[invitee.worker_id]
        own = invitee.worker_id == actor.pk and mark == Attendance.ATTENDED and carried
        save_changes(
            actor=actor,
            obj=invitee,
            fields={"attendance": mark, "confirmed_at": now if own else None},
        )
    forums.record_decisions(actor, Decision, items, meeting=meeting)
    meeting_over(actor, meeting)
    day = timezone.localtime(meeting.scheduled_for).date()
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={
            "status": held,
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
    lock(meeting)
    invitation = meeting.invitees.filter(worker=actor).first()
    require(invitation is not None, "only an invitee confirms their own attendance")
    require(policies.gives_own_word(actor), "an invitee whose access waits confirms nothing")
    require(
        policies.carries_invitation(actor, meeting),
        "an invitation left behind by a move to another agency, or into or out of the chairs' "
        "unit, confirms nothing",
    )
    assert invitation is not None
    MEETING_MACHINE.after(meeting.status, "confirm_attendance")
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


def _open_link(actor: Worker, meeting: Meeting, person: Person, move: str) -> MeetingChild:
    """The meeting's link to a child the actor may bring, on a meeting not yet held."""
    link = meeting.children.filter(person=person).first()
    require(link is not None, "a child the meeting is about")
    assert link is not None
    permitted(policies.can_agree_to_share, actor, link)
    _step(meeting, move)
    return link


@transaction.atomic
def share_agree(
    *,
    actor: Worker,
    meeting: Meeting,
    person: Person,
    basis: Basis,
    shared_fields: Iterable[str] = DEFAULT_SHARED_FIELDS,
) -> ShareAgreement:
    """The child's case holder (or the holding team's manager) agrees to bring the child
    to the meeting, on a lawful basis, sharing these fields of the child's record.

    Agreeing again changes what is shared. Agreement is given before the meeting is
    held; the agreeing worker is invited if they were not. The child's name is always
    shared (the meeting discusses the child by name). Each agreement is a row of the
    sharing register, open until the meeting is closed or cancelled.
    """
    link = _open_link(actor, meeting, person, "agree_share")
    problems = Problems()
    sharing.check_basis(problems, basis)
    chosen = _check_shared_fields(problems, shared_fields)
    problems.raise_if_any()
    values = {
        **sharing.basis_values(basis),
        # In the order the record shows them, so the trail reads the same way each time.
        "fields": [f for f in PersonField.values if f in chosen],
        "agreed_at": clock.now(),
    }
    agreement = ShareAgreement.objects.filter(child=link, agreed_by=actor).first()
    if agreement is not None:
        agreement = save_changes(actor=actor, obj=agreement, fields=values)
    else:
        agreement = create_audited(actor, ShareAgreement, child=link, agreed_by=actor, **values)
        if not meeting.invitees.filter(worker=actor).exists():
            _join(actor, meeting, actor, InviteReason.AGREED)
    # A changed agreement ends the row for what was agreed before: the register says what
    # was shared on which terms, each for its own period.
    sharing.end_shares(actor=actor, source=agreement, note="Replaced by a new agreement")
    sharing.record_share(
        actor=actor,
        kind=ShareKind.MEETING,
        basis=basis,
        purpose=meeting.purpose,
        what=[str(PersonField(f).label) for f in agreement.fields],
        record_ref=f"Meeting {meeting.pk}: {meeting.title}",
        source=agreement,
        recipients=[
            sharing.To(worker=i.worker)
            for i in meeting.invitees.select_related("worker__team__agency")
            if i.worker_id != actor.pk
        ],
        people=[person.pk],
        until_note=UNTIL_CLOSED,
    )
    return agreement


@transaction.atomic
def share_withdraw(*, actor: Worker, meeting: Meeting, person: Person, reason: str) -> None:
    """Withdraw the actor's own agreement to bring a child, before the meeting is held,
    saying why.

    The agreement is deleted (nothing of the child is shared through it any more); the
    trail's end event keeps what it was, who withdrew it, when and why.
    """
    link = _open_link(actor, meeting, person, "withdraw_share")
    # Locked: a second tab finds it already withdrawn and stops.
    withdrawn = (
        ShareAgreement.objects.select_for_update().filter(child=link, agreed_by=actor).first()
    )
    if withdrawn is None:
        raise InvalidTransition("You have not agreed to bring this child")
    problems = Problems()
    reason = clean_text(
        problems,
        "reason",
        reason,
        missing="Say why you withdraw your agreement",
        limit=MAX_DECISION,
        what="reason",
    )
    problems.raise_if_any()
    sharing.end_shares(actor=actor, source=withdrawn, note="Agreement withdrawn")
    # The end event says what was shared (its fields, then none) and why; the basis and
    # when it was agreed stay in the agreement's own earlier events and the register.
    record_change(
        actor=actor,
        action=ChangeAction.END,
        obj=withdrawn,
        before=snapshot(withdrawn),
        after={"fields": [], "withdrawal_reason": reason},
    )
    withdrawn.delete()


@transaction.atomic
def decision_add(*, actor: Worker, meeting: Meeting, text: str) -> Decision:
    """A decision remembered after the minutes were recorded, by one who may read them."""
    permitted(policies.can_add_decision, actor, meeting)
    _step(meeting, "decide")
    problems = Problems()
    text = clean_text(
        problems, "text", text, missing="Enter the decision", limit=MAX_DECISION, what="decision"
    )
    problems.raise_if_any()
    [decision] = forums.record_decisions(actor, Decision, [text], meeting=meeting)
    return decision


@transaction.atomic
def meeting_close(*, actor: Worker, meeting: Meeting) -> Meeting:
    """Close a held meeting once each of its interventions is done or stopped.

    Closing ends the forum share: attendees keep sight of a child only through
    their own scope.
    """
    permitted(policies.is_organiser, actor, meeting)
    closed = _step(meeting, "close")
    still_open = meeting.interventions.exclude(status__in=FINISHED_ACTION_STATUSES).count()
    if still_open:
        raise InvalidTransition(
            f"{still_open} intervention{'s are' if still_open > 1 else ' is'} still planned "
            "or in progress: mark each one done or stopped before closing the meeting"
        )
    _end_agreements(actor, meeting, "Meeting closed")
    return save_changes(
        actor=actor,
        obj=meeting,
        fields={"status": closed, "closed_at": clock.now()},
    )


@transaction.atomic
def meeting_cancel(*, actor: Worker, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting that has not been held, saying why."""
    cancelled = _organise_before_held(actor, meeting, "cancel")
    problems = Problems()
    reason = reason.strip()
    problems.check(bool(reason), "reason", "Say why the meeting is cancelled")
    problems.raise_if_any()
    _end_agreements(actor, meeting, "Meeting cancelled")
    meeting = save_changes(
        actor=actor,
        obj=meeting,
        fields={"status": cancelled, "cancelled_at": clock.now(), "cancel_reason": reason},
    )
    # Its invitees hear it is off, and an invitation they have not read goes.
    on = timezone.localtime(meeting.scheduled_for).date() if meeting.scheduled_for else None
    invitees = [i.worker for i in meeting.invitees.select_related("worker")]
    url = reverse("meeting", args=[meeting.pk])
    meeting_cancelled(actor, meeting, invitees, url, "peer group mapping meeting", on)
    return meeting


# --- Interventions ---------------------------------------------------------------------------


@transaction.atomic
def intervention_add(
    *,
    actor: Worker,
    meeting: Meeting,
    person: Person | None = None,
    group: Context | None = None,
    **action: Unpack[forums.NewAction],
) -> Intervention:
    """Agree a piece of complementary work at a held meeting.

    It is owned by a worker who attended, and concerns exactly one of the
    meeting's children or the meeting's peer group. The agency delivering it is
    the owner's unless another is named.
    """
    permitted(policies.can_add_intervention, actor, meeting)
    _step(meeting, "add_intervention")
    owner = action["owner"]
    problems = Problems()
    attended = selectors.attended_ids(meeting)
    problems.check(
        owner.pk in attended, "owner", "The owner must be a worker who attended the meeting"
    )
    if refused := context_cases.refused_as_owner(owner):
        problems.add("owner", refused)
    if (person is None) == (group is None):
        problems.add("concerns", "Choose the child or the group it concerns (one of them)")
    elif person is not None:
        problems.check(
            meeting.children.filter(person=person).exists(),
            "concerns",
            "Choose a child the meeting was about",
        )
        problems.check(
            policies.can_name_in_intervention(actor, person),
            "concerns",
            "Choose a child you see in your own right: an intervention stays on the child's "
            "record, so the child's own worker agrees theirs",
        )
    else:
        problems.check(
            group is not None and group.pk == meeting.group_id,
            "concerns",
            "Choose the peer group the meeting mapped",
        )
        problems.check(
            group is None or policies.can_name_group_in_intervention(actor, group),
            "concerns",
            "Choose a child you see in your own right: you do not see the group, so a worker "
            "who does agrees its work",
        )
    terms = forums.action_terms(problems, **action, what="intervention")
    problems.raise_if_any()
    note = f"Agreed at the meeting; owned by {owner}"
    intervention = forums.agree_action(
        actor, Intervention, note, meeting=meeting, person=person, group=group, **terms
    )
    url = reverse("meeting", args=[meeting.pk])
    what = "An intervention from a mapping meeting"
    assign(actor, owner, intervention, url, what, terms["due_on"])
    return intervention


@transaction.atomic
def intervention_update(
    *,
    actor: Worker,
    intervention: Intervention,
    status: str,
    note: str,
    due_on: dt.date | None = None,
) -> Intervention:
    """Record progress on an intervention: what happened, its status, and its due date.

    History is kept: each update is its own row, and the change is audited.
    """
    permitted(policies.can_update_intervention, actor, intervention)
    lock(intervention)
    _step(intervention.meeting, "update_intervention")
    return forums.update_action(actor, intervention, status, note, due_on)


def scrub_from_snapshots(
    *, actor: Worker, person_ids: Iterable[int], why: Mapping[str, object]
) -> int:
    """Take purged people out of every stored meeting map: their nodes (id, initials, role)
    and the edges to or from them. For the retention purge only, inside its transaction.
    The audit says the map was changed and why (``why``: the rule and the run), never what
    the map held. Returns how many meetings' maps changed; a second call changes none."""
    gone = set(person_ids)
    changed = 0
    with_maps = Meeting.objects.exclude(map_snapshot={}).only("id", "map_snapshot")
    for meeting in with_maps.iterator(chunk_size=500):
        snapshot_ = meeting.map_snapshot or {}
        nodes = snapshot_.get("nodes", [])
        dropped = {n.get("id") for n in nodes if n.get("person_id") in gone}
        if not dropped:
            continue
        snapshot_["nodes"] = [n for n in nodes if n.get("id") not in dropped]
        snapshot_["edges"] = [
            e
            for e in snapshot_.get("edges", [])
            if e.get("source") not in dropped and e.get("target") not in dropped
        ]
        Meeting.objects.filter(pk=meeting.pk).update(map_snapshot=snapshot_)
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=meeting, after=dict(why))
        changed += 1
    return changed
