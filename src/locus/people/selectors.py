"""Reads about people, always for a viewer and through ``access.scopes``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from locus.access import naming, scopes
from locus.access import places as access_places
from locus.access.fields import PersonField, fields_visible_to_many, role_fields
from locus.access.models import Worker
from locus.access.policies import (
    accounts_q,
    answerers_before,
    identifier_query_answerer,
    is_administrator,
    manages_a_team,
    routed_answerer_stands,
)
from locus.access.selectors import visible_person_ids, withhold_unseen_places
from locus.access.services import SYSTEM_USERNAME
from locus.common.ids import parse_id
from locus.common.modelkit import choice_values
from locus.common.services import today
from locus.incidents.models import Involvement
from locus.peers.models import Association, GroupMembership
from locus.people.models import (
    AddressPeriod,
    Allocation,
    Identifier,
    IdentifierQuery,
    LegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
    QueryKind,
)
from locus.places.models import Context, Enrolment


def _open_episodes() -> Prefetch:
    return Prefetch(
        "episodes",
        queryset=LegalStatusEpisode.objects.current().order_by("status"),
        to_attr="open_episodes",
    )


def _open_allocations() -> Prefetch:
    return Prefetch(
        "allocations",
        queryset=Allocation.objects.current().select_related("worker", "team__agency"),
        to_attr="open_allocations",
    )


# Public for the duplicate check, which shows who holds each record it offers.
open_allocations = _open_allocations


def with_fields(viewer: Worker, people: Iterable[Person], *, seen: bool = False) -> list[Person]:
    """``people``, each carrying the fields ``viewer`` may see of them (for
    ``people_tags.person_field``), in a fixed number of queries for the lot. ``seen``: the
    people came from a scoped read (``scopes.people_visible_to``), so the viewer sees them."""
    rows = list(people)
    ids = [p.pk for p in rows]
    allowed = fields_visible_to_many(viewer, ids, visible=ids if seen else None)
    for person in rows:
        person.visible_fields = allowed[person.pk]  # type: ignore[attr-defined]
    return rows


def visible_fields(person: object) -> frozenset[str]:
    """What :func:`with_fields` attached; nothing for a person it never saw (fail closed)."""
    return getattr(person, "visible_fields", frozenset())


def _held(viewer: Worker, *, holder: Worker | None = None, team: bool = False) -> QuerySet[Any]:
    """The ids of the people allocated now to ``holder`` (the viewer by default), or with
    ``team`` to anyone in the viewer's team: a caseload, as a subquery."""
    held = Allocation.objects.current()
    if not team:
        return held.filter(worker=holder or viewer).values("person_id")
    if viewer.team_id is None:  # a worker outside any team holds no team caseload
        return held.none().values("person_id")
    return held.filter(team_id=viewer.team_id).values("person_id")


def caseload_for(
    *, viewer: Worker, holder: Worker | None = None, team: bool = False, statuses: bool = True
) -> QuerySet[Person]:
    """The people allocated now to the viewer (or to ``holder``; with ``team``, to anyone in
    the viewer's team) whom the viewer may see, by name, with their open statuses.

    ``statuses=False`` leaves the statuses out, for a read of ids or names only (one query).
    """
    people = (
        scopes.people_visible_to(viewer)
        .filter(id__in=_held(viewer, holder=holder, team=team))
        .order_by("family_name", "given_name", "id")
    )
    return people.prefetch_related(_open_episodes()) if statuses else people


def allocated_ids(worker: Worker) -> list[int]:
    """The ids of the people allocated to ``worker`` now: whom a form offers them first."""
    return list(caseload_for(viewer=worker, statuses=False).values_list("id", flat=True))


def people_chosen(ids: Iterable[object]) -> list[Person]:
    """The people a form's choices named (it offered only those the viewer may choose); the
    service writing about them refuses any the actor may not name."""
    return list(Person.objects.filter(id__in=[int(str(i)) for i in ids]))


# A picker lists a handful: more than this and the worker narrows the search.
PICK_LIMIT = 10


def nameable(viewer: Worker) -> QuerySet[Person]:
    """The people the viewer may name on a form, and so in a record: seen in their own right
    (not through a forum share nor break-glass, ``policies.can_name_people``). Every list a
    form offers people from reads them here, so it offers no one the write would refuse."""
    return scopes.people_visible_to(viewer, shared=False, break_glass=False)


def nameable_among(*, viewer: Worker, ids: Iterable[int]) -> dict[int, Person]:
    """Of ``ids``, the people the viewer may name on a form (:func:`nameable`)."""
    return {p.pk: p for p in nameable(viewer).filter(pk__in=list(ids))}


def people_named_like(*, viewer: Worker, name: str) -> QuerySet[Person]:
    """The people the viewer may name (:func:`nameable`) whose given, family or known-as
    name holds each of the first four words of ``name``."""
    people = nameable(viewer)
    for word in name.split()[:4]:
        people = people.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(known_as__icontains=word)
        )
    return people


def people_to_name(
    *, viewer: Worker, name: str, born: dt.date | None = None
) -> tuple[list[Person], bool]:
    """The first :data:`PICK_LIMIT` people the viewer may name whose names hold each word of
    ``name`` (:func:`people_named_like`), born on ``born`` when the viewer's role sees dates
    of birth; and whether more match. Only the nameable are searched, so neither the list
    nor "more" tells anything of anyone else."""
    if not name.split():
        return [], False
    people = people_named_like(viewer=viewer, name=name)
    if born is not None and PersonField.DATE_OF_BIRTH in role_fields(viewer):
        people = people.filter(date_of_birth=born)
    found = list(people.order_by("family_name", "given_name", "id")[: PICK_LIMIT + 1])
    return found[:PICK_LIMIT], len(found) > PICK_LIMIT


def current_holders(person: Person) -> list[Allocation]:
    """Who holds the person's case now, with their team and agency: the contacts."""
    return list(
        person.allocations.current()
        .select_related("worker", "team__agency")
        .order_by("start", "id")
    )


def address_history(
    person: Person, fields: frozenset[str], *, viewer: Worker
) -> list[AddressPeriod]:
    """The person's addresses, current first, when the viewer sees their home address
    (``fields``: what :func:`with_fields` gave the viewer); nothing otherwise. One query,
    and one more when a home's address is withheld (``access.places``): each home (and the
    person's own) carries ``address_shown``."""
    if PersonField.HOME_ADDRESS not in fields:
        return []
    periods = list(
        person.addresses.select_related("home", "recorded_by").order_by(
            F("end").desc(nulls_first=True), "-start", "-id"
        )
    )
    homes = [p.home for p in periods] + ([person.home] if person.home else [])
    access_places.mark_address_shown(viewer, homes)
    return periods


def identifier_holders(values: dict[str, str]) -> list[int]:
    """The ids of the people who have any of these identifiers (field name to value), for
    the audit trail only: never shown to the worker who tried them."""
    q = Q(pk__in=[])
    for name, value in values.items():
        if name in choice_values(Identifier) and value:
            q |= Q(**{name: value})
    return sorted(Person.objects.filter(q).values_list("id", flat=True))


def team_case_count(*, viewer: Worker) -> int:
    """How many people the viewer's team holds now (for a manager's home page)."""
    if viewer.team_id is None:
        return 0
    return people_list(viewer=viewer, filters=PeopleFilter(team=True)).count()


@dataclass
class PeopleFilter:
    q: str = ""
    kind: str = ""
    status: str = ""
    age_from: int | None = None
    age_to: int | None = None
    mine: bool = False
    team: bool = False


# The people list's filters by name: what a read logs of the query it was given. Only these:
# a name the list does not read (``person``, ``break_glass``) would be taken by the trail as a
# record of whom the read showed.
PEOPLE_FILTERS = tuple(f.name for f in fields(PeopleFilter))


def asked_filters(query: Mapping[str, str]) -> dict[str, str]:
    """The people list's filters ``query`` gave a value, as given (for the access event)."""
    return {name: query[name] for name in PEOPLE_FILTERS if query.get(name)}


def _birth_date_bounds(age_from: int | None, age_to: int | None) -> Q:
    """People whose age today is within [age_from, age_to]."""
    now = today()
    q = Q()
    if age_from is not None:
        q &= Q(date_of_birth__lte=_years_before(now, age_from))
    if age_to is not None:
        q &= Q(date_of_birth__gt=_years_before(now, age_to + 1))
    return q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def people_list(*, viewer: Worker, filters: PeopleFilter) -> QuerySet[Person]:
    """People the viewer may see, searched and filtered, ready to paginate."""
    qs = scopes.people_visible_to(viewer)
    allowed = role_fields(viewer)
    # A filter on a field answers for that field: it may pick out only people whose fields
    # follow the viewer's role (seen in their own right), not a child a forum shared with
    # fewer fields (a UPN, a status or an age the holder did not bring).
    own = scopes.person_filter(viewer, shared=False)

    def in_own_right(q: Q) -> Q:
        return q if own is None else q & own

    if filters.q:
        for word in filters.q.split():
            match = Q(given_name__icontains=word) | Q(family_name__icontains=word)
            match |= Q(known_as__icontains=word)
            # Searching by an identifier the viewer may not see would tell them whose it
            # is. Identifiers are stored upper-case: an exact match keeps the unique index.
            for name in (PersonField.LA_CHILD_ID, PersonField.UPN):
                if name in allowed:
                    match |= in_own_right(Q(**{name.value: word.upper()}))
            qs = qs.filter(match)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    # Likewise a status filter would list who is on a plan to a role that may not see it.
    if filters.status and PersonField.LEGAL_STATUS in allowed:
        open_status = LegalStatusEpisode.objects.current().filter(
            person=OuterRef("pk"), status=filters.status
        )
        qs = qs.filter(in_own_right(Q(Exists(open_status))))
    if filters.age_from is not None or filters.age_to is not None:
        qs = qs.filter(in_own_right(_birth_date_bounds(filters.age_from, filters.age_to)))
    if filters.team and viewer.team_id is not None:
        qs = qs.filter(id__in=_held(viewer, team=True))
    if filters.mine:
        qs = qs.filter(id__in=_held(viewer))
    return qs.prefetch_related(_open_episodes(), _open_allocations()).order_by(
        "family_name", "given_name", "id"
    )


@dataclass
class AssociationRow:
    association: Association
    other: Person | None
    other_visible: bool
    label: str
    places: list[Context] = field(default_factory=list)


@dataclass
class PersonDetail:
    person: Person
    episodes: list[LegalStatusEpisode]
    open_statuses: list[LegalStatusEpisode]
    allocations: list[Allocation]
    associations: list[AssociationRow]
    involvements: list[Involvement]
    memberships: list[GroupMembership]
    enrolments: list[Enrolment]
    contexts: list[Context]
    age: int | None
    fields: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    # An ended association or membership is history: the page lists it apart, under "Ended",
    # with who ended it and why, and nothing else (maps, linked cases) draws it any more.
    @property
    def current_associations(self) -> list[AssociationRow]:
        return [r for r in self.associations if r.association.valid_until is None]

    @property
    def ended_associations(self) -> list[AssociationRow]:
        return [r for r in self.associations if r.association.valid_until is not None]

    # Ended memberships, each with whether the viewer may see the group: a group seen only
    # through the child's membership is not named once it has ended ("a peer group").
    ended_memberships: list[tuple[GroupMembership, bool]] = field(default_factory=list)

    @property
    def current_memberships(self) -> list[GroupMembership]:
        return [m for m in self.memberships if m.until is None]

    def shown(self, places_also: Iterable[int] = ()) -> dict[str, list[int]]:
        """The records the page lists, by id, for its read's entry in the trail: the
        associations (current and ended), the incidents, the legal-status episodes, the peer
        group memberships (current and ended), the school enrolments, and the places, schools
        and groups it names (an ended membership's group only where it is named), with the
        other places the page names (``places_also``)."""
        ended = self.ended_memberships
        places = [
            *(c.pk for c in self.contexts),
            *(e.school_id for e in self.enrolments),
            *(m.group_id for m in self.current_memberships),
            *(m.group_id for m, seen in ended if seen),
            *places_also,
        ]
        return {
            "associations_shown": [r.association.pk for r in self.associations],
            "incidents_shown": list(dict.fromkeys(i.incident_id for i in self.involvements)),
            "episodes_shown": [e.pk for e in self.episodes],
            "memberships_shown": list(
                dict.fromkeys([*(m.pk for m in self.memberships), *(m.pk for m, _ in ended)])
            ),
            "enrolments_shown": [e.pk for e in self.enrolments],
            "places_shown": list(dict.fromkeys(places)),
        }


def person_detail(
    *, viewer: Worker, person: Person, fields: frozenset[str] | None = None
) -> PersonDetail:
    """Everything a person's page shows, in a fixed number of queries.

    Associates the viewer may not see are shown by initials only (need to know). The
    person's own fields follow ``access.fields``: ``person`` comes back carrying them
    (``fields``, when the caller has already read them with :func:`with_fields`).
    """
    if fields is None:
        fields = with_fields(viewer, [person], seen=True)[0].visible_fields  # type: ignore[attr-defined]
    episodes = list(person.episodes.select_related("agency").order_by("-start", "id"))
    allocations = list(person.allocations.current().select_related("worker", "team__agency"))
    associations = list(
        Association.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other", "recorded_by", "recorded_in_team__agency", "ended_by")
        .prefetch_related("contexts")
        .order_by(F("valid_until").desc(nulls_first=True), "-valid_from", "id")
    )
    others = [a.other if a.person_id == person.pk else a.person for a in associations]
    visible = visible_person_ids(viewer, (o.pk for o in others if o is not None))
    rows = []
    for assoc, other in zip(associations, others, strict=True):
        if other is None:
            rows.append(AssociationRow(assoc, None, False, assoc.other_label))
        elif other.pk in visible:
            rows.append(AssociationRow(assoc, other, True, other.full_name))
        else:
            # "A person", child or adult alike, as the peers page shows them.
            rows.append(
                AssociationRow(assoc, other, False, naming.unseen_label(other, child=False))
            )
    involvements = list(
        # Only incidents the viewer sees: seeing a child does not show restricted intelligence.
        person.involvements.filter(incident__in=scopes.incidents_visible_to(viewer))
        .select_related("incident__context", "incident__reporting_agency")
        .order_by("-incident__occurred_at", "id")
    )
    # Open rows first on every database (SQLite and PostgreSQL sort nulls differently).
    memberships = list(
        person.memberships.select_related("group", "ended_by").order_by(
            F("until").desc(nulls_first=True), "-since"
        )
    )
    enrolments = list(
        person.enrolments.select_related("school").order_by(
            F("end").desc(nulls_first=True), "-start"
        )
    )
    contexts: dict[int, Context] = {}
    if person.home is not None and PersonField.HOME_ADDRESS in fields:
        contexts[person.home.pk] = person.home
    for enrolment in enrolments:
        contexts.setdefault(enrolment.school.pk, enrolment.school)
    for membership in memberships:
        contexts.setdefault(membership.group.pk, membership.group)
    for assoc in associations:
        for context in assoc.contexts.all():
            contexts.setdefault(context.pk, context)
    for involvement in involvements:
        if (place := involvement.incident.context) is not None:  # a missing episode may have none
            contexts.setdefault(place.pk, place)
    allowed = set(
        scopes.contexts_visible_to(viewer)
        .filter(id__in=list(contexts))
        .values_list("id", flat=True)
    )
    withhold_unseen_places(viewer, [inv.incident for inv in involvements], seen=allowed)
    for row in rows:
        row.places = [c for c in row.association.contexts.all() if c.pk in allowed]
    # Only a current membership gives sight of a group: a former one must not name it.
    ended_memberships = [(m, m.group_id in allowed) for m in memberships if m.until is not None]
    memberships = [m for m in memberships if m.group_id in allowed]
    open_statuses = [e for e in episodes if e.end is None]
    person.open_episodes = open_statuses  # type: ignore[attr-defined]
    return PersonDetail(
        person=person,
        episodes=episodes,
        open_statuses=open_statuses,
        allocations=allocations,
        associations=rows,
        involvements=involvements,
        memberships=memberships,
        enrolments=enrolments,
        contexts=[c for c in contexts.values() if c.pk in allowed],
        age=person.age_on(today()) if PersonField.AGE in fields else None,
        fields=fields,
        ended_memberships=ended_memberships,
    )


# The person page's summary list, in order: each row is one field, shown or withheld by
# ``people_tags.person_field`` (the name is the page's heading, the status its tags).
DETAIL_ROWS: list[tuple[str, str]] = [
    (field.value, field.label)
    for field in PersonField
    if field not in (PersonField.NAME, PersonField.LEGAL_STATUS, PersonField.LEGAL_STATUS_DETAIL)
]

STATUS_CHOICES = LegalStatus.choices
KIND_CHOICES = PersonKind.choices


@dataclass
class IdentifierQueryRow:
    """An identifier query as its answerer is shown it: each child named only if seen."""

    query: IdentifierQuery
    person_seen: bool
    conflicting_seen: bool
    # A possible-duplicate request: every record that matched, each marked ``seen`` and
    # carrying its ``label`` (:func:`_query_label`).
    matches: list[Person] = field(default_factory=list)

    @property
    def person_label(self) -> str:
        return _query_label(self.query.person, self.person_seen)

    @property
    def conflicting_label(self) -> str:
        return _query_label(self.query.conflicting, self.conflicting_seen)

    @property
    def people_shown(self) -> list[int]:
        q = self.query
        if q.kind == QueryKind.DUPLICATE:
            return [p.pk for p in self.matches if p.seen]  # type: ignore[attr-defined]
        return [
            pk
            for pk, seen in (
                (q.person_id, self.person_seen),
                (q.conflicting_id, self.conflicting_seen),
            )
            if seen and pk is not None
        ]

    @property
    def details(self) -> list[tuple[str, str]]:
        """What the requester typed about the person they were recording, labelled."""
        typed = self.query.details
        return [(label, typed[key]) for key, label in DUPLICATE_DETAILS if typed.get(key)]


def _query_label(person: Person | None, seen: bool) -> str:
    """A record on an identifier request: its name if the answerer sees it, else "a person
    not shared with you" (``naming.person_label``), a child's record as an adult's: a request
    may be about either, and the words must not tell which."""
    if person is None:  # the record being changed was purged since
        return naming.unseen_label(child=False)
    return naming.person_label(person, visible=seen, child=False)


DUPLICATE_DETAILS = [
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("known_as", "Known as"),
    ("date_of_birth", "Date of birth"),
    *((f.value, f.label) for f in Identifier),
]


def identifier_queries_for(*, viewer: Worker, open_only: bool = True) -> QuerySet[IdentifierQuery]:
    """The identifier queries the viewer answers: routed to them, or every one for an
    administrator (the data team, who also answers those nobody else can); never one they
    asked themselves (nobody answers their own question)."""
    qs = IdentifierQuery.objects.select_related(
        "requested_by__team", "person", "conflicting", "closed_by"
    ).exclude(accounts_q("requested_by", viewer))
    if not is_administrator(viewer):
        # Only while they may still answer it (a manager who moved on sees it no more), and
        # the open ones whose answerer moved on that are routed on to them.
        mine = Q(routed_to=viewer) & routed_answerer_stands()
        qs = qs.filter(mine | Q(pk__in=_routed_on_to(viewer)))
    return qs.filter(closed_at__isnull=True) if open_only else qs


def identifier_query_route(conflicting: Person, *, requester: Worker) -> Worker | None:
    """Who answers: a named manager of a team holding the other record other than the
    requester, or (when nobody holds it, or that team has no other manager) an
    administrator other than the requester, for the data team; whoever's access is
    confirmed (``policies.identifier_query_answerer``)."""
    # The command line's own account answers nobody: a named person must.
    named = Worker.objects.exclude(username=SYSTEM_USERNAME).order_by("pk")
    return identifier_query_answerer(conflicting, among=named, requester=requester)


def _routed_on_to(viewer: Worker) -> list[int]:
    """The open requests whose named answerer may no longer answer them and that go on to
    ``viewer``, a manager of a team holding the other record: those :func:`identifier_query_route`
    would give to ``viewer`` now, as the first (lowest id) active manager, other than the
    requester, of a team holding the record. One query, however many there are: the home
    page counts them on every load."""
    if not (viewer.is_active and manages_a_team(viewer)):
        return []
    held = Allocation.objects.current().filter(person=OuterRef("conflicting"), team=viewer.team_id)
    moved_on = (
        IdentifierQuery.objects.filter(Exists(held), closed_at=None, routed_to__isnull=False)
        .exclude(routed_answerer_stands())
        .exclude(accounts_q("requested_by", viewer))
        .exclude(Exists(answerers_before(viewer)))
    )
    return list(moved_on.values_list("pk", flat=True))


def identifier_query_for(*, viewer: Worker, query_id: object) -> IdentifierQuery:
    """One identifier query the viewer answers (open or closed), or 404."""
    query: IdentifierQuery = get_object_or_404(
        identifier_queries_for(viewer=viewer, open_only=False), pk=parse_id(query_id)
    )
    return query


def identifier_query_rows(
    *, viewer: Worker, queries: list[IdentifierQuery]
) -> list[IdentifierQueryRow]:
    duplicates = [q.pk for q in queries if q.kind == QueryKind.DUPLICATE]
    matches: dict[int, list[Person]] = {}
    if duplicates:
        through = IdentifierQuery.matches.through.objects.filter(identifierquery_id__in=duplicates)
        for link in through.select_related("person").order_by("person_id"):
            matches.setdefault(link.identifierquery_id, []).append(link.person)
    ids = {pk for q in queries for pk in (q.person_id, q.conflicting_id) if pk is not None}
    ids |= {p.pk for found in matches.values() for p in found}
    seen = visible_person_ids(viewer, ids)
    for found in matches.values():
        for person in found:
            person.seen = person.pk in seen  # type: ignore[attr-defined]
            person.label = _query_label(person, person.seen)  # type: ignore[attr-defined]
    return [
        IdentifierQueryRow(q, q.person_id in seen, q.conflicting_id in seen, matches.get(q.pk, []))
        for q in queries
    ]


def identifier_query_count(*, viewer: Worker) -> int:
    """How many open identifier queries the viewer has to answer (their home page's count)."""
    return identifier_queries_for(viewer=viewer).count()
