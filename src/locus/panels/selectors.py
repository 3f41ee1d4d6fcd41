"""Reads of panel meetings, always for a viewer.

An agenda item about a person the viewer may not see names nobody: it says "A
child not shared with you, held by <worker>, <team>, <agency>" (or "A person not
shared with you, recorded by ...": ``naming.unseen_label``), and its reasons,
discussion, decisions and the descriptions of its actions are withheld, except an
action the viewer owns. A location the viewer may not see (a home, a peer group) is
"a home you may not see". Every function makes a fixed number of queries, whatever
the size of the agenda.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404

from locus.access import context_cases, naming, scopes
from locus.access import panel_meetings as policies
from locus.access.models import Worker
from locus.casework.models import CaseStatus, ContextPlan, PlanStatus
from locus.common.queries import begins_words, ids_among, word_begins
from locus.forums.models import FINISHED_ACTION_STATUSES
from locus.panels.models import (
    LISTS,
    AgendaItem,
    ItemKind,
    PanelAction,
    PanelAttendee,
    PanelDecision,
    PanelMeeting,
    PanelStatus,
    PanelStep,
)
from locus.people.models import Person
from locus.people.selectors import caseload_for, nameable, people_named_like
from locus.places.models import Context, ContextKind


def panels_for(*, viewer: Worker, status: str = "") -> QuerySet[PanelMeeting]:
    """The panel meetings the viewer may see, newest first, with the size of each list."""
    qs = policies.panels_visible_to(viewer)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("chair")
        .annotate(
            item_count=Count("items", distinct=True),
            open_actions=Count(
                "actions",
                filter=~Q(actions__status__in=FINISHED_ACTION_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-meets_on", "-id")
    )


def current_panels(*, viewer: Worker, limit: int = 5) -> list[PanelMeeting]:
    """The viewer's panel meetings not yet closed or cancelled, latest first, at most
    ``limit``: named by title, as the panels list names them."""
    done = (PanelStatus.CLOSED, PanelStatus.CANCELLED)
    return list(panels_for(viewer=viewer).exclude(status__in=done)[:limit])


def hidden_label(item: AgendaItem) -> str:
    """How an item about someone or somewhere the viewer may not see is described: by who
    holds the case (or recorded the person), so the viewer knows whom to ask."""
    if item.kind == ItemKind.LOCATION:
        assert item.context is not None
        return f"A {item.context.get_kind_display().lower()} you may not see"
    child = item.kind != ItemKind.PERSON_OF_CONCERN
    holder = naming.holder_text(item.holder, item.holder_team)
    if holder and item.holds_case:
        return naming.unseen_label(child=child, held_by=holder)
    if holder:
        return f"{naming.unseen_label(child=child)}, recorded by {holder}"
    return naming.unseen_label(child=child, held_by="" if not child else naming.UNALLOCATED)


@dataclass
class ActionView:
    action: PanelAction
    shown: bool  # the description: the viewer sees the item's subject, or owns the action
    can_update: bool
    builds_on: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """Its status where it is followed: on the context plan for an action that landed."""
        followed = self.action.plan_action or self.action
        return followed.get_status_display()


@dataclass
class ItemView:
    item: AgendaItem
    visible: bool
    label: str
    has_plan: bool = False  # a location with an approved context plan: actions land on it
    decisions: list[PanelDecision] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)


@dataclass
class AgendaList:
    kind: str
    heading: str
    items: list[ItemView]


@dataclass
class PanelDetail:
    meeting: PanelMeeting
    attendees: list[PanelAttendee]
    lists: list[AgendaList]
    decisions: list[PanelDecision]  # on the meeting as a whole (none unless read_discussion)
    organiser: bool
    can_set_agenda: bool
    can_read_discussion: bool  # the summary and the decisions on the whole meeting
    can_discuss: bool
    can_add_action: bool

    def allows(self, step: str) -> bool:
        return self.meeting.allows(step)

    def _people(self, *, visible: bool) -> list[int]:
        return [
            v.item.person_id
            for agenda in self.lists
            for v in agenda.items
            if v.visible is visible and v.item.person_id
        ]

    @property
    def people_shown(self) -> list[int]:
        return self._people(visible=True)

    def listed(self) -> dict[str, list[int]]:
        """The records the page lists besides its people, by id, for its read's entry in the
        trail: the attendees, the agenda's items, the decisions (the meeting's and each item
        the viewer may read), the actions, and the places and groups the items name."""
        items = [v for agenda in self.lists for v in agenda.items]
        return {
            "attendees_shown": [a.pk for a in self.attendees],
            "agenda_items_shown": [v.item.pk for v in items],
            "decisions_shown": [
                *(x.pk for x in self.decisions),
                *(x.pk for v in items if v.visible for x in v.decisions),
            ],
            "actions_shown": [a.action.pk for v in items for a in v.actions],
            "places_shown": list(
                dict.fromkeys(v.item.context_id for v in items if v.visible and v.item.context_id)
            ),
        }

    @property
    def people_held_by_only(self) -> list[int]:
        """The people on the agenda the viewer may not see, described by who holds them."""
        return self._people(visible=False)

    @property
    def open_actions(self) -> int:
        """The panel's own actions still open (those on a context plan are the plan's)."""
        return sum(
            1
            for agenda in self.lists
            for v in agenda.items
            for a in v.actions
            if not a.action.is_finished and not a.action.on_plan
        )

    @property
    def can_hold(self) -> bool:
        return self.organiser and self.allows(PanelStep.HOLD)

    @property
    def can_close(self) -> bool:
        return self.organiser and self.allows(PanelStep.CLOSE) and not self.open_actions


def _attendees() -> Prefetch:
    return Prefetch(
        "attendees",
        queryset=PanelAttendee.objects.select_related("worker__team__agency").order_by("id"),
    )


def meeting_items(meeting: PanelMeeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related(
            "person", "context", "holder__team__agency", "holder_team__agency"
        ).order_by("id")
    )


def visible_item_ids(viewer: Worker, items: list[AgendaItem]) -> set[int]:
    """Which items the viewer may read in full: a fixed number of queries, however many."""
    return item_sight(viewer, items)[0]


def _people_read_and_written(viewer: Worker, person_ids: set[int]) -> tuple[set[int], set[int]]:
    """Of these people, whom the viewer sees in their own right, and whom lastingly (not
    through break-glass): one query."""
    if not person_ids:
        return set(), set()
    # In their own right: what a panel said about a child is their record, which a forum
    # share (the child's shared fields) does not bring.
    read = scopes.people_visible_to(viewer, shared=False).filter(id__in=person_ids)
    lasting = scopes.person_filter(viewer, shared=False, break_glass=False)
    if lasting is None:  # everyone, in their own right
        everyone = set(read.values_list("id", flat=True))
        return everyone, everyone
    flagged = read.annotate(
        writes=Case(
            When(lasting, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    seen = dict(flagged.values_list("id", "writes"))
    return set(seen), {pk for pk, writes in seen.items() if writes}


def item_sight(viewer: Worker, items: list[AgendaItem]) -> tuple[set[int], set[int]]:
    """Which items the viewer may read in full (``policies.can_see_item``), and which they
    may write about (``policies.can_write_item``: an item's person or place needs lasting
    sight): at most three queries, however many items."""
    read, written = _people_read_and_written(viewer, {i.person_id for i in items if i.person_id})
    context_ids = {i.context_id for i in items if i.context_id}
    places = ids_among(scopes.contexts_visible_to(viewer), context_ids)
    # A place seen only through emergency access is read, not written about.
    with scopes.lasting_sight_only():
        lasting = ids_among(scopes.contexts_visible_to(viewer), places)

    def among(people: set[int], seen: set[int]) -> set[int]:
        return {
            i.pk
            for i in items
            if (i.person_id in people) or (i.context_id is not None and i.context_id in seen)
        }

    return among(read, places), among(written, lasting)


def contexts_with_plans(context_ids: set[int]) -> set[int]:
    """Which of these locations have an approved context plan on an open case (one query)."""
    if not context_ids:
        return set()
    return set(
        ContextPlan.objects.filter(case__context_id__in=context_ids, status=PlanStatus.ACTIVE)
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("case__context_id", flat=True)
    )


def item_label(item: AgendaItem, visible: bool) -> str:
    if not visible:
        return hidden_label(item)
    if item.person is not None:
        return item.person.full_name
    assert item.context is not None
    return item.context.name


def panel_detail(viewer: Worker, meeting: PanelMeeting) -> PanelDetail:
    """Everything the meeting's page shows, in a fixed number of queries."""
    prefetch_related_objects([meeting], _attendees())
    items = meeting_items(meeting)
    visible, writable = item_sight(viewer, items)
    decisions = list(meeting.decisions.select_related("recorded_by").order_by("recorded_at", "id"))
    reads_discussion = policies.can_read_discussion(viewer, meeting)
    actions = list(
        meeting.actions.select_related("owner__team__agency", "agency", "plan_action")
        .prefetch_related("builds_on")
        .order_by("due_on", "id")
    )
    planned = contexts_with_plans({i.context_id for i in items if i.context_id})
    views = {
        i.pk: ItemView(i, i.pk in visible, item_label(i, i.pk in visible), i.context_id in planned)
        for i in items
    }
    general = []
    for decision in decisions:
        if decision.item_id is None:
            if reads_discussion:
                general.append(decision)
        else:
            views[decision.item_id].decisions.append(decision)
    for action in actions:
        action.meeting = meeting
        view = views[action.item_id]
        shown = view.visible or action.owner_id == viewer.pk
        view.actions.append(
            ActionView(
                action,
                shown,
                not action.on_plan
                and policies.can_update_action(viewer, action, writable=writable),
                # The young person's strengths are their profile: only for those who see them
                # (an owner who does not reads the action's words alone).
                [b.text for b in action.builds_on.all() if b.ended_on is None]
                if view.visible
                else [],
            )
        )
    lists = [
        AgendaList(kind, heading, [v for v in views.values() if v.item.kind == kind])
        for kind, heading in LISTS
    ]
    return PanelDetail(
        meeting=meeting,
        attendees=list(meeting.attendees.all()),
        lists=lists,
        decisions=general,
        organiser=policies.is_organiser(viewer, meeting),
        can_set_agenda=policies.can_set_agenda(viewer, meeting),
        can_read_discussion=reads_discussion,
        can_discuss=policies.can_record_discussion(viewer, meeting),
        can_add_action=policies.can_add_action(viewer, meeting),
    )


@dataclass
class PersonItem:
    """A panel agenda item about a child, for the child's page."""

    item: AgendaItem
    meeting_visible: bool


def panels_seen(viewer: Worker, meeting_ids: set[int]) -> set[int]:
    """Which of these panel meetings the viewer may open (one query)."""
    return ids_among(policies.panels_visible_to(viewer), meeting_ids)


def panel_items_for_person(viewer: Worker, person: Person) -> list[PersonItem]:
    """The HSB meetings and MACE panels that had this child on a list, newest first, with the
    list (harmed and harming stay apart). Two queries. The caller has checked that the viewer
    may see the child; a meeting is linked only for a viewer who may see it."""
    items = list(
        AgendaItem.objects.filter(person=person)
        .select_related("meeting")
        .order_by("-meeting__meets_on", "kind", "id")
    )
    seen = panels_seen(viewer, {i.meeting_id for i in items})
    return [PersonItem(i, i.meeting_id in seen) for i in items]


# --- What the panel pages read ---------------------------------------------------------------
# The meeting passed in was opened through ``access_panel``: what hangs off it is the viewer's
# to read, except items, which follow their own sight (``can_see_item``).


def panel_workers() -> list[Worker]:
    """Workers who may be on a panel's list, by agency and name."""
    return [
        w
        for w in Worker.objects.filter(is_active=True, team__isnull=False)
        .select_related("team__agency")
        .order_by("team__agency__name", "last_name", "first_name", "id")
        if policies.may_attend(w)
    ]


def item_of(viewer: Worker, meeting: PanelMeeting, item_id: int) -> AgendaItem:
    """An item of this meeting about someone or somewhere the viewer sees, or 404."""
    item = (
        meeting.items.select_related("person", "context", "holder__team__agency", "holder_team")
        .filter(pk=item_id)
        .first()
    )
    if item is None or not policies.can_see_item(viewer, item):
        raise Http404("Not found")
    item.meeting = meeting
    return item


def action_of(meeting: PanelMeeting, action_id: int) -> PanelAction:
    """One of the meeting's actions, or 404 (whether the viewer may update it is a rule)."""
    action: PanelAction | None = (
        meeting.actions.select_related("owner__team", "item__person", "item__context")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("Not found")
    action.meeting = meeting
    return action


def people_offered(
    viewer: Worker, q: str, *, chosen: Sequence[int] = (), limit: int = 25
) -> list[Person]:
    """People matching ``q`` whom the viewer may name (``can_name_people``: not through a
    forum share or break-glass); without ``q``, their caseload. ``chosen`` (from an earlier
    search) stays on the list the form checks against, if the viewer may name them."""
    if q.split():
        qs = people_named_like(viewer=viewer, name=q)
    else:
        # Their caseload: people they hold, whom they see in their own right.
        qs = caseload_for(viewer=viewer, statuses=False)
    people = list(qs.order_by("family_name", "given_name", "id")[:limit])
    if chosen:
        people += nameable(viewer).filter(pk__in=chosen)
    return people


def contexts_offered(viewer: Worker) -> QuerySet[Context]:
    """The places the viewer may put on an agenda: those they see lastingly, not a home seen
    only through a child opened by emergency access (``agenda_item_add`` refuses it). Every
    place in the borough, perhaps: the form's search narrows and counts them in the database
    (:func:`place_holds`), and reads only the few it shows."""
    with scopes.lasting_sight_only():  # the sight is settled as the query is built
        return scopes.contexts_visible_to(viewer).order_by("kind", "name", "id")


def place_holds(word: str) -> Q:
    """A place with a word of its name, or of its kind as the agenda form names it
    (``panels.forms.place_label``), beginning ``word``: "park" finds "Park or open space"."""
    kinds = [kind for kind, label in ContextKind.choices if begins_words(label, [word])]
    return word_begins("name", word) | Q(kind__in=kinds)


def listed_worker_ids(meeting: PanelMeeting) -> set[int]:
    return set(meeting.attendees.values_list("worker_id", flat=True))


def attendees_of(meeting: PanelMeeting) -> list[PanelAttendee]:
    return list(meeting.attendees.select_related("worker__team").order_by("id"))


def attending_workers(meeting: PanelMeeting) -> list[Worker]:
    """The workers on the meeting's list whom an action may be given to: not a conference
    chair (``context_cases.refused_as_owner``)."""
    return [
        a.worker
        for a in meeting.attendees.filter(worker__isnull=False).select_related(
            "worker__team__agency"
        )
        if a.worker is not None and not context_cases.refused_as_owner(a.worker)
    ]
