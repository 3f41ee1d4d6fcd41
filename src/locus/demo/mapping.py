"""Demo peer group mapping meetings, added to a generated borough.

Call :func:`add_demo_meetings` after ``generate_borough`` (inside or outside its
transaction). It acts as the demo personas through the services, so the
meetings, their audit trail and the forum share are exactly what the app makes:

* a **held** meeting, proposed by ``social.worker`` about a peer group in which
  she and another worker (``yjs.worker`` when they share one) hold members'
  cases, with minutes, the group map, decisions and interventions for a child
  and for the group (one of them under way). Each child's holder agreed to
  bring the child (name, age and legal status), the meeting was set for earlier
  today (a meeting cannot be scheduled more than an hour in the past), and each
  attendee confirmed their own attendance, so it shares what was agreed;
  ``police.analyst`` was invited and sent apologies, so gains no sight;
* a **scheduled** meeting, online and ten days ahead, about another group.

Choices follow names, never ids or the clock's minutes, so one seed gives the
same meetings on every run of the day. Safe to call again: it adds nothing if
the demo meetings are there.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from locus.access import meetings as policies
from locus.access.models import Worker
from locus.common import clock
from locus.demo.caseload import held_by, held_ids
from locus.forums.models import Attendance
from locus.mapping.models import Meeting
from locus.mapping.services import (
    attendance_confirm,
    intervention_add,
    intervention_update,
    meeting_propose,
    meeting_record_minutes,
    meeting_schedule,
    share_agree,
)
from locus.peers.models import GroupMembership
from locus.people.models import Allocation, Person, PersonKind
from locus.places.models import Context, ContextKind
from locus.sharing.vocab import CHILDREN_IN_NEED, SAFEGUARDING

HELD_TITLE = "Peer group mapping: shared cases"
UPCOMING_TITLE = "Peer group mapping: follow-up"
MAX_CHILDREN = 8


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _held_members(group: Context) -> QuerySet[Person]:
    """Current young members of the group whose case someone holds, by name."""
    members = GroupMembership.objects.current().filter(group=group).values("person_id")
    held = Allocation.objects.current().values("person_id")
    return (
        Person.objects.filter(id__in=members, kind=PersonKind.YOUNG_PERSON)
        .filter(id__in=held)
        .order_by("family_name", "given_name", "id")
    )


def _groups_held_by(worker: Worker) -> QuerySet[Context]:
    mine = held_ids(worker)
    return Context.objects.filter(
        kind=ContextKind.PEER_GROUP,
        id__in=GroupMembership.objects.current().filter(person_id__in=mine).values("group_id"),
    ).order_by("name", "id")


def _pick_group(proposer: Worker, partner: Worker | None, exclude: set[int]) -> Context | None:
    """A group where the proposer holds a member's case and someone else holds another's,
    preferring one shared with ``partner``."""
    groups = [g for g in _groups_held_by(proposer) if g.pk not in exclude]
    if partner is not None:
        shared = {g.pk for g in _groups_held_by(partner)}
        for group in groups:
            if group.pk in shared:
                return group
    for group in groups:
        holders = (
            Allocation.objects.current()
            .filter(person__in=_held_members(group))
            .values_list("worker_id", flat=True)
        )
        if set(holders) - {proposer.pk}:
            return group
    return None


def _children(group: Context, proposer: Worker) -> list[Person]:
    members = list(_held_members(group))
    mine = set(held_by(proposer).values_list("id", flat=True))
    # The proposer's own children first, then the others, up to a workable meeting.
    members.sort(key=lambda p: p.pk not in mine)
    return members[:MAX_CHILDREN]


@transaction.atomic
def add_demo_meetings() -> list[Meeting]:
    """Add the demo meetings to a generated borough; returns those added (none if present)."""
    proposer = _persona("social.worker")
    if proposer is None or Meeting.objects.filter(title=HELD_TITLE).exists():
        return []
    partner = _persona("yjs.worker")
    police = _persona("police.analyst")
    group = _pick_group(proposer, partner, exclude=set())
    if group is None:
        return []
    now = clock.now()
    today = clock.today()
    children = _children(group, proposer)
    meeting = meeting_propose(
        actor=proposer,
        children=children,
        group=group,
        invitees=[police] if police is not None else [],
        title=HELD_TITLE,
        purpose="Our separate cases turned out to be one group of young people. Map the group "
        "together, agree what each service does, and who leads with each child.",
        basis=CHILDREN_IN_NEED,
    )
    for link in meeting.children.select_related("holder", "person"):
        # Each child's holder brings them (the default fields), as they would from the page.
        if link.holder is not None and policies.can_agree_to_share(link.holder, link):
            share_agree(
                actor=link.holder,
                meeting=meeting,
                person=link.person,
                basis=meeting.basis,
            )
    day = (now - dt.timedelta(minutes=45)).replace(second=0, microsecond=0)
    meeting_schedule(
        actor=proposer,
        meeting=meeting,
        when=day,
        online=False,
        location="Hackney Service Centre, meeting room 3",
    )
    invitees = list(meeting.invitees.all())
    attendance = {
        i.worker_id: Attendance.APOLOGIES if police and i.worker_id == police.pk else "attended"
        for i in invitees
    }
    meeting_record_minutes(
        actor=proposer,
        meeting=meeting,
        attendance=attendance,
        notes="Each worker described what they know of the group. The map below is the one "
        "we drew together.",
        decisions=[
            "Youth service to run detached sessions where the group meets",
            "Each child's worker to talk with them about the older peers on the map",
            "Review together in six weeks",
        ],
    )
    attended = [
        i.worker
        for i in meeting.invitees.select_related("worker__team__agency")
        if i.attendance == Attendance.ATTENDED
    ]
    for worker in attended:
        if worker.pk != proposer.pk:  # the recorder's own attendance is confirmed already
            attendance_confirm(actor=worker, meeting=meeting)
    other = next((w for w in attended if w.pk != proposer.pk), proposer)
    own_child = children[0]
    added = [
        intervention_add(
            actor=proposer,
            meeting=meeting,
            owner=other,
            person=None,
            group=group,
            description="Detached youth work sessions at the group's meeting place, "
            "two evenings a week",
            due_on=today + dt.timedelta(days=42),
        ),
        intervention_add(
            actor=proposer,
            meeting=meeting,
            owner=proposer,
            person=own_child,
            description="Direct work on safe and unsafe relationships; safety plan reviewed",
            due_on=today + dt.timedelta(days=28),
        ),
    ]
    # Another child's work is agreed by her own worker, who brought her: an intervention
    # stays on her record, so nobody agrees one for a child the meeting only shared.
    last = meeting.children.select_related("holder").get(person=children[-1])
    if len(children) > 1 and last.holder is not None and last.holder in attended:
        added.append(
            intervention_add(
                actor=last.holder,
                meeting=meeting,
                owner=other,
                person=children[-1],
                description="Mentoring with a sports coach, weekly",
                due_on=today + dt.timedelta(days=56),
            )
        )
    intervention_update(
        actor=other,
        intervention=added[0],
        status="in_progress",
        note="First session arranged for Thursday evening at the group's meeting place.",
    )
    meetings = [meeting]

    second = _pick_group(partner, proposer, exclude={group.pk}) if partner else None
    if partner is not None and second is not None:
        follow_up = meeting_propose(
            actor=partner,
            children=_children(second, partner),
            group=second,
            title=UPCOMING_TITLE,
            purpose="Two of my cases spend time with this group: map it with the workers "
            "who hold the others.",
            basis=SAFEGUARDING,
        )
        ahead = (now + dt.timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
        meeting_schedule(
            actor=partner, meeting=follow_up, when=ahead, online=True, location="Microsoft Teams"
        )
        meetings.append(follow_up)
    return meetings
