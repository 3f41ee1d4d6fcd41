"""Reads about contexts, for a viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from locus.access import naming, scopes
from locus.access.fields import PersonField, fields_visible_to_many
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.incidents.models import Incident, IncidentKind
from locus.incidents.selectors import incidents_for
from locus.peers.models import GroupMembership
from locus.people.models import Person, PersonKind
from locus.people.selectors import people_named_like, with_fields
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind, Enrolment


def contexts_list(*, viewer: Worker, q: str = "", kind: str = "") -> QuerySet[Context]:
    qs = scopes.contexts_visible_to(viewer).select_related("responsible_agency")
    if q:
        for word in q.split():
            qs = qs.filter(
                Q(name__icontains=word) | Q(postcode__icontains=word) | Q(address__icontains=word)
            )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "id")


def with_incident_counts(*, viewer: Worker, contexts: list[Context]) -> list[Context]:
    """Set ``incident_count`` on one page of contexts, in one query.

    Counted per page rather than annotated on the whole list: the aggregate over
    every visible context cost most of the list's time at 50,000 people. Homes
    and groups count only incidents the viewer may see (RULES.md, counts).
    """
    ids = [c.pk for c in contexts]
    visible = scopes.incidents_visible_to(viewer).values("id")
    # Restricted police intelligence is counted only for those who may see it (RULES.md).
    counted = Q(id__in=visible) | (~Q(context__kind__in=RESTRICTED_KINDS) & Q(restricted=False))
    counts = dict(
        Incident.objects.filter(counted, context_id__in=ids)
        .values("context_id")
        .annotate(n=Count("id"))
        .values_list("context_id", "n")
    )
    for context in contexts:
        context.incident_count = counts.get(context.pk, 0)  # type: ignore[attr-defined]
    return contexts


@dataclass
class ContextDetail:
    context: Context
    incidents: list[Incident]
    incident_total: int
    incidents_by_kind: list[tuple[str, int]]
    people: list[Person]
    people_hidden: int
    people_heading: str


def context_detail(*, viewer: Worker, context: Context, incident_limit: int = 25) -> ContextDetail:
    """A context's page: what happened there and the children linked to it that the viewer may see.

    Counts of incidents by kind cover every incident at the context (counts,
    not names); the list shows only incidents the viewer may see.
    """
    visible_incidents = incidents_for(viewer=viewer).filter(context=context)
    incidents = list(visible_incidents[:incident_limit])
    # At a home or in a group, even a count of hidden incidents describes a family
    # or a child; at a public place the total is an aggregate and helps see hotspots.
    counted = (
        scopes.incidents_visible_to(viewer).filter(context=context)
        if context.is_restricted
        else Incident.objects.filter(
            Q(restricted=False) | Q(id__in=scopes.incidents_visible_to(viewer).values("id")),
            context=context,
        )
    )
    by_kind = counted.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    labels = dict(IncidentKind.choices)
    incidents_by_kind = [(labels.get(row["kind"], row["kind"]), row["n"]) for row in by_kind]
    linked, heading = _linked_people(context)
    # In their own right only: a child seen through a forum share is shown what the share
    # carried, not the places they were involved at, went to school or live.
    visible_people = scopes.people_visible_to(viewer, shared=False).filter(
        id__in=linked.values("id")
    )
    people = list(visible_people.order_by("family_name", "given_name")[:200])
    if context.kind == ContextKind.HOME:
        # Naming who lives here is telling their home address: only where the viewer may.
        ids = [p.pk for p in people]
        shown = fields_visible_to_many(viewer, ids, visible=ids)
        people = [p for p in people if PersonField.HOME_ADDRESS in shown[p.pk]]
    # "And one other" at a home would say a sibling is known elsewhere: public places only.
    hidden = 0 if context.is_restricted else linked.count() - visible_people.count()
    return ContextDetail(
        context=context,
        incidents=incidents,
        incident_total=visible_incidents.count(),
        incidents_by_kind=incidents_by_kind,
        people=people,
        people_hidden=hidden,
        people_heading=heading,
    )


def _linked_people(context: Context) -> tuple[QuerySet[Person], str]:
    if context.kind == ContextKind.HOME:
        return Person.objects.filter(home=context), "People who live here"
    # A school's pupils and a group's members: those whose period there is current.
    current: dict[str, tuple[Any, str, str, str]] = {
        ContextKind.SCHOOL: (Enrolment, "enrolments", "school", "Pupils on roll"),
        ContextKind.PEER_GROUP: (GroupMembership, "memberships", "group", "Members"),
    }
    if context.kind in current:
        model, through, field, heading = current[context.kind]
        return (
            Person.objects.filter(
                model.objects.current_q(through=through), **{f"{through}__{field}": context}
            ).distinct(),
            heading,
        )
    return (
        Person.objects.filter(
            involvements__incident__context=context, involvements__incident__restricted=False
        ).distinct(),
        "People involved in incidents here",
    )


def roll_for(
    *, viewer: Worker, school: Context, leavers: bool = False, name: str = ""
) -> QuerySet[Enrolment]:
    """A school's roll, for a viewer who keeps it (``access.rolls.roll_school``): its
    current pupils by name, or its leavers, latest first; with ``name``, only the pupils
    the viewer may name (``people.selectors.people_to_name``) whose names hold its words, so
    a leaver shown by initials is never picked out by a name typed."""
    rows = Enrolment.objects.filter(school=school).select_related("person")
    if name.split():
        rows = rows.filter(person__in=people_named_like(viewer=viewer, name=name))
    if leavers:
        return rows.filter(end__isnull=False).order_by("-end", "person__family_name", "id")
    return rows.current().order_by("person__family_name", "person__given_name", "id")


def name_roll_page(*, viewer: Worker, enrolments: list[Enrolment]) -> list[Enrolment]:
    """Set ``label`` and ``visible`` on one page of a roll, in one query: a leaver the school
    no longer sees is shown by initials (``access.naming``), as anywhere else."""
    visible = visible_person_ids(viewer, (e.person_id for e in enrolments))
    for enrolment in enrolments:
        seen = enrolment.person_id in visible
        enrolment.visible = seen  # type: ignore[attr-defined]
        enrolment.label = naming.person_label(enrolment.person, visible=seen)  # type: ignore[attr-defined]
    return enrolments


def pupil_candidates(*, viewer: Worker, q: str, limit: int = 25) -> list[Person]:
    """Young people matching ``q`` whom the viewer may put on a roll: seen in their own
    right (``policies.sees_lastingly``), not through a forum share or break-glass."""
    if not q.split():
        return []
    qs = people_named_like(viewer=viewer, name=q).filter(kind=PersonKind.YOUNG_PERSON)
    # Each carrying the fields the viewer sees: a date of birth tells two namesakes apart.
    return with_fields(viewer, qs.order_by("family_name", "given_name", "id")[:limit], seen=True)
