"""Reads of safety maps and context weightings, scoped to the viewer, and the area picture.

A child's maps and weightings are read by whoever may see the child (the caller has found
the child with ``lookups.access_person``). A place the child marked is named only to a
viewer who may see that place; to anyone else it is "a place you cannot see" (a context's
name can itself say whose home it is). The child's own words are read only here, on the
child's record: the area picture counts children and shows no words and no names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Subquery

from locus.access import safety as rules
from locus.access import scopes
from locus.access.models import Worker
from locus.common.ids import as_id
from locus.common.queries import ids_among
from locus.common.services import today
from locus.peers.selectors import context_choices
from locus.people.models import Person
from locus.places.models import Context
from locus.safety.disclosure import Suppressed, suppress
from locus.safety.models import (
    RATING_ORDER,
    MapSession,
    MarkAmendment,
    MarkedPlace,
    Rating,
    WeightedContext,
    Weighting,
)

UNSEEN_PLACE = "A place you cannot see"
AREA_MONTHS = 12


def _place_label(mark: MarkedPlace, seen: set[int]) -> str:
    if mark.context_id is None:
        return f"{mark.description} ({mark.postcode})" if mark.postcode else mark.description
    return mark.context.name if mark.context_id in seen else UNSEEN_PLACE


@dataclass
class MarkView:
    mark: MarkedPlace
    place: str
    context_visible: bool
    amendments: list[MarkAmendment]


def places_marked(marks: Sequence[MarkView], items: Sequence[ItemView] = ()) -> list[int]:
    """The places these marks (and weighted contexts) name, where the viewer sees them."""
    ids = [m.mark.context_id for m in marks if m.context_visible and m.mark.context_id]
    ids += [i.item.context_id for i in items if i.context_visible and i.item.context_id]
    return list(dict.fromkeys(ids))


@dataclass
class SessionView:
    session: MapSession
    marks: list[MarkView]

    def shown(self) -> dict[str, object]:
        """The ids the session's page shows, for the audit trail: the session, its marks,
        their amendments and the places they name."""
        return {
            "session": self.session.pk,
            "safety_marks_shown": [m.mark.pk for m in self.marks],
            "amendments_shown": [a.pk for m in self.marks for a in m.amendments],
            "places_shown": places_marked(self.marks),
        }


@dataclass
class ItemView:
    item: WeightedContext
    place: str
    context_visible: bool


@dataclass
class WeightingView:
    weighting: Weighting
    items: list[ItemView]


def _contexts_seen(viewer: Worker, ids: Iterable[int | None]) -> set[int]:
    return ids_among(scopes.contexts_visible_to(viewer), {i for i in ids if i is not None})


def _mark_views(marks: list[MarkedPlace], seen: set[int], *, history: bool) -> list[MarkView]:
    marks.sort(key=lambda m: (RATING_ORDER.get(m.rating, 9), m.pk))
    return [
        MarkView(
            m,
            _place_label(m, seen),
            m.context_id in seen,
            list(m.amendments.all()) if history else [],
        )
        for m in marks
    ]


def _item_views(items: list[WeightedContext], seen: set[int]) -> list[ItemView]:
    return [
        ItemView(i, i.context.name if i.context_id in seen else UNSEEN_PLACE, i.context_id in seen)
        for i in items
    ]


@dataclass
class PersonSafety:
    """The child's latest safety map and context weighting, for their page."""

    session: MapSession | None
    marks: list[MarkView]
    weighting: Weighting | None
    items: list[ItemView]

    def shown(self) -> dict[str, object]:
        """The ids the page shows, for the audit trail."""
        return {
            "safety_marks_shown": [v.mark.pk for v in self.marks],
            "weighting_shown": self.weighting.pk if self.weighting else None,
        }


def person_safety(viewer: Worker, person: Person) -> PersonSafety:
    """The latest map's marks (with their session) and the latest weighting's contexts:
    two queries, and a third only when either names a context."""
    # The latest session with a place marked: one just opened, still empty, is not the map.
    mapped = MapSession.objects.filter(person=person, marks__isnull=False)
    latest = mapped.order_by("-held_on", "-id").values("id")[:1]
    marks = list(
        MarkedPlace.objects.filter(session_id=Subquery(latest)).select_related("session", "context")
    )
    newest = Weighting.objects.filter(person=person).order_by("-decided_on", "-id").values("id")[:1]
    items = list(
        WeightedContext.objects.filter(weighting_id=Subquery(newest))
        .select_related("weighting", "context")
        .order_by("rank")
    )
    seen = _contexts_seen(viewer, [m.context_id for m in marks] + [i.context_id for i in items])
    return PersonSafety(
        session=marks[0].session if marks else None,
        marks=_mark_views(marks, seen, history=False),
        weighting=items[0].weighting if items else None,
        items=_item_views(items, seen),
    )


@dataclass
class History:
    sessions: list[SessionView]
    weightings: list[WeightingView]

    def shown(self) -> dict[str, list[int]]:
        return {
            "sessions_shown": [s.session.pk for s in self.sessions],
            "safety_marks_shown": [m.mark.pk for s in self.sessions for m in s.marks],
            "weightings_shown": [w.weighting.pk for w in self.weightings],
            "amendments_shown": [
                a.pk for s in self.sessions for m in s.marks for a in m.amendments
            ],
            "places_shown": list(
                dict.fromkeys(
                    [
                        *(pk for s in self.sessions for pk in places_marked(s.marks)),
                        *(pk for w in self.weightings for pk in places_marked([], w.items)),
                    ]
                )
            ),
        }


def history(viewer: Worker, person: Person) -> History:
    """Every session with its marks and their amendments, and every weighting, newest first."""
    amendments = Prefetch("amendments", queryset=MarkAmendment.objects.select_related("amended_by"))
    marks = Prefetch(
        "marks",
        queryset=MarkedPlace.objects.select_related("context", "recorded_by").prefetch_related(
            amendments
        ),
    )
    sessions = list(
        MapSession.objects.filter(person=person)
        .select_related("recorded_by__team__agency")
        .prefetch_related(marks)
        .order_by("-held_on", "-id")
    )
    weightings = list(
        Weighting.objects.filter(person=person)
        .select_related("recorded_by__team__agency")
        .prefetch_related(
            Prefetch("items", queryset=WeightedContext.objects.select_related("context"))
        )
        .order_by("-decided_on", "-id")
    )
    seen = _contexts_seen(
        viewer,
        [m.context_id for s in sessions for m in s.marks.all()]
        + [i.context_id for w in weightings for i in w.items.all()],
    )
    return History(
        sessions=[
            SessionView(s, _mark_views(list(s.marks.all()), seen, history=True)) for s in sessions
        ],
        weightings=[WeightingView(w, _item_views(list(w.items.all()), seen)) for w in weightings],
    )


def session_view(viewer: Worker, person: Person, session_id: object) -> SessionView | None:
    """One of the child's sessions with its marks, or None (not the child's, or no such)."""
    pk = as_id(session_id)
    session = (
        MapSession.objects.filter(person=person, pk=pk).select_related("recorded_by").first()
        if pk is not None
        else None
    )
    if session is None:
        return None
    marks = list(
        session.marks.select_related("context", "recorded_by").prefetch_related(
            Prefetch("amendments", queryset=MarkAmendment.objects.select_related("amended_by"))
        )
    )
    seen = _contexts_seen(viewer, [m.context_id for m in marks])
    return SessionView(session, _mark_views(marks, seen, history=True))


def mark_of(viewer: Worker, person: Person, mark_id: object) -> MarkView | None:
    """One mark on the child's maps, or None."""
    pk = as_id(mark_id)
    mark = (
        MarkedPlace.objects.filter(session__person=person, pk=pk)
        .select_related("session__person", "context", "recorded_by")
        .first()
        if pk is not None
        else None
    )
    if mark is None:
        return None
    seen = _contexts_seen(viewer, [mark.context_id])
    return MarkView(mark, _place_label(mark, seen), mark.context_id in seen, [])


def place_choices(viewer: Worker, person: Person) -> list[Context]:
    """The contexts a mark or a weighting may name: public places the viewer sees, and the
    child's own home and peer groups (never another family's home)."""
    return context_choices(viewer=viewer, person=person)


def can_record(viewer: Worker, person: Person) -> bool:
    return rules.can_record_safety(viewer, person)


# --- The area picture -------------------------------------------------------------------------

RATINGS = tuple(Rating.values)


@dataclass(frozen=True)
class AreaRow:
    """Distinct children marking one place in one month, suppressed: no names, no words."""

    place: str
    context_id: int | None
    month: dt.date
    counts: Suppressed

    @property
    def red(self) -> int | None:
        return self.counts.cells[0]

    @property
    def amber(self) -> int | None:
        return self.counts.cells[1]

    @property
    def green(self) -> int | None:
        return self.counts.cells[2]


def sector_of(postcode: str) -> str:
    """A postcode's sector ("E8 1AB" is in "E8 1"): where a described place is counted."""
    outward, _, inward = postcode.partition(" ")
    return f"{outward} {inward[:1]}" if inward else ""


def _month_start(months: int) -> dt.date:
    first = today().replace(day=1)
    index = first.year * 12 + first.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _area_rows(
    marks: Iterable[tuple[int, dt.date, int, int, int | None, str, str]], names: dict[int, str]
) -> list[AreaRow]:
    """Each child counted once per place and month, by the last rating they gave there
    that month (later sessions win; an amended mark counts as amended)."""
    last: dict[tuple[object, dt.date, int], tuple[tuple[dt.date, int, int], str]] = {}
    for person_id, held_on, session_id, mark_id, context_id, postcode, rating in marks:
        place: object = context_id if context_id is not None else sector_of(postcode)
        if not place:
            continue  # a described place with no postcode is counted nowhere
        key = (place, held_on.replace(day=1), person_id)
        order = (held_on, session_id, mark_id)
        if key not in last or last[key][0] < order:
            last[key] = (order, rating)
    counts: dict[tuple[object, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (place, month, _person), (_order, rating) in last.items():
        counts[(place, month)][rating] += 1
    rows = []
    for (place, month), by_rating in counts.items():
        if isinstance(place, int):
            label, context_id = names[place], place
        else:
            label, context_id = f"Places described in postcode sector {place}", None
        rows.append(AreaRow(label, context_id, month, suppress(by_rating, RATINGS)))
    rows.sort(key=lambda r: (r.place.lower(), r.month))
    return rows


def _area_marks(viewer: Worker, months: int, context: Context | None = None) -> list[AreaRow]:
    if not rules.can_view_area(viewer):
        return []
    places = rules.area_contexts(viewer)  # public places only: never a home or a group
    marks = MarkedPlace.objects.filter(session__held_on__gte=_month_start(months))
    if context is not None:
        marks = marks.filter(context=context, context__in=places)
    else:
        # Marks at places the viewer may not see are left out; described places count by
        # postcode sector (a place with no postcode is counted nowhere).
        marks = marks.filter(context__in=places) | marks.filter(context__isnull=True)
    rows = list(
        marks.values_list(
            "session__person_id",
            "session__held_on",
            "session_id",
            "id",
            "context_id",
            "postcode",
            "rating",
        )
    )
    ids = {r[4] for r in rows if r[4] is not None}
    names = dict(Context.objects.filter(pk__in=ids).values_list("id", "name")) if ids else {}
    return _area_rows(rows, names)


def area_picture(viewer: Worker, months: int = AREA_MONTHS) -> list[AreaRow]:
    """The borough's places as many children marked them, month by month over the last
    ``months``: counts of distinct children, small numbers suppressed (fewer than
    :data:`THRESHOLD`), no child named and none of their words. Empty for a viewer who may
    not see the area picture (``access.safety.can_view_area``)."""
    return _area_marks(viewer, months)


def area_ratings_for_context(
    viewer: Worker, context: Context, months: int = AREA_MONTHS
) -> list[AreaRow]:
    """One place's rows of the area picture, month by month (oldest first), for the
    context's page: the same suppressed counts as the area page, and nothing for a viewer
    who may not see the area picture or the place. The caller logs what it shows."""
    return _area_marks(viewer, months, context)
