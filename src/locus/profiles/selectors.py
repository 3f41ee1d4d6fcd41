"""Reads of the aspirational profile, always for a viewer.

A protective peer the viewer may not see is shown by initials only, and a safe
place they may not see (another family's home) by the young person's words
alone. Each function makes a fixed number of queries, whatever the size of the
profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from locus.access import naming, policies, scopes
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids, visible_person_ids_by_right
from locus.peers.models import Association
from locus.people.models import Person, PersonKind
from locus.people.selectors import nameable
from locus.profiles.models import (
    KIND_ORDER,
    KIND_SINGULAR,
    ProfileItem,
    ProfileItemQuerySet,
    ProfileKind,
)


@dataclass
class ItemRow:
    """A profile item as one viewer may be shown it."""

    item: ProfileItem
    peer_label: str = ""
    peer_visible: bool = False
    place_visible: bool = False

    @property
    def peers_named(self) -> list[int]:
        """The protective peer this row names in full (none when shown by initials only),
        for the read's entry in the access trail."""
        return [self.item.peer_id] if self.peer_visible and self.item.peer_id else []


@dataclass
class KindGroup:
    kind: str
    label: str
    singular: str
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class Profile:
    person: Person
    groups: list[KindGroup]
    history: list[ItemRow]
    can_record: bool

    @property
    def current_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def current_rows(self) -> list[ItemRow]:
        """The items in use, as a child's page lists them (by kind)."""
        return [r for g in self.groups for r in g.rows]

    @property
    def rows(self) -> list[ItemRow]:
        """Every item the profile shows, current and history."""
        return [*(r for g in self.groups for r in g.rows), *self.history]

    @property
    def peers_named(self) -> list[int]:
        """The protective peers (other children) the profile names in full, current and
        history: the page's read is about them too, so the trail's search by person finds it."""
        return sorted({pk for row in self.rows for pk in row.peers_named})

    def shown(self) -> dict[str, list[int]]:
        """What the profile's page shows, by id, for its read's entry in the trail: every
        item, the peers it names in full and the places it names."""
        rows = self.rows
        places = places_named(rows)
        return {
            "items_shown": [row.item.pk for row in rows],
            "peers_shown": self.peers_named,
            "places_shown": places,
        }


def places_named(rows: Iterable[ItemRow]) -> list[int]:
    """The places these profile items name (those the viewer sees), by id."""
    return sorted({row.item.place_id for row in rows if row.place_visible and row.item.place_id})


def _items(person_ids: Iterable[int]) -> ProfileItemQuerySet:
    return ProfileItem.objects.filter(person_id__in=list(person_ids)).select_related(
        "peer", "place", "recorded_by__team__agency", "ended_by"
    )


def _rows(viewer: Worker, items: list[ProfileItem]) -> list[ItemRow]:
    """Rows for items, naming a peer or place only when the viewer may see it (two queries)."""
    peers = visible_person_ids(viewer, (i.peer_id for i in items if i.peer_id))
    place_ids = {i.place_id for i in items if i.place_id}
    places = (
        set(
            scopes.contexts_visible_to(viewer).filter(id__in=place_ids).values_list("id", flat=True)
        )
        if place_ids
        else set()
    )
    rows = []
    for item in items:
        row = ItemRow(item, place_visible=item.place_id in places)
        if item.peer is not None:
            row.peer_visible = item.peer_id in peers
            row.peer_label = naming.person_label(item.peer, visible=row.peer_visible)
        rows.append(row)
    return rows


def profile_for(viewer: Worker, person: Person) -> Profile:
    """The young person's profile: current items by kind (every kind, even empty), and history.

    The caller has already checked that the viewer may see ``person`` (``access_person``).
    """
    items = list(_items([person.pk]).order_by("-recorded_on", "-id"))
    rows = _rows(viewer, items)
    groups = [KindGroup(kind.value, kind.label, KIND_SINGULAR[kind]) for kind in ProfileKind]
    history = []
    for row in rows:
        if row.item.ended_on is None:
            groups[KIND_ORDER[row.item.kind]].rows.append(row)
        else:
            history.append(row)
    history.sort(key=lambda r: (r.item.ended_on, r.item.pk), reverse=True)
    return Profile(
        person=person,
        groups=groups,
        history=history,
        can_record=policies.can_record_about_person(viewer, person),
    )


def item_of(person: Person, item_id: int) -> ProfileItem | None:
    """One item of this young person's profile (None for another's, or a missing one)."""
    return _items([person.pk]).filter(pk=item_id).first()


# --- "Build on": strengths offered when writing an action -----------------------------------


@dataclass(frozen=True)
class BuildOn:
    """A current strength an action can build on, as the viewer may see it."""

    item_id: int
    person_id: int
    person_name: str
    kind: str
    kind_label: str
    text: str
    own_words: bool
    peer_label: str = ""
    # The protective peer, when the label names them (a peer the viewer may not see is
    # shown by initials and is not named here).
    peer_id: int | None = None

    @property
    def label(self) -> str:
        words = f"“{self.text}”" if self.own_words else self.text
        who = f" ({self.peer_label})" if self.peer_label else ""
        return f"{KIND_SINGULAR[ProfileKind(self.kind)].capitalize()}: {words}{who}"


def profile_items(ids: Sequence[int]) -> list[ProfileItem]:
    """The profile items chosen from a "build on" picker (:func:`build_on_for` offered only
    those the viewer may see)."""
    return list(ProfileItem.objects.filter(pk__in=ids)) if ids else []


def build_on_for(viewer: Worker, people: Iterable[Person]) -> list[BuildOn]:
    """Current profile items of those ``people`` the viewer may see, for a "build on" picker.

    Items of a child the viewer may not see are left out altogether: a strength is
    as much a case record as a risk. Ordered by child, then kind, newest first.
    At most four queries, however many children and items.
    """
    by_id = {p.pk: p for p in people}
    # In their own right: a forum share shows a child's shared fields, not their profile.
    seen = visible_person_ids(viewer, by_id, shared=False)
    if not seen:
        return []
    items = list(_items(seen).current())
    items.sort(
        key=lambda i: (
            by_id[i.person_id].family_name,
            by_id[i.person_id].given_name,
            i.person_id,
            KIND_ORDER[i.kind],
            -i.recorded_on.toordinal(),
            i.pk,
        )
    )
    return [
        BuildOn(
            item_id=row.item.pk,
            person_id=row.item.person_id,
            person_name=by_id[row.item.person_id].full_name,
            kind=row.item.kind,
            kind_label=row.item.get_kind_display(),
            text=row.item.text,
            own_words=row.item.own_words,
            peer_label=row.peer_label,
            peer_id=row.item.peer_id if row.peer_visible else None,
        )
        for row in _rows(viewer, items)
    ]


def people_named_by(options: Iterable[BuildOn]) -> list[int]:
    """Whom a "build on" picker names: each strength's child and each protective peer named
    in its label, for the page's read in the trail."""
    named = set()
    for option in options:
        named.add(option.person_id)
        if option.peer_id is not None:
            named.add(option.peer_id)
    return sorted(named)


def build_on_labels(viewer: Worker, items: Iterable[ProfileItem]) -> dict[int, str]:
    """What an action builds on, by item id, as the viewer may be shown it: only strengths of
    children the viewer sees (ended ones too: the action was written while they held),
    a protective peer they may not see by initials. One query; the caller has loaded
    each item's ``person`` and ``peer``.
    """
    items = list(items)
    # The child's strengths need sight in one's own right (a share does not bring a profile);
    # a protective peer is named wherever the viewer may name them.
    own, seen = visible_person_ids_by_right(
        viewer, {i.person_id for i in items} | {i.peer_id for i in items if i.peer_id}
    )
    labels = {}
    for item in items:
        if item.person_id not in own:
            continue
        peer = ""
        if item.peer is not None:
            peer = item.peer.full_name if item.peer_id in seen else item.peer.initials
        option = BuildOn(
            item_id=item.pk,
            person_id=item.person_id,
            person_name=item.person.full_name,
            kind=item.kind,
            kind_label=item.get_kind_display(),
            text=item.text,
            own_words=item.own_words,
            peer_label=peer,
        )
        labels[item.pk] = f"{option.person_name}. {option.label}"
    return labels


def build_on_choices(options: Iterable[BuildOn]) -> list[tuple[str, str]]:
    """Choices for a form field: the item's id and a label that says whose strength it is."""
    return [(str(o.item_id), f"{o.person_name}. {o.label}") for o in options]


# --- The capture form's pickers ---------------------------------------------------------------


def peer_choices(*, viewer: Worker, person: Person, keep: Iterable[int] = ()) -> list[Person]:
    """Young people the viewer may name as protective peers (``people.selectors.nameable``:
    not one seen only through a forum share or emergency access, whom the profile would
    refuse): the child's current associates (protective ones are the usual case) and any
    named in ``keep`` (a search result)."""
    pairs = Association.objects.current()
    associates = {
        *pairs.filter(person=person, other__isnull=False).values_list("other_id", flat=True),
        *pairs.filter(other=person).values_list("person_id", flat=True),
        *keep,
    }
    associates.discard(person.pk)
    return list(
        nameable(viewer)
        .filter(id__in=associates, kind=PersonKind.YOUNG_PERSON)
        .order_by("family_name", "given_name", "id")
    )


def profile_row(viewer: Worker, item: ProfileItem) -> ItemRow:
    """One item as the viewer may be shown it (for the change and end pages)."""
    return _rows(viewer, [item])[0]
