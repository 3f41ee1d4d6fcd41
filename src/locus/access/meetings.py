"""Who may see and run a peer group mapping meeting.

Sight of the *children* a meeting concerns is decided in ``access/scopes.py``
(the forum share: what each child's case holder agreed to bring, for attendees
who confirmed their attendance). This module decides sight of the *meeting*
itself, who may move it on, who may agree to share a child and who may confirm
attendance; ``access/RULES.md`` describes both.

* A meeting is visible to its proposer, its invitees (whatever their
  attendance), the managers of the team it was proposed from and of the teams
  the invitees were in when invited (kept on each invitation, ``Invitee.team``),
  and administrators. Auditors read the audit trail, not meetings.
* Its **organisers** (the proposer, a manager of the team the proposer was in when
  proposing it, an administrator) schedule, invite, cancel and close it. The team is
  kept on the meeting (``Meeting.proposer_team``): a proposer who moves team later takes
  none of her meetings to her new team's managers, and her old team's managers keep them.
  The proposer herself organises only while she is in that team's agency, and of its kind
  (the chairs' unit or not), as an invitation carries (:func:`proposer_organises`): one who
  moves to another agency leaves the organising, and the minutes, to her old team's managers.
* Minutes are recorded by an organiser or an invitee, each one who works cases
  (:func:`writes_forum_record`): never the IT administrator, who organises a meeting
  (schedules, invites, cancels and closes it) but names no child in one, minutes, decides
  and agrees nothing there. The minutes, decisions and
  documents (free text that may name children) are read by the organisers, the worker who
  recorded the minutes, and invitees who confirmed they attended: those the meeting shares
  with. Not an invitee who never confirmed, nor a manager of an invitee's team, who may
  still open the meeting; an invitee reads a document they added themselves. What an
  invitation carries (the share, the minutes, writing there as an invitee) holds only while
  the invitee is in the agency they were invited in and has not moved into (or out of) the
  chairs' unit (``scopes.carried_invitations``); they still open the meeting.
* Interventions are agreed by an organiser or a worker who attended, and are
  updated by their owner, the owner's team manager, or an organiser: each one who works
  cases (``context_cases.works_cases``), never the IT administrator. One for a child names
  only a child its writer sees in their own right; one for the group, only a group they see.
* Only a child's case holder (a worker with an open allocation) or a manager of
  the holding team agrees to bring the child, and what to share: never the
  proposer as such, nor an administrator.
* Each worker confirms their own attendance; nobody confirms another's. Only while their
  invitation carries what the meeting shares (above): one who moved to another agency, or
  into or out of the chairs' unit, is not offered it and the service refuses it, since it
  would give them nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from locus.access import policies, provisioning, scopes
from locus.access.context_cases import works_cases
from locus.access.lookups import one_or_404, sees_context_lastingly
from locus.access.models import Role, Team, Worker
from locus.access.policies import CASEWORK_ROLES, is_administrator
from locus.access.selectors import visible_person_ids
from locus.forums.models import Attendance
from locus.mapping.models import Intervention, Invitee, Meeting, MeetingChild, MeetingStatus
from locus.people.models import Allocation, Person
from locus.places.models import Context

# Workers a meeting can invite: those who hold, manage or analyse cases.
INVITABLE_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.ANALYST})


def meetings_visible_to(worker: Worker) -> QuerySet[Meeting]:
    if is_administrator(worker):
        return Meeting.objects.all()
    if not scopes.sees_case_records(worker):
        return Meeting.objects.none()
    q = Q(proposed_by=worker) | Q(id__in=Invitee.objects.filter(worker=worker).values("meeting_id"))
    if (team := policies.managed_team_id(worker)) is not None:
        # The teams kept when it was proposed and each worker invited, not the teams they are
        # in now: a worker who moves takes none of her meetings to her new team's managers.
        q |= Q(proposer_team_id=team) | Q(
            id__in=Invitee.objects.filter(team_id=team).values("meeting_id")
        )
    return Meeting.objects.filter(q)


def access_meeting(worker: Worker, meeting_id: object) -> Meeting:
    """The meeting, or 404 for one that is missing or that the worker may not see."""
    meetings = meetings_visible_to(worker).select_related("group", "proposed_by")
    return one_or_404(meetings, meeting_id)


def writes_forum_record(worker: Worker) -> bool:
    """THE rule of who writes what a forum says and agrees (a mapping meeting's minutes and
    decisions, which children it is about, its interventions; a panel's agenda, discussion,
    summary, decisions and actions): a worker who works cases (``context_cases.works_cases``).
    Writing what a forum said about a child is casework, so never the IT administrator,
    though they organise any meeting or panel (schedule, invite, put on the list, record a
    panel as held without its summary, cancel, close); nor the information governance lead.
    Every predicate of such a write asks this, beside ``policies.does_casework`` (the
    conference chairs' rule)."""
    return works_cases(worker)


def calls_meetings(worker: Worker) -> bool:
    """Practitioners and managers who work cases call meetings: a peer group mapping meeting
    (:func:`can_propose_meeting`), an HSB meeting or a MACE panel; administrators set up an
    HSB meeting or a MACE panel but propose no mapping meeting (a proposal names its children,
    which is casework: :func:`writes_forum_record`). Not
    an independent reviewing service's staff (``policies.does_casework``): the conference
    chairs and their manager chair conferences and review, and call none of casework's other
    forums, though they may be invited to one."""
    if is_administrator(worker):
        return True
    return (
        worker.role in CASEWORK_ROLES
        and scopes.sees_case_records(worker)
        and policies.does_casework(worker)
    )


def can_propose_meeting(worker: Worker) -> bool:
    """Propose a peer group mapping meeting: whoever calls meetings and has a child to bring.
    A proposal names children the proposer sees in their own right (or linked to them), or
    one of the borough's linked clusters; a worker whose place gives them no child to see
    (``scopes.sees_children``: a housing officer) and who reads no clusters would reach a
    form with nobody on it. Naming the children a forum is about is writing its record
    (:func:`writes_forum_record`): not the IT administrator."""
    return (
        calls_meetings(worker)
        and writes_forum_record(worker)
        and (scopes.sees_children(worker) or policies.can_view_borough_links(worker))
    )


def is_invitable(worker: Worker) -> bool:
    return (
        provisioning.confirmed(worker)
        and worker.team_id is not None
        and worker.role in INVITABLE_ROLES
        and scopes.sees_case_records(worker)
    )


def _manages_team(manager: Worker, team_id: int | None) -> bool:
    return (
        policies.manages_a_team(manager)
        and manager.team_id == team_id
        and scopes.sees_case_records(manager)
    )


def _manages(manager: Worker, worker: Worker) -> bool:
    return _manages_team(manager, worker.team_id)


def proposer_organises(worker: Worker, meeting: Meeting) -> bool:
    """``worker`` proposed ``meeting`` and still organises it: while she is in the agency of
    the team she proposed it from, and of its kind (the chairs' unit or not), as her
    invitation would carry (``scopes.invitation_carries``). One who has moved to another
    agency (or into or out of the chairs' unit) no longer needs the meeting's minutes about
    that agency's children: its organising stays with the managers of the team she left
    (and the administrators); moved back, she organises it again. A meeting kept with no
    team (its proposer had none) is hers wherever she is."""
    if meeting.proposed_by_id != worker.pk:
        return False
    return _organises_from(
        worker.team if worker.team_id else None,
        meeting.proposer_team if meeting.proposer_team_id else None,
    )


def _organises_from(team: Team | None, kept: Team | None) -> bool:
    """Whether a proposer in ``team`` organises a meeting she proposed from ``kept``
    (:func:`proposer_organises`): that team, or one of its agency and of its kind."""
    if kept is None or (team is not None and team.pk == kept.pk):
        return True
    return team is not None and (team.agency_id, team.independent) == (
        kept.agency_id,
        kept.independent,
    )


def organising_left(worker: Worker, old_team: Team | None) -> list[Meeting]:
    """The meetings not yet over (not closed nor cancelled) that ``worker`` proposed and
    organised from ``old_team``, and organises no more from the team she has just moved to
    (:func:`proposer_organises`: another agency, or into or out of the chairs' unit): their
    organising is the managers' of the team she proposed each from now. A move within her
    agency leaves none."""
    team = worker.team if worker.team_id else None
    open_ones = (
        Meeting.objects.filter(proposed_by=worker)
        .exclude(status__in=[MeetingStatus.CLOSED, MeetingStatus.CANCELLED])
        .select_related("proposer_team")
        .order_by("pk")
    )
    return [
        meeting
        for meeting in open_ones
        if _organises_from(old_team, meeting.proposer_team)
        and not _organises_from(team, meeting.proposer_team)
    ]


def _proposer_organises_q(worker: Worker) -> Q:
    """:func:`proposer_organises` as a filter on meetings."""
    return Q(proposed_by=worker) & (
        Q(proposer_team__isnull=True)
        | Q(
            proposer_team__agency_id=worker.agency_id or 0,
            proposer_team__independent=scopes.in_independent_service(worker),
        )
    )


def is_organiser(worker: Worker, meeting: Meeting) -> bool:
    """The proposer while she is still in the agency she proposed it from
    (:func:`proposer_organises`), a manager of the team she proposed it from, or an
    administrator."""
    if is_administrator(worker):
        return True
    if not provisioning.confirmed(worker):
        return False
    return proposer_organises(worker, meeting) or _manages_team(worker, meeting.proposer_team_id)


def _invitation(worker: Worker, meeting: Meeting) -> Invitee | None:
    # Reads the prefetched invitees when the page has them, one query otherwise.
    return next((i for i in meeting.invitees.all() if i.worker_id == worker.pk), None)


def _carried_invitation(worker: Worker, meeting: Meeting) -> Invitee | None:
    """The worker's invitation, while it still carries what the meeting shares and lets them
    write there (``scopes.invitation_carries``): not once they have moved to another agency
    or into the chairs' unit, though they still open the meeting as its invitee."""
    invitation = _invitation(worker, meeting)
    if invitation is None or not scopes.invitation_carries(worker, invitation):
        return None
    return invitation


def can_record_minutes(worker: Worker, meeting: Meeting) -> bool:
    """Record the minutes (and add a decision, file a paper): an organiser or an invitee who
    does casework (``policies.does_casework``). A mapping meeting is casework: a conference
    chair invited to one may attend it, and confirm that they did, but minutes, decides and
    files nothing there, since their unit chairs and reviews, and does nothing else (one who
    proposed it before moving into the unit organises it no more: :func:`proposer_organises`).
    Nor the IT administrator, an organiser (:func:`writes_forum_record`)."""
    if not (writes_forum_record(worker) and policies.does_casework(worker)):
        return False
    if is_organiser(worker, meeting):
        return True
    return provisioning.confirmed(worker) and _carried_invitation(worker, meeting) is not None


def _shares_with(worker: Worker) -> Q:
    """The meetings that share their minutes with ``worker`` (one who sees case records and is
    not an administrator), as a filter: proposed by them while they are still in its agency
    (:func:`proposer_organises`), minuted by them, proposed from the team they manage, or
    attended and confirmed by them."""
    carried = scopes.carried_invitations(worker)
    q = (
        _proposer_organises_q(worker)
        | Q(minutes_recorded_by=worker, id__in=carried.values("meeting_id"))
        | Q(id__in=carried.filter(confirmed_at__isnull=False).values("meeting_id"))
    )
    if policies.manages_a_team(worker):
        q |= Q(proposer_team_id=worker.team_id)
    return q


def meetings_sharing_minutes_with(worker: Worker) -> QuerySet[Meeting]:
    """The meetings whose minutes, decisions and documents ``worker`` reads
    (:func:`can_read_minutes` as a query)."""
    if is_administrator(worker):
        return Meeting.objects.all()
    if not scopes.sees_case_records(worker):
        return Meeting.objects.none()
    return Meeting.objects.filter(_shares_with(worker))


def can_read_minutes(worker: Worker, meeting: Meeting) -> bool:
    """The minutes and decisions: the organisers, the recorder, and invitees who confirmed
    they attended. The minutes may name children in free text, so they follow the forum
    share: an invitee who never confirmed (or sent apologies), one who has since moved to
    another agency or into the chairs' unit (``scopes.invitation_carries``) and a manager of
    an invitee's team, who may open the meeting, read neither."""
    if is_organiser(worker, meeting):
        return True
    if not provisioning.confirmed(worker):
        return False
    invitation = _carried_invitation(worker, meeting)
    if invitation is None:
        return False
    return meeting.minutes_recorded_by_id == worker.pk or invitation.confirmed_at is not None


def can_add_decision(worker: Worker, meeting: Meeting) -> bool:
    """A decision remembered after the minutes: whoever may record minutes and read them."""
    return can_record_minutes(worker, meeting) and can_read_minutes(worker, meeting)


def can_add_intervention(worker: Worker, meeting: Meeting) -> bool:
    """An organiser or a worker who attended, who works cases: agreeing work with a child or
    a group is casework, which the IT administrator (an organiser) does not do, nor a
    conference chair who attended (``policies.does_casework``: their unit chairs and reviews,
    and does nothing else in casework)."""
    if not (writes_forum_record(worker) and policies.does_casework(worker)):
        return False
    if is_organiser(worker, meeting):
        return True
    invitation = _carried_invitation(worker, meeting)
    return (
        provisioning.confirmed(worker)
        and invitation is not None
        and invitation.attendance == Attendance.ATTENDED
    )


def can_name_in_intervention(worker: Worker, person: Person) -> bool:
    """Whether ``worker``, who may add an intervention (:func:`can_add_intervention`), may
    agree one for ``person``, one of the meeting's children: only a child they see in their
    own right and lastingly, as for naming a child in any record
    (``policies.can_name_people``), organiser or attendee. An intervention stays on the
    child's record after the meeting closes, so it is a lasting write about the child: never
    on the strength of the meeting's share nor of emergency access. The child's own worker,
    who agreed to bring them and was there, agrees their work, owned by whoever attended."""
    return person.pk in nameable_in_interventions(worker, [person.pk])


def can_name_group_in_intervention(worker: Worker, group: Context) -> bool:
    """Whether ``worker``, who may add an intervention (:func:`can_add_intervention`), may
    agree one for the meeting's peer group: only one they see, lastingly
    (``lookups.sees_context_lastingly``), as a proposer names the group. The intervention
    stays with the group for good, naming it to whoever reads it: an attendee who sees none
    of its members (the meeting shares children, never the group) agrees work for the
    children they see, and the group's own workers agree the group's."""
    return sees_context_lastingly(worker, group)


def nameable_in_interventions(worker: Worker, person_ids: Iterable[int]) -> set[int]:
    """Of these children, those :func:`can_name_in_intervention` allows (one query), for the
    form that offers them."""
    return visible_person_ids(worker, set(person_ids), break_glass=False, shared=False)


def can_update_intervention(worker: Worker, intervention: Intervention) -> bool:
    """:func:`updates_interventions_like` and may read it (:func:`can_read_intervention`):
    the update page shows its words."""
    return updates_interventions_like(worker, intervention) and can_read_intervention(
        worker, intervention
    )


def updates_interventions_like(worker: Worker, intervention: Intervention) -> bool:
    """Who updates an intervention they may read: its owner, the owner's team manager, or one
    of the meeting's organisers (a page that already knows what the worker reads asks this),
    who works cases: recording the work done or stopped is casework (and the step before the
    meeting may close), never the IT administrator's, as for a context plan's action."""
    if not writes_forum_record(worker):
        return False
    return (
        intervention.owner_id == worker.pk
        or _manages(worker, intervention.owner)
        # Not an organiser in an independent reviewing service (a manager of the chairs'
        # unit, where it was proposed from): they record nothing at a mapping meeting. A
        # proposer who moved there organises it no more (``proposer_organises``).
        or (is_organiser(worker, intervention.meeting) and policies.does_casework(worker))
    )


def can_read_intervention(worker: Worker, intervention: Intervention) -> bool:
    """An intervention's words and history: its owner, and whoever sees the child (or the
    group) it is for. Not a worker the meeting shared nothing with (an invitee who never
    confirmed attending, a manager of an invitee's team) who may still open the meeting."""
    if intervention.owner_id == worker.pk:
        return True
    if intervention.person_id is not None:
        return scopes.people_visible_to(worker).filter(pk=intervention.person_id).exists()
    if intervention.group_id is None:
        return True
    return scopes.contexts_visible_to(worker).filter(pk=intervention.group_id).exists()


def agreeable_person_ids(worker: Worker, person_ids: Iterable[int]) -> set[int]:
    """Which of these children the worker may bring to a meeting (one query): those whose
    case they hold (an open allocation), or that a team they manage holds."""
    if not scopes.sees_case_records(worker):
        return set()
    by_team = Q(team_id=worker.team_id) if policies.manages_a_team(worker) else Q(pk__in=[])
    # Sight in their own right too: a manager whose scope an administrator narrowed does not
    # see, and so does not bring, the team's children; nor through emergency access, which
    # a share would otherwise outlast.
    own = scopes.people_visible_to(worker, shared=False, break_glass=False).values("id")
    return set(
        Allocation.objects.current()
        .filter(person_id__in=set(person_ids))
        .filter(Q(worker=worker) | by_team, person_id__in=own)
        .values_list("person_id", flat=True)
    )


def can_agree_to_share(worker: Worker, link: MeetingChild) -> bool:
    """Only the child's holder or their manager brings the child to a meeting."""
    return link.person_id in agreeable_person_ids(worker, [link.person_id])


def gives_own_word(worker: Worker) -> bool:
    """Whether an invitee's own word counts (that they attended, which shares the meeting's
    children with them): not while their access waits for a second person
    (``access/provisioning.py``)."""
    return provisioning.confirmed(worker)


def carries_invitation(worker: Worker, meeting: Meeting) -> bool:
    """The worker is invited to ``meeting`` and the invitation still carries what it shares
    (:func:`_carried_invitation`): not once they moved to another agency, or into or out of
    the chairs' unit."""
    return _carried_invitation(worker, meeting) is not None


def can_confirm_attendance(worker: Worker, meeting: Meeting) -> bool:
    """A worker the minutes record as attending, who has not yet confirmed it, while their
    invitation still carries what the meeting shares (:func:`_carried_invitation`):
    confirming would give one who has moved to another agency, or into or out of the
    chairs' unit, nothing, so it is not offered, and the service refuses it."""
    invitation = _carried_invitation(worker, meeting)
    return (
        gives_own_word(worker)
        and invitation is not None
        and invitation.attendance == Attendance.ATTENDED
        and invitation.confirmed_at is None
    )
