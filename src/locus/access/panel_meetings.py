"""Who may see and run a contextual HSB meeting or MACE panel.

* A panel meeting is visible to the workers on its attendee list (whatever their
  attendance: the chair and whoever set it up are on it), the managers of the teams
  they were in when put on the list (kept on each row, ``PanelAttendee.team``), the
  managers of the setter's and the chair's teams when it was set up, and
  administrators. Auditors read the audit trail, not panels.
* Its **organisers** (whoever set it up, the chair, a manager of the team either
  was in when it was set up, an administrator) add attendees and agenda items,
  record it as held, cancel and close it; the IT administrator, though an organiser,
  writes none of its record (``meetings.writes_forum_record``): no agenda item, summary,
  discussion, decision or action. The two teams are kept on the meeting
  (``created_by_team``, ``chair_team``): when the setter or the chair moves team,
  the new team's managers organise none of their past panels, the old team's keep them.
* The discussion and decisions are recorded by an organiser or a worker recorded as
  attending (not one who sent apologies or did not attend). The
  summary of the discussion and the decisions on the meeting as a whole (free text
  that may name any child on the agenda) are read by the organisers, whoever
  recorded it as held and the workers recorded as attending, as a mapping
  meeting's minutes are; each agenda item's words follow sight of its child;
  actions are agreed by an organiser or a worker who attended, and updated by
  their owner (whether or not they see its young person: they read only the
  action's words), or by the owner's team manager or an organiser who may write
  about its item (:func:`can_write_item`), as agreeing one needs. Agreeing and updating
  are casework: never by the IT administrator, though an organiser. An independent
  reviewing service's staff write a panel's record (discussion, decisions, actions) only
  on a panel they chair: the chairs' manager, an organiser of it, writes none of it.
* Sight of the *people* on the agenda is not given by the panel: each item about
  a person follows the viewer's own sight of that person (``access/scopes.py``),
  and a person the viewer may not see is "a child not shared with you, held by <worker>, <team>".
  Naming someone on the agenda needs sight of them: naming is not a way in.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet

from locus.access import provisioning, scopes
from locus.access.lookups import one_or_404, sees_context_lastingly
from locus.access.meetings import calls_meetings, is_invitable, writes_forum_record
from locus.access.models import Worker
from locus.access.policies import (
    can_view_context,
    does_casework,
    is_administrator,
    managed_team_id,
    manages_a_team,
)
from locus.access.selectors import visible_person_ids
from locus.forums.models import Attendance
from locus.panels.models import AgendaItem, PanelAction, PanelAttendee, PanelMeeting


def panels_visible_to(worker: Worker) -> QuerySet[PanelMeeting]:
    if is_administrator(worker):
        return PanelMeeting.objects.all()
    if not scopes.sees_case_records(worker):
        return PanelMeeting.objects.none()
    on_list = PanelAttendee.objects.filter(worker=worker).values("meeting_id")
    q = Q(id__in=on_list)
    if (team := managed_team_id(worker)) is not None:
        q |= (
            # The team each worker was in when put on the list, not the team they are in now.
            Q(id__in=PanelAttendee.objects.filter(team_id=team).values("meeting_id"))
            | Q(created_by_team_id=team)
            | Q(chair_team_id=team)
        )
    return PanelMeeting.objects.filter(q)


def can_view_panel(worker: Worker, meeting: PanelMeeting) -> bool:
    return panels_visible_to(worker).filter(pk=meeting.pk).exists()


def access_panel(worker: Worker, meeting_id: object) -> PanelMeeting:
    """The panel meeting, or 404 for one that is missing or that the worker may not see."""
    panels = panels_visible_to(worker).select_related("chair__team__agency", "created_by__team")
    return one_or_404(panels, meeting_id)


def can_set_up_panel(worker: Worker) -> bool:
    """Whoever calls meetings sets up a panel: practitioners and managers who work cases (a
    partner's staff included: a panel may be about a place), and administrators; not a
    conference chair (``meetings.calls_meetings``), who may still be on a panel's list."""
    return calls_meetings(worker)


def may_attend(worker: Worker) -> bool:
    """Who may be on a panel's list: the workers a co-case meeting may invite (active
    practitioners, managers and analysts who see case records)."""
    return is_invitable(worker)


def _manages_one_of(worker: Worker, *team_ids: int | None) -> bool:
    """``worker`` is a manager of one of these teams."""
    return (
        manages_a_team(worker) and scopes.sees_case_records(worker) and worker.team_id in team_ids
    )


def _manager_of(worker: Worker, *others: Worker) -> bool:
    """``worker`` is the team manager of one of ``others``."""
    return _manages_one_of(worker, *(o.team_id for o in others))


def is_organiser(worker: Worker, meeting: PanelMeeting) -> bool:
    """Whoever set it up, the chair, a manager of the team either was in when it was set up,
    or an administrator."""
    if is_administrator(worker):
        return True
    return provisioning.confirmed(worker) and (
        worker.pk in {meeting.created_by_id, meeting.chair_id}
        or _manages_one_of(worker, meeting.created_by_team_id, meeting.chair_team_id)
    )


def _writes_as_organiser(worker: Worker, meeting: PanelMeeting) -> bool:
    """An organiser who may write the panel's record as one: any organiser who does casework,
    and of an independent reviewing service's staff (``policies.does_casework``) only the
    panel's chair. The chairs' manager organises a panel one of their chairs chairs (as the
    manager of the chair's team) but chairs nothing there, so writes none of its record. Nor
    the IT administrator, an organiser of every panel (``meetings.writes_forum_record``)."""
    return (
        writes_forum_record(worker)
        and is_organiser(worker, meeting)
        and (does_casework(worker) or worker.pk == meeting.chair_id)
    )


def can_set_agenda(worker: Worker, meeting: PanelMeeting) -> bool:
    """Put a young person, a person of concern or a location on the agenda, saying why: an
    organiser who may write the panel's record as one (:func:`_writes_as_organiser`). What a
    panel is about, and why, is casework: the IT administrator organises the panel (the
    list, holding it, cancelling and closing it) but sets none of its agenda, nor does the
    chairs' manager on a panel one of their chairs chairs; the chair does."""
    return _writes_as_organiser(worker, meeting)


def _attendance(worker: Worker, meeting: PanelMeeting) -> str | None:
    # Reads the prefetched attendees when the page has them, one query otherwise.
    return next((a.attendance for a in meeting.attendees.all() if a.worker_id == worker.pk), None)


def can_record_discussion(worker: Worker, meeting: PanelMeeting) -> bool:
    """An organiser, or a worker recorded as attending. The record of what a panel said is
    written by those who were there: a worker on the list who sent apologies or did not
    attend neither writes an item's discussion nor records a decision (the discussion and
    decisions are recorded once the meeting is held, when attendance is known). Not a
    conference chair who attended a panel they do not chair (``policies.does_casework``): a
    panel is casework, as a mapping meeting is, and they write nothing there but as its
    chair; nor the chairs' manager, an organiser of a panel one of their chairs chairs
    (:func:`_writes_as_organiser`)."""
    return _writes_as_organiser(worker, meeting) or (
        provisioning.confirmed(worker)
        and does_casework(worker)
        and _attendance(worker, meeting) == Attendance.ATTENDED
    )


def can_read_discussion(worker: Worker, meeting: PanelMeeting) -> bool:
    """The summary of what was discussed overall and the decisions on the meeting as a whole:
    free text that may name any child on the agenda, where each item's own words go only to
    a viewer who sees its child. Read, as a mapping meeting's minutes are, by the organisers,
    the worker who recorded it as held, and the workers recorded as attending; not by one
    recorded absent, nor by a manager of an attendee's team, who may still open the meeting."""
    if is_organiser(worker, meeting):
        return True
    if not provisioning.confirmed(worker):
        return False
    return (
        meeting.held_recorded_by_id == worker.pk
        or _attendance(worker, meeting) == Attendance.ATTENDED
    )


def can_add_general_decision(worker: Worker, meeting: PanelMeeting) -> bool:
    """A decision on the meeting as a whole: whoever may record the discussion and read it."""
    return can_record_discussion(worker, meeting) and can_read_discussion(worker, meeting)


def can_add_action(worker: Worker, meeting: PanelMeeting) -> bool:
    """An organiser or a worker who attended, who works cases: agreeing work is casework, which
    the IT administrator (an organiser) does not do, as on a context plan. A conference chair
    (``policies.does_casework``) agrees actions only on a panel they chair, as its organiser:
    one who merely attended, nor their manager organising a panel one of their chairs
    chairs, does any of casework's work (:func:`can_record_discussion` says both)."""
    return writes_forum_record(worker) and can_record_discussion(worker, meeting)


def can_update_action(
    worker: Worker, action: PanelAction, *, writable: Collection[int] | None = None
) -> bool:
    """Its owner; or the owner's team manager or one of the panel's organisers, who may
    write about the action's item (:func:`can_write_item`), as adding one needs: its status,
    due date and progress note are what the panel says about the young person.

    The owner records progress on the work given to them whether or not they see the young
    person: they read the action's words alone, never the item's, and giving work is not a
    way in (a context plan's action owner is the same, ``context_cases.access_own_action``).
    ``writable``: the ids of the items the worker may write about, when the page has them
    (``panels.selectors.item_sight``). Never one who does not work cases (the IT
    administrator, an organiser): recording work done or stopped is casework."""
    if not writes_forum_record(worker):
        return False
    if action.owner_id == worker.pk:
        return True
    if not (_manager_of(worker, action.owner) or _writes_as_organiser(worker, action.meeting)):
        return False
    if writable is not None:
        return action.item_id in writable
    return can_write_item(worker, action.item)


def can_see_item(viewer: Worker, item: AgendaItem) -> bool:
    """The viewer may see the item's person or place (its words follow that sight)."""
    if item.person_id is not None:
        assert item.person is not None
        # As the page reads it (``panels.selectors.item_sight``): in one's own right.
        return bool(visible_person_ids(viewer, [item.person.pk], shared=False))
    assert item.context is not None
    return can_view_context(viewer, item.context)


def can_write_item(viewer: Worker, item: AgendaItem) -> bool:
    """Writing about the item's person or place needs lasting sight of them: break-glass
    reads a record in an emergency (a child's home with the child), it does not add to what a
    panel says about the child or the place (``lookups.sees_context_lastingly``)."""
    if item.person_id is not None:
        assert item.person is not None
        return bool(visible_person_ids(viewer, [item.person.pk], shared=False, break_glass=False))
    assert item.context is not None
    return sees_context_lastingly(viewer, item.context)
