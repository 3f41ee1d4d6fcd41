"""Reads of managed moves: a child's moves, and whether harm moved with the child.

The displacement view sets the child's incidents in a window before the move
beside the same window after it, with the child's role in each (harmed and
harming are counted apart, never merged: docs/domain.md#victims-and-harmers) and where it happened:
at the old school, at the new school, or elsewhere. Only incidents the viewer may
see are counted, as they are listed: sight of the child gives sight of the incidents
they were in except another agency's restricted intelligence (``access/scopes.py``),
and a count of what is left out would tell of that intelligence all the same. Nothing
here rates the child: the counts are evidence for the team to judge.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from locus.access import scopes
from locus.access.models import Worker
from locus.access.panel_meetings import panels_visible_to
from locus.access.selectors import withhold_unseen_places
from locus.common.queries import ids_among
from locus.common.services import today
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.moves.models import ManagedMove, ManagedMoveRevision
from locus.panels.models import PanelMeeting
from locus.people.models import Person
from locus.places.models import Context, ContextKind, Enrolment

DEFAULT_MONTHS = 6
MAX_MONTHS = 24


class Where:
    OLD = "old"
    NEW = "new"
    ELSEWHERE = "elsewhere"
    UNKNOWN = "unknown"  # a missing episode recorded without a place


WHERE_LABELS = {
    Where.OLD: "Old school",
    Where.NEW: "New school",
    Where.ELSEWHERE: "Elsewhere",
    Where.UNKNOWN: "Place not known",
}
# The count table's columns: an unknown place is not "elsewhere" (it may have been either
# school), so its column says so rather than folding it in silently.
COLUMNS = ((Where.OLD,), (Where.NEW,), (Where.ELSEWHERE, Where.UNKNOWN))
ROLE_ORDER = [r.value for r in InvolvementRole]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def window_months(value: object) -> int:
    """The window asked for in the query, within 1 to 24 months; the default otherwise."""
    try:
        months = int(str(value))
    except (TypeError, ValueError):
        return DEFAULT_MONTHS
    return min(max(months, 1), MAX_MONTHS)


_MOVE_RELATED = (
    "from_school",
    "to_school",
    "panel_meeting",
    "recorded_by",
    "recorded_in_team__agency",
    "in_error_by",
)


@dataclass
class MoveRow:
    move: ManagedMove
    panel_visible: bool


def moves_for(viewer: Worker, person: Person) -> list[MoveRow]:
    """The child's managed moves, newest first, those entered in error among them (struck
    through where listed); the panel that discussed one is linked only for a viewer who may
    see it. Two queries at most. The caller has checked that the viewer may see the child."""
    moves = list(
        ManagedMove.objects.filter(person=person)
        .select_related(*_MOVE_RELATED)
        .order_by("-moved_on", "-id")
    )
    panel_ids = {m.panel_meeting_id for m in moves if m.panel_meeting_id}
    seen = ids_among(panels_visible_to(viewer), panel_ids)
    return [MoveRow(m, m.panel_meeting_id in seen) for m in moves]


def move_of(person: Person, move_id: int) -> ManagedMove | None:
    return (
        ManagedMove.objects.filter(person=person, pk=move_id)
        .select_related("person", *_MOVE_RELATED)
        .first()
    )


def revisions_of(move: ManagedMove) -> list[ManagedMoveRevision]:
    """The move's values before each correction, newest first, with who corrected it."""
    return list(
        move.revisions.select_related("from_school", "to_school", "corrected_by").order_by(
            "-corrected_at", "-id"
        )
    )


@dataclass
class IncidentRow:
    """One incident the viewer may see, with the child's roles in it."""

    incident: Incident
    roles: list[tuple[str, str]]
    where: str
    days_from_move: int

    @property
    def where_label(self) -> str:
        return WHERE_LABELS[self.where]

    @property
    def when_label(self) -> str:
        days = self.days_from_move
        if days < 0:
            return f"{-days} day{'s' if days < -1 else ''} before"
        return "the day of the move" if days == 0 else f"{days} day{'s' if days > 1 else ''} after"


@dataclass
class Period:
    label: str
    start: dt.date
    end: dt.date  # the day after the window (exclusive)
    rows: list[IncidentRow] = field(default_factory=list)
    incidents: int = 0
    # role -> where -> involvements, in the incidents the viewer sees (those listed).
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def count(self, role: str, where: tuple[str, ...] = ()) -> int:
        """Involvements in ``role`` at any of the places ``where`` (all places if empty)."""
        by_place = self.counts.get(role, {})
        return sum(n for w, n in by_place.items() if not where or w in where)


@dataclass
class CountRow:
    role: str
    label: str
    before: list[int]  # old school, new school, elsewhere or not known, all
    after: list[int]


@dataclass
class Displacement:
    move: ManagedMove
    months: int
    before: Period
    after: Period
    # The window after the move may not have run its course yet.
    after_days_so_far: int
    after_days: int

    @property
    def complete(self) -> bool:
        return self.after_days_so_far >= self.after_days

    def count_rows(self) -> list[CountRow]:
        """One row per role that occurs (harmed and harming always), counts by place."""
        places = COLUMNS
        rows = []
        for role in ROLE_ORDER:
            before = [self.before.count(role, w) for w in places]
            after = [self.after.count(role, w) for w in places]
            always = role in (InvolvementRole.HARMED, InvolvementRole.HARMING)
            if always or any(before) or any(after):
                rows.append(
                    CountRow(
                        role,
                        InvolvementRole(role).label,
                        [*before, sum(before)],
                        [*after, sum(after)],
                    )
                )
        return rows


def _where(incident: Incident, move: ManagedMove) -> str:
    if incident.context_id is None:
        return Where.UNKNOWN
    if incident.context_id == move.from_school_id:
        return Where.OLD
    if incident.context_id == move.to_school_id:
        return Where.NEW
    return Where.ELSEWHERE


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def displacement(viewer: Worker, move: ManagedMove, months: int = DEFAULT_MONTHS) -> Displacement:
    """The child's incidents ``months`` before and after the move that the viewer may see (the
    move day counts as after: it is the first day at the new school). Two queries, however
    many incidents.

    The caller has checked that the viewer may see the child. An incident the viewer may not
    see (another agency's restricted intelligence) is neither listed nor counted: seeing the
    child is not enough to learn that it exists.
    """
    months = min(max(months, 1), MAX_MONTHS)
    start = add_months(move.moved_on, -months)
    end = add_months(move.moved_on, months)
    before = Period("Before the move", start, move.moved_on)
    after = Period("After the move", move.moved_on, end)
    involvements = list(
        Involvement.objects.filter(
            person_id=move.person_id,
            incident__occurred_at__gte=_moment(start),
            incident__occurred_at__lt=_moment(end),
        )
        .select_related("incident__context", "incident__reporting_agency")
        .order_by("incident__occurred_at", "incident_id", "role")
    )
    incident_ids = {i.incident_id for i in involvements}
    visible = ids_among(scopes.incidents_visible_to(viewer), incident_ids)
    rows: dict[int, IncidentRow] = {}
    for involvement in involvements:
        incident = involvement.incident
        if incident.pk not in visible:
            continue
        day = timezone.localtime(incident.occurred_at).date()
        period = before if day < move.moved_on else after
        where = _where(incident, move)
        by_place = period.counts.setdefault(involvement.role, {})
        by_place[where] = by_place.get(where, 0) + 1
        row = rows.get(incident.pk)
        if row is None:
            row = rows[incident.pk] = IncidentRow(incident, [], where, (day - move.moved_on).days)
            period.rows.append(row)
            period.incidents += 1
        row.roles.append((involvement.role, involvement.get_role_display()))
    # After the rows are placed old school / new school / elsewhere: a school is no home.
    withhold_unseen_places(viewer, [row.incident for row in rows.values()])
    after_days = (end - move.moved_on).days
    so_far = min(max((today() - move.moved_on).days + 1, 0), after_days)
    return Displacement(move, months, before, after, so_far, after_days)


# --- What the move form reads ----------------------------------------------------------------


def move_choices(
    viewer: Worker, person: Person
) -> tuple[list[Context], Enrolment | None, list[PanelMeeting]]:
    """The schools the worker sees, the child's current school, and the latest panels the
    worker sees (at most 50): what a managed move's form offers."""
    schools = list(
        scopes.contexts_visible_to(viewer).filter(kind=ContextKind.SCHOOL).order_by("name", "id")
    )
    current = person.enrolments.current().order_by("-start").first()
    panels = list(panels_visible_to(viewer).order_by("-meets_on", "-id")[:50])
    return schools, current, panels


def correction_choices(
    viewer: Worker, move: ManagedMove
) -> tuple[list[Context], list[PanelMeeting]]:
    """What the form correcting ``move`` offers: the schools the worker sees and the two the
    move names (shown with it to whoever sees the child), and the latest panels they see."""
    schools, _, panels = move_choices(viewer, move.person)
    named = [s for s in (move.from_school, move.to_school) if s not in schools]
    return sorted([*schools, *named], key=lambda s: (s.name, s.pk)), panels


def panel_seen(viewer: Worker, move: ManagedMove) -> bool:
    """Whether the panel that decided the move is one the viewer sees (to link to it)."""
    return move.panel_meeting_id is not None and (
        panels_visible_to(viewer).filter(pk=move.panel_meeting_id).exists()
    )
