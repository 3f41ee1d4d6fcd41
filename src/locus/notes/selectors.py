"""Reads of case notes and chronologies, scoped to the viewer.

A **chronology** merges, in date order, what is recorded about a child, a
context case or a peer group: case notes, incidents, legal-status changes,
allocations, meetings (conferences, peer group mapping meetings, HSB and MACE
panels), plans and reviews, managed moves, group memberships. Each source is
read through the sight rule that already governs it (``access/``), so a
chronology never shows what the record's own page would not. A fixed number of
queries, however long the chronology: the rows are merged in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from locus.access import context_cases, naming, scopes
from locus.access import notes as rules
from locus.access.fields import PersonField, fields_visible_to
from locus.access.meetings import meetings_visible_to
from locus.access.models import Worker
from locus.access.panel_meetings import panels_visible_to
from locus.access.selectors import visible_person_ids, withhold_unseen_places
from locus.casework.models import ContextCase, ContextConference, PlanReview
from locus.incidents.models import NO_PLACE, Incident, Involvement
from locus.mapping.models import Meeting
from locus.moves.selectors import moves_for
from locus.notes.models import CaseNote, NoteRevision
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.people.selectors import caseload_for
from locus.places.models import Context

Subject = Person | ContextCase | Context


class EventKind:
    NOTE = "note"
    INCIDENT = "incident"
    STATUS = "status"
    ALLOCATION = "allocation"
    MEETING = "meeting"
    PLAN = "plan"
    MOVE = "move"
    MEMBERSHIP = "membership"
    CASE = "case"


EVENT_LABELS = {
    EventKind.NOTE: "Case notes",
    EventKind.INCIDENT: "Incidents",
    EventKind.STATUS: "Legal status",
    EventKind.ALLOCATION: "Allocations",
    EventKind.MEETING: "Meetings",
    EventKind.PLAN: "Plans and reviews",
    EventKind.MOVE: "Managed moves",
    EventKind.MEMBERSHIP: "Group memberships",
    EventKind.CASE: "Referrals and case decisions",
}

# What one row of each kind is called.
ROW_LABELS = {
    EventKind.NOTE: "Case note",
    EventKind.INCIDENT: "Incident",
    EventKind.STATUS: "Legal status",
    EventKind.ALLOCATION: "Allocation",
    EventKind.MEETING: "Meeting",
    EventKind.PLAN: "Plan",
    EventKind.MOVE: "Managed move",
    EventKind.MEMBERSHIP: "Membership",
    EventKind.CASE: "Casework",
}

# The kinds each subject's chronology holds, in the order the filter offers them.
KINDS_FOR = {
    "person": [
        EventKind.NOTE,
        EventKind.INCIDENT,
        EventKind.STATUS,
        EventKind.ALLOCATION,
        EventKind.MEETING,
        EventKind.PLAN,
        EventKind.MOVE,
    ],
    "case": [EventKind.NOTE, EventKind.CASE, EventKind.MEETING, EventKind.PLAN, EventKind.INCIDENT],
    "group": [
        EventKind.NOTE,
        EventKind.MEMBERSHIP,
        EventKind.MEETING,
        EventKind.CASE,
        EventKind.PLAN,
        EventKind.INCIDENT,
    ],
}


def subject_kind(subject: Subject) -> str:
    if isinstance(subject, Person):
        return "person"
    return "case" if isinstance(subject, ContextCase) else "group"


def subject_name(viewer: Worker, subject: Subject) -> str:
    """The subject as ``viewer`` is told of it: a home's case by its place only as its own
    pages name it (``context_cases.place_name``)."""
    if isinstance(subject, Person):
        return subject.full_name
    if isinstance(subject, ContextCase):
        return f"{context_cases.place_name(viewer, subject)}: context case"
    return subject.name


def subject_url(subject: Subject) -> str:
    name = {"person": "person", "case": "context-case", "group": "group"}[subject_kind(subject)]
    return reverse(name, args=[subject.pk])


@dataclass(frozen=True)
class Event:
    """One row of a chronology: what happened, when, who recorded it, and where to read it."""

    kind: str
    record_id: int
    on: dt.date
    at: dt.time | None
    what: str
    detail: str = ""
    recorded_by: str = ""
    url: str = ""
    struck: bool = False

    @property
    def kind_label(self) -> str:
        return ROW_LABELS[self.kind]

    @property
    def sort_key(self) -> tuple[dt.date, dt.time, str, int]:
        return (self.on, self.at or dt.time.min, self.kind, self.record_id)


def _local(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


# --- Sources ----------------------------------------------------------------------------------


def _note_events(notes: QuerySet[CaseNote]) -> list[Event]:
    rows = notes.select_related("author").order_by().distinct()
    return [
        Event(
            EventKind.NOTE,
            n.pk,
            n.contact_on,
            n.contact_at,
            f"{n.kind_label}: {n.summary}",
            "Entered in error" if n.in_error else "",
            str(n.author),
            reverse("note", args=[n.pk]),
            struck=n.in_error,
        )
        for n in rows
    ]


def _incident_place(incident: Incident) -> str:
    """Where the incident happened, as its own page says it (``withhold_unseen_places``)."""
    if incident.context is not None:
        return f"{incident.get_kind_display()} at {incident.context.name}"
    if getattr(incident, "place_withheld", False):
        return f"{incident.get_kind_display()} at {naming.PLACE_WITHHELD}"
    return f"{incident.get_kind_display()}, {NO_PLACE.lower()}"


def _incident_events(
    viewer: Worker, incidents: QuerySet[Incident], person: Person | None = None
) -> list[Event]:
    if person is not None:
        involvements = Involvement.objects.filter(person=person, incident__in=incidents)
        roles: dict[int, list[str]] = {}
        for inv in involvements.only("incident_id", "role"):
            roles.setdefault(inv.incident_id, []).append(inv.get_role_display())
        incidents = incidents.filter(pk__in=roles)
    else:
        roles = {}
    events = []
    rows = list(incidents.select_related("context", "recorded_by", "reporting_agency"))
    withhold_unseen_places(viewer, rows)
    for incident in rows:
        on, at = _local(incident.occurred_at)
        role = ", ".join(roles.get(incident.pk, []))
        events.append(
            Event(
                EventKind.INCIDENT,
                incident.pk,
                on,
                at,
                _incident_place(incident),
                f"Role: {role}" if role else f"Reported by {incident.reporting_agency.name}",
                str(incident.recorded_by),
                reverse("incident", args=[incident.pk]),
            )
        )
    return events


def _status_events(viewer: Worker, person: Person) -> list[Event]:
    # The status is one of the fields the table decides by role (access/fields.py).
    shown = fields_visible_to(viewer, person)
    if PersonField.LEGAL_STATUS not in shown:
        return []
    with_detail = PersonField.LEGAL_STATUS_DETAIL in shown
    events = []
    for e in LegalStatusEpisode.objects.filter(person=person).select_related("agency"):
        label = e.get_status_display()
        detail = e.detail if with_detail else ""
        events.append(
            Event(EventKind.STATUS, e.pk, e.start, None, f"{label} started", detail, e.agency.name)
        )
        if e.end is not None:
            events.append(
                Event(EventKind.STATUS, e.pk, e.end, None, f"{label} ended", "", e.agency.name)
            )
    return events


def _allocation_events(person: Person) -> list[Event]:
    events = []
    for a in Allocation.objects.filter(person=person).select_related("worker", "team__agency"):
        holder = naming.held_by(a.worker, a.team)
        events.append(Event(EventKind.ALLOCATION, a.pk, a.start, None, f"Allocated to {holder}"))
        if a.end is not None:
            events.append(
                Event(EventKind.ALLOCATION, a.pk, a.end, None, f"Allocation to {holder} ended")
            )
    return events


def _move_events(viewer: Worker, person: Person) -> list[Event]:
    return [
        Event(
            EventKind.MOVE,
            row.move.pk,
            row.move.moved_on,
            None,
            f"Managed move from {row.move.from_school.name} to {row.move.to_school.name}",
            "Entered in error" if row.move.in_error else f"Decided by {row.move.decided_by}",
            str(row.move.recorded_by),
            reverse("person-move", kwargs={"person_id": person.pk, "move_id": row.move.pk}),
            struck=row.move.in_error,
        )
        for row in moves_for(viewer, person)
    ]


def _mapping_events(meetings: QuerySet[Meeting]) -> list[Event]:
    events = []
    for m in meetings.select_related("proposed_by").order_by().distinct():
        on, at = _local(m.scheduled_for or m.proposed_at)
        events.append(
            Event(
                EventKind.MEETING,
                m.pk,
                on,
                at,
                m.title,
                f"Peer group mapping meeting, {m.get_status_display()}",
                str(m.proposed_by),
                reverse("meeting", args=[m.pk]),
            )
        )
    return events


def _panel_events(viewer: Worker, person: Person) -> list[Event]:
    panels = panels_visible_to(viewer).filter(items__person=person).order_by().distinct()
    return [
        Event(
            EventKind.MEETING,
            p.pk,
            p.meets_on,
            None,
            p.title,
            f"{p.get_kind_display()}, {p.get_status_display()}",
            str(p.created_by),
            reverse("panel", args=[p.pk]),
        )
        for p in panels.select_related("created_by")
    ]


def _casework_events(cases: QuerySet[ContextCase], *, opened: bool) -> list[Event]:
    """Conferences, plan approvals and reviews of ``cases`` (read through
    ``context_cases.cases_visible_to``, each place named as the case's pages name it);
    with ``opened``, also each case's opening and closing."""
    events = []
    case_ids = cases.values("id")
    listed = list(
        cases.select_related(
            "context", "opened_by", "plan__approved_by", "closure_requested_by"
        ).order_by("id")
    )
    places = {case.pk: context_cases.shown_place(case) for case in listed}
    conferences = ContextConference.objects.filter(
        case_id__in=case_ids, scheduled_for__isnull=False
    )
    for c in conferences.select_related("recorded_by"):
        on, at = _local(c.scheduled_for)  # type: ignore[arg-type]
        what = f"Context conference: {places[c.case_id]}"
        by = str(c.recorded_by or "")
        url = reverse("context-conference", args=[c.case_id])
        events.append(Event(EventKind.MEETING, c.pk, on, at, what, c.get_status_display(), by, url))
    for case in listed:
        plan = getattr(case, "plan", None)
        if plan is not None and plan.approved_at is not None:
            on, at = _local(plan.approved_at)
            events.append(
                Event(
                    EventKind.PLAN,
                    plan.pk,
                    on,
                    at,
                    f"Context safeguarding plan approved: {places[case.pk]}",
                    plan.get_status_display(),
                    str(plan.approved_by or ""),
                    reverse("context-plan", args=[case.pk]),
                )
            )
        if opened:
            events.append(
                Event(
                    EventKind.CASE,
                    case.pk,
                    case.opened_on,
                    None,
                    f"Context case opened: {places[case.pk]}",
                    "",
                    str(case.opened_by),
                    reverse("context-case", args=[case.pk]),
                )
            )
            if case.closed_on is not None:
                events.append(
                    Event(
                        EventKind.CASE,
                        case.pk,
                        case.closed_on,
                        None,
                        f"Context case closed: {places[case.pk]}",
                        case.get_closure_outcome_display(),
                        # Who asked to close it and gave the reason; a manager approved it.
                        str(case.closure_requested_by or ""),
                        reverse("context-case", args=[case.pk]),
                    )
                )
    reviews = PlanReview.objects.filter(plan__case_id__in=case_ids, held_on__isnull=False)
    for r in reviews.select_related("plan", "recorded_by"):
        assert r.held_on is not None
        events.append(
            Event(
                EventKind.PLAN,
                r.pk,
                r.held_on,
                None,
                f"Plan review: {places[r.plan.case_id]}",
                r.get_decision_display(),
                str(r.recorded_by or ""),
                reverse("context-plan", args=[r.plan.case_id]),
            )
        )
    return events


def _referral_events(viewer: Worker, case: ContextCase) -> list[Event]:
    referrals = context_cases.referrals_visible_to(viewer).filter(case=case)
    return [
        Event(
            EventKind.CASE,
            r.pk,
            r.received_on,
            None,
            "Referral received",
            r.referring_agency.name,
            str(r.recorded_by),
            reverse("context-referral", args=[r.pk]),
        )
        for r in referrals.select_related("referring_agency", "recorded_by")
    ]


def _membership_events(viewer: Worker, group: Context) -> tuple[list[Event], set[int]]:
    """Members joining and leaving; a member the viewer may not see by initials only."""
    rows = list(GroupMembership.objects.filter(group=group).select_related("person"))
    seen = visible_person_ids(viewer, [m.person_id for m in rows], shared=False)
    events = []
    for m in rows:
        # "A person", child or adult alike, as the group's page shows its members.
        who = naming.person_label(m.person, visible=m.person_id in seen, child=False)
        url = reverse("person", args=[m.person_id]) if m.person_id in seen else ""
        role = m.get_role_display().lower()
        events.append(
            Event(EventKind.MEMBERSHIP, m.pk, m.since, None, f"{who} joined ({role})", url=url)
        )
        if m.until is not None:
            events.append(Event(EventKind.MEMBERSHIP, m.pk, m.until, None, f"{who} left", url=url))
    return events, seen


# --- The chronology ---------------------------------------------------------------------------


@dataclass
class Filters:
    kinds: list[str]
    start: dt.date | None = None
    end: dt.date | None = None
    newest_first: bool = False


@dataclass
class Chronology:
    subject: Subject
    events: list[Event]
    kinds: list[str]
    people_shown: set[int] = field(default_factory=set)

    def shown_ids(self, events: Iterable[Event]) -> dict[str, list[int]]:
        """The records each kind of row shows, by id, for the audit trail."""
        shown: dict[str, list[int]] = {}
        for e in events:
            ids = shown.setdefault(e.kind, [])
            if e.record_id not in ids:
                ids.append(e.record_id)
        return shown


def _once(cases: QuerySet[ContextCase], *, opened: bool) -> Callable[[], list[Event]]:
    """The casework events of ``cases``, read once however many kinds of row ask for them."""
    return functools.cache(functools.partial(_casework_events, cases, opened=opened))


def _of_kind(events: Callable[[], list[Event]], kind: str) -> list[Event]:
    return [e for e in events() if e.kind == kind]


def chronology(viewer: Worker, subject: Subject, filters: Filters) -> Chronology:
    """What is recorded about ``subject``, in date order, as far as ``viewer`` may see it.

    The caller has checked that the viewer may read the subject's notes
    (``access.notes.access_subject``). Only the sources of the kinds asked for are read.
    """
    kind = subject_kind(subject)
    wanted = [k for k in KINDS_FOR[kind] if k in filters.kinds] or KINDS_FOR[kind]
    sources: dict[str, Callable[[], list[Event]]] = {}
    people_shown: set[int] = set()
    notes = rules.notes_visible_to(viewer)
    if isinstance(subject, Person):
        people_shown.add(subject.pk)
        casework = _once(
            context_cases.cases_visible_to(viewer).filter(plan__children__person=subject),
            opened=False,
        )
        sources = {
            EventKind.NOTE: lambda: _note_events(
                notes.filter(Q(person=subject) | Q(children=subject))
            ),
            EventKind.INCIDENT: lambda: _incident_events(
                viewer, scopes.incidents_visible_to(viewer), subject
            ),
            EventKind.STATUS: lambda: _status_events(viewer, subject),
            EventKind.ALLOCATION: lambda: _allocation_events(subject),
            EventKind.MEETING: lambda: [
                *_mapping_events(meetings_visible_to(viewer).filter(children__person=subject)),
                *_panel_events(viewer, subject),
                *_of_kind(casework, EventKind.MEETING),
            ],
            EventKind.PLAN: lambda: _of_kind(casework, EventKind.PLAN),
            EventKind.MOVE: lambda: _move_events(viewer, subject),
        }
    elif isinstance(subject, ContextCase):
        casework = _once(context_cases.cases_visible_to(viewer).filter(pk=subject.pk), opened=True)
        sources = {
            EventKind.NOTE: lambda: _note_events(notes.filter(case=subject)),
            EventKind.CASE: lambda: [
                *_referral_events(viewer, subject),
                *_of_kind(casework, EventKind.CASE),
            ],
            EventKind.MEETING: lambda: _of_kind(casework, EventKind.MEETING),
            EventKind.PLAN: lambda: _of_kind(casework, EventKind.PLAN),
            EventKind.INCIDENT: lambda: _incident_events(
                viewer, scopes.incidents_visible_to(viewer).filter(context_id=subject.context_id)
            ),
        }
    else:
        casework = _once(
            context_cases.cases_visible_to(viewer).filter(context=subject), opened=True
        )

        def memberships() -> list[Event]:
            events, seen = _membership_events(viewer, subject)
            people_shown.update(seen)
            return events

        sources = {
            EventKind.NOTE: lambda: _note_events(notes.filter(group=subject)),
            EventKind.MEMBERSHIP: memberships,
            EventKind.MEETING: lambda: [
                *_mapping_events(meetings_visible_to(viewer).filter(group=subject)),
                *_of_kind(casework, EventKind.MEETING),
            ],
            EventKind.CASE: lambda: _of_kind(casework, EventKind.CASE),
            EventKind.PLAN: lambda: _of_kind(casework, EventKind.PLAN),
            EventKind.INCIDENT: lambda: _incident_events(
                viewer, scopes.incidents_visible_to(viewer).filter(context=subject)
            ),
        }
    events = [e for k in wanted for e in sources[k]()]
    if filters.start is not None:
        events = [e for e in events if e.on >= filters.start]
    if filters.end is not None:
        events = [e for e in events if e.on <= filters.end]
    events.sort(key=lambda e: e.sort_key, reverse=filters.newest_first)
    return Chronology(subject, events, wanted, people_shown)


# --- One note, and what the note form offers ----------------------------------------------------


@dataclass(frozen=True)
class Named:
    label: str
    person_id: int | None  # set only for a child the viewer may see (to link to them)


@dataclass
class NoteView:
    note: CaseNote
    named: list[Named]
    present_workers: list[Worker]
    revisions: list[NoteRevision]
    can_correct: bool

    @property
    def people_shown(self) -> list[int]:
        return [n.person_id for n in self.named if n.person_id is not None]


def note_view(viewer: Worker, note: CaseNote) -> NoteView:
    """The note with the children it names, each by name only to a viewer who may see them
    in their own right (otherwise the out-of-scope label), and its history."""
    children = list(note.children.order_by("family_name", "given_name", "id"))
    seen = visible_person_ids(viewer, [p.pk for p in children], shared=False)
    named = [
        Named(naming.person_label(p, visible=p.pk in seen), p.pk if p.pk in seen else None)
        for p in children
    ]
    return NoteView(
        note=note,
        named=named,
        present_workers=list(
            note.present_workers.select_related("team__agency").order_by("last_name", "id")
        ),
        revisions=list(note.revisions.select_related("corrected_by")),
        can_correct=rules.can_correct_note(viewer, note),
    )


def namable_children(viewer: Worker, subject: Subject) -> list[Person]:
    """The children a note on ``subject`` offers to name: the child, their associates and
    fellow group members, a group's members, a case's plan children and members, and the
    caseload of the author and their team; only those the author sees lastingly
    (``can_name_people``)."""
    ids: set[int] = set()
    if isinstance(subject, Person):
        ids.add(subject.pk)
        # Current associates only: one whose relationship has ended is no longer offered.
        links = Association.objects.current().filter(Q(person=subject) | Q(other=subject))
        for a, b in links.values_list("person_id", "other_id"):
            ids.update(x for x in (a, b) if x is not None)
        groups = GroupMembership.objects.current().filter(person=subject).values("group_id")
        members = GroupMembership.objects.current().filter(group_id__in=groups)
    else:
        group_id = subject.context_id if isinstance(subject, ContextCase) else subject.pk
        members = GroupMembership.objects.current().filter(group_id=group_id)
        if isinstance(subject, ContextCase):
            ids.update(
                Person.objects.filter(context_plan_links__plan__case=subject).values_list(
                    "id", flat=True
                )
            )
    ids.update(members.values_list("person_id", flat=True))
    caseloads = caseload_for(viewer=viewer, statuses=False) | caseload_for(
        viewer=viewer, team=True, statuses=False
    )
    ids.update(caseloads.values_list("id", flat=True))
    seen = visible_person_ids(viewer, ids, break_glass=False, shared=False)
    return list(Person.objects.filter(pk__in=seen).order_by("family_name", "given_name", "id"))


def present_worker_choices() -> list[Worker]:
    """The workers who may be named as present: active practitioners and managers, a new one
    whose access waits among them (``context_cases.attendance_workers``): naming a worker
    as present grants them nothing."""
    return list(context_cases.attendance_workers())
