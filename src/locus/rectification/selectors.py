"""Reads of disputes and objections: which records carry the "disputed" flag, and a person's
challenges with their own words. The caller has found the person through ``access``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from locus.access import rectification as rules
from locus.access import scopes
from locus.access.fields import PersonField, fields_visible_to
from locus.access.models import Worker
from locus.access.naming import unseen_label
from locus.access.notes import notes_visible_to
from locus.incidents.models import Involvement
from locus.notes.models import CaseNote
from locus.peers.models import Association
from locus.people.models import Person
from locus.rectification.models import About, Dispute, Objection
from locus.subjectaccess.deadlines import due_on


@dataclass(frozen=True)
class Flags:
    """The records that carry the flag: people, and items as (kind, id) pairs, each with who
    disputes it (an association is two people's record: either may dispute it)."""

    people: frozenset[int] = frozenset()
    items: dict[tuple[str, int], frozenset[int]] = field(default_factory=dict)

    def person(self, person_id: object) -> bool:
        return person_id in self.people

    def item(self, kind: str, pk: object, seen: Iterable[object]) -> bool:
        """Whether the item is disputed by one of the ``seen`` people (those the viewer may
        be told about: a dispute by a peer shown only by initials is not theirs to know)."""
        by = self.items.get((kind, pk), frozenset())  # type: ignore[arg-type]
        return any(p in by for p in seen)


def flags(viewer: Worker) -> Flags:
    """Every flagged dispute ``viewer`` may see the item of, in one query (more only when
    some are about a detail or an association): undecided, or decided "not corrected" (those
    are few beside the records; the pages that draw the tag ask once per request). A dispute
    about an item the viewer may not see flags nothing for them."""
    people: set[int] = set()
    items: dict[tuple[str, int], set[int]] = {}
    for (
        person_id,
        about,
        association_id,
        involvement_id,
        note_id,
    ) in rules.flagged_disputes_visible_to(viewer):
        people.add(person_id)
        by_kind: dict[str, int | None] = {
            About.ASSOCIATION: association_id,
            About.INVOLVEMENT: involvement_id,
            About.NOTE: note_id,
        }
        pk = by_kind.get(about)
        if pk is not None:
            items.setdefault((about, pk), set()).add(person_id)
    return Flags(frozenset(people), {k: frozenset(v) for k, v in items.items()})


def disputed_person_ids(viewer: Worker, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` carry the flag for ``viewer`` (for a list of people read as
    data: the API)."""
    return {row[0] for row in rules.flagged_disputes_visible_to(viewer, person_ids)}


@dataclass
class Challenges:
    disputes: list[Dispute]
    objections: list[Objection]


def challenges_for(viewer: Worker, person: Person) -> Challenges:
    """A person's disputes whose item ``viewer`` may see (newest first, with the item each is
    about), and their objections."""
    disputes = list(
        rules.disputes_visible_to(viewer, person).select_related(
            "recorded_by",
            "decided_by",
            "association__person",
            "association__other",
            "involvement__incident",
            "note",
        )
    )
    objections = list(person.objections.select_related("recorded_by", "decided_by"))
    return Challenges(disputes, objections)


@dataclass
class DisputeItems:
    """What the form to record a dispute offers: its choices, and the ids of what they show
    (the people named in full, the incidents, the notes), for the page's audit record.
    ``names``: what each choice names by id (its value: the key of ``shown`` and the id)."""

    choices: list[tuple[str, str]]
    shown: dict[str, list[int]]
    names: dict[str, tuple[str, int]] = field(default_factory=dict)

    def only(self, choices: list[tuple[str, str]]) -> DisputeItems:
        """The items with only ``choices`` (some of these, as a search narrowed them) and
        the ids those show."""
        shown: dict[str, list[int]] = {key: [] for key in self.shown}
        for value, _ in choices:
            if value in self.names:
                key, pk = self.names[value]
                if pk not in shown[key]:
                    shown[key].append(pk)
        return DisputeItems(choices, shown, self.names)


def dispute_items(*, viewer: Worker, person: Person) -> DisputeItems:
    """The items of ``person``'s record the viewer may name in a dispute: the record, each
    field, their associations (a peer the viewer may not see by initials), the incidents the
    viewer sees them in, and the notes on them the viewer may read. A few queries, whatever
    the record's size."""
    choices: list[tuple[str, str]] = [("record", str(About.RECORD.label))]
    # Only the fields the viewer sees: a dispute of a detail is read beside that detail.
    shown = fields_visible_to(viewer, person)
    choices += [(f"field:{f.value}", f"Their {f.label.lower()}") for f in PersonField if f in shown]
    associations = list(
        Association.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other")
        .order_by("-valid_from", "id")
    )
    others = {a.other_id if a.person_id == person.pk else a.person_id for a in associations}
    seen = set(scopes.people_visible_to(viewer).filter(id__in=others).values_list("id", flat=True))
    named: list[int] = []
    names: dict[str, tuple[str, int]] = {}
    for a in associations:
        other = a.other if a.person_id == person.pk else a.person
        if other is None:
            label = a.other_label
        elif other.pk in seen:
            label = other.full_name
            names[f"association:{a.pk}"] = ("people_shown", other.pk)
            if other.pk not in named:
                named.append(other.pk)
        else:
            label = other.initials
        choices.append(
            (
                f"association:{a.pk}",
                f"Association with {label} ({a.get_relationship_display().lower()})",
            )
        )
    involvements = list(
        person.involvements.filter(incident__in=scopes.incidents_visible_to(viewer))
        .select_related("incident")
        .order_by("-incident__occurred_at", "id")
    )
    for i in involvements:
        names[f"involvement:{i.pk}"] = ("incidents_shown", i.incident_id)
        choices.append(
            (
                f"involvement:{i.pk}",
                f"Incident on {i.incident.occurred_at:%-d %b %Y}: "
                f"{i.incident.get_kind_display().lower()}, as {i.get_role_display().lower()}",
            )
        )
    notes = list(notes_visible_to(viewer).filter(person=person).order_by("-contact_on", "-id"))
    for n in notes:
        names[f"note:{n.pk}"] = ("notes_shown", n.pk)
        choices.append((f"note:{n.pk}", f"Case note of {n.contact_on:%-d %b %Y}: {n.summary}"))
    return DisputeItems(
        choices,
        {
            "people_shown": named,
            "incidents_shown": sorted({i.incident_id for i in involvements}),
            "notes_shown": [n.pk for n in notes],
        },
        names,
    )


def item_for(value: str) -> tuple[str, object]:
    """``(about, item)`` for a choice made from :func:`dispute_items` (the service checks
    the item is the person's; an id not found gives ``None`` and its refusal)."""
    kind, _, rest = value.partition(":")
    if kind in (About.RECORD, ""):
        return kind or About.RECORD, None
    if kind == About.FIELD:
        return kind, rest
    if not rest.isdigit():
        return kind, None
    pk = int(rest)
    if kind == About.ASSOCIATION:
        return kind, Association.objects.filter(pk=pk).first()
    if kind == About.INVOLVEMENT:
        return kind, Involvement.objects.filter(pk=pk).first()
    if kind == About.NOTE:
        return kind, CaseNote.objects.filter(pk=pk).first()
    return kind, None


@dataclass(frozen=True)
class ToDecide:
    """A dispute waiting for the viewer's decision, as their list of work names it: about the
    person whose record it is, named only to a viewer who sees them (``naming``), with when it
    was received and its deadline (a month from receipt)."""

    what: str
    subject: str
    url: str
    due_on: dt.date
    who: str
    note: str
    shown: tuple[str, int]
    people: tuple[int, ...] = ()


DECIDE = "Decide a dispute of accuracy"
# The child is named as every page names one the viewer may not see (``naming``).
NOT_SEEN = f"A dispute of accuracy about {unseen_label(child=True).lower()}"
NOT_SEEN_NOTE = (
    "Children's social care decides it, as an import recorded the child and nobody holds "
    "their case: make sure a manager here who sees the child decides it within the month."
)


def disputes_to_decide(viewer: Worker) -> list[ToDecide]:
    """The open disputes waiting for ``viewer``'s decision (``rules.disputes_waiting``): each
    they may decide, linked to the person's accuracy page; each children's social care
    decides of an imported child nobody holds whom they do not see, without a link."""
    offered, unseen = rules.disputes_waiting(viewer)

    def item(d: Dispute, what: str, url: str, who: str, note: str = "") -> ToDecide:
        received = f"Received {d.received_on:%-d %b %Y}"
        shown = ("disputes_shown", d.pk)
        people: tuple[int, ...]
        if note:  # about a child the viewer may not see: never named
            about, note, people = unseen_label(child=True), f"{received}. {note}", ()
        else:
            about, note, people = d.person.full_name, received, (d.person_id,)
        return ToDecide(what, about, url, due_on(d.received_on), who, note, shown, people)

    # Who recorded a dispute about a child the viewer may not see is not said: it would tell
    # which worker, and so which agency, knows the child.
    return [
        item(d, DECIDE, reverse("accuracy", args=[d.person_id]), str(d.recorded_by))
        for d in offered
    ] + [item(d, NOT_SEEN, "", "Children's social care", NOT_SEEN_NOTE) for d in unseen]
