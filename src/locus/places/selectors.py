"""Reads about contexts, for a viewer."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate

from locus.access import naming, scopes
from locus.access import places as access_places
from locus.access.fields import PersonField, fields_visible_to_many
from locus.access.models import Agency, Worker
from locus.access.selectors import visible_person_ids
from locus.analysis import busy as analysis_busy
from locus.audit.models import ChangeEvent
from locus.casework.models import PlanChild
from locus.common import clock
from locus.common.caching import cached
from locus.incidents.models import Incident, IncidentKind, Involvement
from locus.peers.models import GroupMembership
from locus.people.models import Person, PersonKind
from locus.people.selectors import people_named_like, with_fields
from locus.places import postcodes
from locus.places.models import (
    RESTRICTED_KINDS,
    Context,
    ContextKind,
    ContextMerge,
    CoPresenceRule,
    Enrolment,
)


def contexts_list(*, viewer: Worker, q: str = "", kind: str = "") -> QuerySet[Context]:
    qs = scopes.contexts_visible_to(viewer).select_related("responsible_agency")
    if q:
        # A withheld address is not searched either: finding a home by its postcode
        # would tell where it is.
        located = access_places.address_visible_q(viewer)
        for word in q.split():
            qs = qs.filter(
                Q(name__icontains=word)
                | (located & (Q(postcode__icontains=word) | Q(address__icontains=word)))
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
    incidents_by_kind: list[tuple[str, int]]
    people: list[Person]
    people_hidden: int
    people_heading: str
    address_shown: bool = True
    people_total: int = 0  # all the viewer may see here; ``people`` may be the first few

    @property
    def named(self) -> set[int]:
        """The people the page names (the audit's list)."""
        return {p.pk for p in self.people}


# A busy place is linked to hundreds of children: its page names the first few by name, and
# lists them all (up to the most a page names) when asked.
PEOPLE_SHOWN = 20
PEOPLE_MOST = 200


def context_detail(*, viewer: Worker, context: Context, all_people: bool = False) -> ContextDetail:
    """A context's page: what happened there and the children linked to it that the viewer may see
    (the first ``PEOPLE_SHOWN`` by name, or with ``all_people`` up to ``PEOPLE_MOST``).

    Counts of incidents by kind cover every incident at the context (counts,
    not names); the incidents the viewer may see are on the page's timeline
    (``places.timeline``).
    """
    by_kind = (
        incidents_counted(viewer, context)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n", "kind")
    )
    labels = dict(IncidentKind.choices)
    incidents_by_kind = [(labels.get(row["kind"], row["kind"]), row["n"]) for row in by_kind]
    linked, heading = _linked_people(context)
    # In their own right only: a child seen through a forum share is shown what the share
    # carried, not the places they were involved at, went to school or live.
    visible_people = scopes.people_visible_to(viewer, shared=False).filter(
        id__in=linked.values("id")
    )
    people = list(visible_people.order_by("family_name", "given_name")[:PEOPLE_MOST])
    if context.kind == ContextKind.HOME:
        # Naming who lives here is telling their home address: only where the viewer may.
        ids = [p.pk for p in people]
        shown = fields_visible_to_many(viewer, ids, visible=ids)
        people = [p for p in people if PersonField.HOME_ADDRESS in shown[p.pk]]
    # "And one other" at a home would say a sibling is known elsewhere: public places only.
    if context.is_restricted:
        total, hidden = len(people), 0
    else:
        total = visible_people.count()
        hidden = linked.count() - total
    return ContextDetail(
        context=context,
        incidents_by_kind=incidents_by_kind,
        people=people if all_people else people[:PEOPLE_SHOWN],
        people_hidden=hidden,
        people_heading=heading,
        address_shown=access_places.sees_address(viewer, context),
        people_total=total,
    )


def incidents_counted(viewer: Worker, context: Context) -> QuerySet[Incident]:
    """The incidents at ``context`` that its page counts (by kind, by week): at a public place
    every incident but restricted intelligence the viewer may not see, since the total is an
    aggregate and helps see hotspots; at a home or in a group only those the viewer sees, since
    even a count of hidden incidents there describes a family or a child."""
    if context.is_restricted:
        return scopes.incidents_visible_to(viewer).filter(context=context)
    return Incident.objects.filter(
        Q(restricted=False) | Q(id__in=scopes.incidents_visible_to(viewer).values("id")),
        context=context,
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
    # A public place: those in its incidents, and the children a plan for it affects. Read
    # through the involvements' own manager: a join from Person would keep a person taken out
    # of an incident (named in error), listed or counted here as if still involved.
    on_a_plan = PlanChild.objects.filter(plan__case__context=context).values("person_id")
    involved = Involvement.objects.filter(
        incident__context=context, incident__restricted=False
    ).values("person_id")
    return (
        Person.objects.filter(Q(id__in=involved) | Q(id__in=on_a_plan)),
        "People involved in incidents here or on its plan",
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
        return rows.ended().order_by("-end", "person__family_name", "id")
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


def with_address_shown(*, viewer: Worker, contexts: list[Context]) -> list[Context]:
    """Set ``address_shown`` on one page of contexts (``access.places.mark_address_shown``)."""
    access_places.mark_address_shown(viewer, contexts)
    return contexts


# How near counts as "the same place" when adding one: about 100 metres.
NEAR_METRES = 100.0
# Degrees of latitude per metre, and the widest degrees of longitude per metre in the UK
# (at 61°N): a box that surely holds every place within NEAR_METRES, checked exactly after.
_LAT_PER_M = 1 / 111_320
_LON_PER_M = 1 / 53_800


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the Earth's surface (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _similar(a: str, b: str) -> bool:
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def similar_places(
    *,
    viewer: Worker,
    name: str,
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = 10,
) -> list[Context]:
    """Places the viewer sees that may be the one being added: a similar name, or within
    about 100 m. Never a place they may not see; a home whose address is withheld from them
    is matched by name only (matching by distance would tell where it is)."""
    visible = (
        scopes.contexts_visible_to(viewer)
        .exclude(kind=ContextKind.PEER_GROUP)
        .select_related("responsible_agency")
    )
    words = [w for w in name.split() if len(w) >= 3]
    by_name = Q()
    for word in words:
        by_name |= Q(name__icontains=word)
    near = Q(pk__in=[])
    if latitude is not None and longitude is not None:
        near = access_places.address_visible_q(viewer) & Q(
            latitude__range=(
                latitude - NEAR_METRES * _LAT_PER_M,
                latitude + NEAR_METRES * _LAT_PER_M,
            ),
            longitude__range=(
                longitude - NEAR_METRES * _LON_PER_M,
                longitude + NEAR_METRES * _LON_PER_M,
            ),
        )
    if not words and latitude is None:
        return []
    found = []
    for place in visible.filter((by_name if words else Q(pk__in=[])) | near).order_by("name", "id")[
        :200
    ]:
        close = (
            latitude is not None
            and longitude is not None
            and place.latitude is not None
            and place.longitude is not None
            and _metres(latitude, longitude, place.latitude, place.longitude) <= NEAR_METRES
            and (not place.address_withheld or access_places.sees_address(viewer, place))
        )
        if close or (name.strip() and _similar(name, place.name)):
            found.append(place)
    return found[:limit]


def merged_into(context: Context) -> ContextMerge | None:
    """The merge that made ``context`` a duplicate of another place, if one did."""
    return ContextMerge.objects.filter(merged=context).select_related("kept").first()


def merge_candidates(*, viewer: Worker, duplicate: Context, q: str = "") -> list[Context]:
    """Places ``duplicate`` may be merged into that the viewer sees: similar ones, or those
    whose name matches ``q``; not itself, not merged ones, not peer groups."""
    if q.strip():
        found = list(contexts_list(viewer=viewer, q=q).exclude(kind=ContextKind.PEER_GROUP)[:25])
    else:
        lat, lon = duplicate.latitude, duplicate.longitude
        found = similar_places(
            viewer=viewer, name=duplicate.name, latitude=lat, longitude=lon, limit=25
        )
    return [c for c in found if c.pk != duplicate.pk]


@dataclass
class HistoryRow:
    """One change to a place: when, by whom, what, and the new values the viewer may read."""

    at: Any
    actor: Worker
    action: str
    changes: list[tuple[str, str]]
    event_id: int  # the change's row in the audit trail


def place_history(*, viewer: Worker, context: Context) -> list[HistoryRow]:
    """The place's changes from the audit trail, latest first. For a viewer who may not see
    where a home is, its location's values (and its earlier names, which may have been its
    address) read "Withheld"."""
    hidden = (
        frozenset()
        if access_places.sees_address(viewer, context)
        else access_places.LOCATION_FIELDS
    )
    labels = {f.attname: str(f.verbose_name).capitalize() for f in Context._meta.concrete_fields}
    events = list(
        ChangeEvent.objects.filter(record_type="places.context", record_id=str(context.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:200]
    )
    agencies = dict(Agency.objects.values_list("id", "name"))  # a handful, read once
    rows = []
    for event in events:
        changes = [
            (labels.get(name, name), _history_value(name, value, hidden, agencies))
            for name, value in sorted(event.after.items())
            if name not in ("id", "created_at", "recorded_by_id")
        ]
        rows.append(
            HistoryRow(event.at, event.actor, event.get_action_display(), changes, event.pk)
        )
    return rows


def _history_value(name: str, value: Any, hidden: frozenset[str], agencies: dict) -> str:
    if name in hidden:
        return "Withheld"
    if name in ("responsible_agency_id", "housing_provider_id") and value is not None:
        return agencies.get(value, str(value))
    return "" if value is None else str(value)


def housing_providers() -> list[Agency]:
    """The organisations a home's landlord may be chosen from."""
    return list(Agency.objects.order_by("name"))


def similar_to_new_place(*, viewer: Worker, fields: dict[str, Any]) -> list[Context]:
    """:func:`similar_places` for a place being added: near its point, or its postcode's."""
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if lat is None and fields.get("postcode"):
        found = postcodes.lookup(fields["postcode"])
        if found is not None:
            lat, lon = found.latitude, found.longitude
    return similar_places(viewer=viewer, name=fields.get("name") or "", latitude=lat, longitude=lon)


@dataclass
class MergeRow:
    merge: ContextMerge
    label: str  # the other place, named only if the viewer sees it, and where both are
    into: bool  # True: the other place was merged into this one
    reason: str  # why, told only with the other place's name (it may name the place)
    named: int | None = None  # the other place's id, when the page names it


def merges_of(*, viewer: Worker, context: Context) -> list[MergeRow]:
    """The merges into or out of ``context``, latest first; the other place is named, and
    the merge's reason given, only when the viewer sees it and where both places are
    (``places.tells_merge``: a merged home's name may be an address)."""
    merges = list(
        ContextMerge.objects.filter(Q(kept=context) | Q(merged=context)).select_related(
            "merged", "kept", "recorded_by"
        )
    )
    others = {m.merged_id if m.kept_id == context.pk else m.kept_id for m in merges}
    seen = set(
        scopes.contexts_visible_to(viewer, merged=True)
        .filter(id__in=others)
        .values_list("id", flat=True)
    )
    rows = []
    for m in merges:
        into = m.kept_id == context.pk
        other = m.merged if into else m.kept
        if access_places.tells_merge(viewer, context, other, sees_other=other.pk in seen):
            rows.append(MergeRow(m, other.name, into, m.reason, other.pk))
        else:
            rows.append(MergeRow(m, "a place you cannot see", into, ""))
    return rows


# --- Busy places -------------------------------------------------------------------------------

# Kinds never judged busy: a home or a peer group points at particular children, and counting
# who was involved there would describe a family or a group.
_NOT_JUDGED = (ContextKind.HOME, ContextKind.PEER_GROUP)
_BUSY_CACHE_SECONDS = 60 * 60
# Day numbers for the analysis count from here.
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class BusyPlace:
    """Why co-presence at a place says little: what the data shows (``detected``, "" when
    it shows nothing) and the manager's rule in force (or None). Places only: nothing here is
    about a child."""

    place_id: int
    detected: str
    rule: CoPresenceRule | None

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.detected:
            out.append(f"Locus suggests this is a busy place because {self.detected}")
        if self.rule is not None:
            out.append(
                f"A manager's rule: co-presence here counts {self.rule.summary} "
                f"({self.rule.reason})"
            )
        return out


def busy_places(*, months: int = 12) -> dict[int, BusyPlace]:
    """Every busy place in the borough, by place id, with why: detected from the last
    ``months`` months' incidents (``locus.analysis.busy``), or given a co-presence rule by a
    manager. The same for every viewer (it names no child and no place). The linked-cases
    ordering takes it as its per-place "busy" flag.
    """
    detected = detected_busy(months=months)
    out = {place: BusyPlace(place, reason, None) for place, reason in detected.items()}
    for rule in co_presence_rules_in_force():
        out[rule.context_id] = BusyPlace(rule.context_id, detected.get(rule.context_id, ""), rule)
    return out


def detected_busy(*, months: int = 12) -> dict[int, str]:
    """The places the last ``months`` months' incidents say are busy, by id, with the reason
    in data terms. A year's data moves slowly, so this is cached for the day (an hour at
    most), and a page that shows it costs no query once it is: a cache, not state."""
    key = f"busy-places:{clock.today().isoformat()}:{months}"
    return cached(key, lambda: _detected_busy(months), timeout=_BUSY_CACHE_SECONDS)


def _detected_busy(months: int) -> dict[int, str]:
    today = clock.today()
    since = today - dt.timedelta(days=round(months * 365 / 12) + 1)
    rows = list(
        Incident.objects.filter(
            restricted=False,
            occurred_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC),
            context__isnull=False,  # a missing episode without a place makes nowhere busy
        )
        .exclude(context__kind__in=_NOT_JUDGED)
        .annotate(day=TruncDate("occurred_at"), hour=ExtractHour("occurred_at"))
        .values_list("id", "context_id", "day", "hour")
    )
    involved = list(
        Involvement.objects.filter(
            incident_id__in=[r[0] for r in rows], person__kind=PersonKind.YOUNG_PERSON
        ).values_list("person_id", "incident_id")
    )
    place_ids = sorted({r[1] for r in rows})
    place_at = {p: i for i, p in enumerate(place_ids)}
    incident_at = {r[0]: i for i, r in enumerate(rows)}
    found = analysis_busy.busy_places(
        n_places=len(place_ids),
        incident_place=[place_at[r[1]] for r in rows],
        incident_day=[(r[2] - _EPOCH).days for r in rows],
        incident_hour=[r[3] for r in rows],
        involved_person=[p for p, _ in involved],
        involved_incident=[incident_at[i] for _, i in involved],
        today=(today - _EPOCH).days,
        months=months,
    )
    return {
        place: found.reason(i, "young people") for i, place in enumerate(place_ids) if found.busy[i]
    }


def co_presence_rules_in_force() -> list[CoPresenceRule]:
    """Every place's co-presence rule in force (a handful: managers set them by hand)."""
    return list(CoPresenceRule.objects.filter(ended_at__isnull=True).select_related("set_by"))


def busy_reason(context: Context) -> str:
    """Why Locus suggests ``context`` is a busy place ("" when it does not): see
    :func:`detected_busy`."""
    return detected_busy().get(context.pk, "")


def co_presence_rules(context: Context) -> list[CoPresenceRule]:
    """The place's co-presence rules, the one in force first, then the ended ones (history)."""
    return list(
        CoPresenceRule.objects.filter(context=context)
        .select_related("set_by", "ended_by")
        .order_by(F("ended_at").desc(nulls_first=True), "-set_at", "-id")
    )
