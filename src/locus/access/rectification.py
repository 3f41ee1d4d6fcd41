"""Who records and decides a person's challenge to their record (docs/rectification.md).

* **See**: whoever may see the person sees their objections, and each dispute **whose item
  they may see**, with the person's own account: it is part of the record, and it must
  travel with it (UK GDPR Art 16; the ICO's guidance on the right to rectification). A
  dispute about an item the viewer may not see (a restricted police incident, a case note
  they may not read, a detail their role does not see) is neither shown nor counted: its
  words would tell what the item holds, and even "one you cannot see" would say that
  restricted intelligence exists (:func:`disputes_visible_to`). Nobody else learns that one
  exists: a dispute about a child a worker may not see is "not found", and the "disputed"
  tag beside a name is drawn only where the name is, for the disputes the viewer may see.
* **Record**: a practitioner or a manager who sees the person in their own right (the one
  who heard it, usually). Not an administrator: it is casework, not data management.
* **Decide**: a confirmed team manager who sees the person and the disputed item in their
  own right (nobody judges the accuracy of what they cannot read), never the worker who
  recorded it, never anyone who wrote the item disputed (separation of duties: see
  :func:`disputed_author_ids`; people, not accounts, so nor another account with their
  email, ``context_cases.accounts_of``) and never an administrator; once, while it is open.
  A dispute is decided in the agency that controls what is disputed
  (:func:`deciding_agencies`): for an item, the agency that recorded it; for the whole
  record, the agency holding the child's case (children's social care for a child an
  import recorded and nobody holds: its own statutory record). An objection, by any such
  manager.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from django.db.models import Q, QuerySet

from locus.access import lookups, policies, scopes
from locus.access.context_cases import accounts_of
from locus.access.fields import (
    PersonField,
    fields_visible_to,
    fields_visible_to_many,
    is_shared_only,
    role_fields,
)
from locus.access.models import Agency, AgencyKind, Role, Team, Worker
from locus.access.notes import notes_visible_to
from locus.access.provisioning import confirmed
from locus.audit.models import ChangeAction, ChangeEvent
from locus.incidents.models import IncidentRevision, Involvement
from locus.notes.models import CaseNote, NoteRevision
from locus.peers.models import Association
from locus.people.models import Allocation, Person
from locus.rectification.models import About, Dispute, Objection, ObjectionDecision, Outcome


def can_see_challenges(worker: Worker, person: Person) -> bool:
    """Sees the person (break-glass included, as their page is): so sees their objections,
    and the disputes of :func:`disputes_visible_to`."""
    return policies.can_view_person(worker, person)


def _items_seen(worker: Worker, fields: Collection[str], *, own_right: bool) -> Q:
    """The disputes whose item ``worker`` may see, of a person they see with ``fields``: the
    whole record; a detail among ``fields``; an association when they see the person in
    their own right (a forum share does not show them); an involvement in an incident they
    see (restricted police intelligence stays with its agency); a note they may read."""
    seen = (
        Q(about=About.RECORD)
        | Q(about=About.FIELD, field__in=list(fields))
        | Q(about=About.INVOLVEMENT, involvement__incident__in=scopes.incidents_visible_to(worker))
        | Q(about=About.NOTE, note__in=notes_visible_to(worker))
    )
    return (seen | Q(about=About.ASSOCIATION)) if own_right else seen


def disputes_visible_to(worker: Worker, person: Person) -> QuerySet[Dispute]:
    """``person``'s disputes whose item ``worker`` may see (the caller has found the person
    through ``lookups``). The others are not shown, counted or decided by them."""
    fields = fields_visible_to(worker, person)
    seen = _items_seen(worker, fields, own_right=not is_shared_only(fields))
    return Dispute.objects.filter(person=person).filter(seen)


def sees_item(worker: Worker, person: Person, about: str, item: object) -> bool:
    """Whether ``worker``, who sees ``person`` in their own right, may see the item a dispute
    would be about (one not yet recorded: the rule of :func:`disputes_visible_to`). Nobody
    records a dispute of what they may not see: it would be hidden from them at once."""
    if about == About.FIELD:
        return item in fields_visible_to(worker, person)
    if about == About.INVOLVEMENT and isinstance(item, Involvement):
        return scopes.incidents_visible_to(worker).filter(pk=item.incident_id).exists()
    if about == About.NOTE and isinstance(item, CaseNote):
        return notes_visible_to(worker).filter(pk=item.pk).exists()
    return about in (About.RECORD, About.ASSOCIATION)


def flagged_disputes_visible_to(
    worker: Worker, person_ids: Iterable[int] | None = None
) -> list[tuple[int, str, int | None, int | None, int | None]]:
    """The flagged disputes (undecided, or not corrected) whose item ``worker`` may see, of
    ``person_ids`` (everyone when ``None``: a page draws the flag only beside the people it
    shows), as ``(person_id, about, association_id, involvement_id, note_id)``. One query;
    up to four more when some are about a detail or an association, which depend on what the
    worker sees of that person (their fields; a share or their own right)."""
    found = Dispute.objects.exclude(outcome=Outcome.CORRECTED).filter(
        _items_seen(worker, role_fields(worker), own_right=True)
    )
    if person_ids is not None:
        found = found.filter(person_id__in=list(person_ids))
    columns = ("person_id", "about", "association_id", "involvement_id", "note_id", "field")
    rows = list(found.values_list(*columns))
    ask = {r[0] for r in rows if r[1] in (About.FIELD, About.ASSOCIATION)}
    shown = fields_visible_to_many(worker, ask) if ask else {}

    def kept(person_id: int, about: str, field: str) -> bool:
        if about == About.FIELD:
            return field in shown[person_id]
        if about == About.ASSOCIATION:
            return not is_shared_only(shown[person_id])
        return True

    return [(p, about, a, i, n) for p, about, a, i, n, f in rows if kept(p, about, f)]


def can_record_challenge(worker: Worker, person: Person) -> bool:
    """Record a dispute or an objection the person made."""
    return (
        worker.is_active
        and worker.role in policies.CASEWORK_ROLES
        and policies.sees_lastingly(worker, person)
    )


def _is_open(item: Dispute | Objection) -> bool:
    if isinstance(item, Dispute):
        return item.outcome == Outcome.OPEN
    return item.decision == ObjectionDecision.OPEN


# The person's details by the record a change trail row is about: the columns of each record
# that write a field (``None``: every write to that record does). A creation counts for the
# columns it filled in; a later write for the columns it changed.
_PERSON, _EPISODE, _ADDRESS = "people.person", "people.legalstatusepisode", "people.addressperiod"
_FIELD_WRITES: dict[str, dict[str, frozenset[str] | None]] = {
    PersonField.NAME: {_PERSON: frozenset({"given_name", "family_name", "known_as"})},
    # Age is worked out from the date of birth: whoever wrote that wrote the age.
    PersonField.AGE: {_PERSON: frozenset({"date_of_birth"})},
    PersonField.DATE_OF_BIRTH: {_PERSON: frozenset({"date_of_birth"})},
    PersonField.SEX: {_PERSON: frozenset({"sex"})},
    PersonField.ETHNICITY: {_PERSON: frozenset({"ethnicity"})},
    PersonField.UPN: {_PERSON: frozenset({"upn"})},
    PersonField.NHS_NUMBER: {_PERSON: frozenset({"nhs_number"})},
    PersonField.LA_CHILD_ID: {_PERSON: frozenset({"la_child_id"})},
    PersonField.HOME_ADDRESS: {_PERSON: frozenset({"home_id"}), _ADDRESS: None},
    # Starting, changing or ending an episode is what the status says.
    PersonField.LEGAL_STATUS: {_EPISODE: None},
    PersonField.LEGAL_STATUS_DETAIL: {_EPISODE: frozenset({"cp_category", "lac_legal_status"})},
}


def _field_writes(
    fields_of: dict[int, set[str]],
) -> dict[int, dict[str, set[tuple[int, int]]]]:
    """Who wrote each of the fields asked of each person's record (``fields_of``: by person),
    with the change trail's row of each write (``(actor id, row id)``): read from the trail
    (the actor and the changed values of every write) in one query for them all."""
    found: dict[int, dict[str, set[tuple[int, int]]]] = {
        pid: {f: set() for f in asked} for pid, asked in fields_of.items()
    }
    writes_of = {
        pid: {f: _FIELD_WRITES.get(f, {}) for f in asked} for pid, asked in fields_of.items()
    }
    about = Q(pk__in=[])
    for pid, asked in writes_of.items():
        types = {t for writes in asked.values() for t in writes}
        if _PERSON in types:
            about |= Q(record_type=_PERSON, record_id=str(pid))
        others = sorted(types - {_PERSON})
        if others:
            about |= Q(record_type__in=others, people__contains=f",{pid},")
    rows = (
        ChangeEvent.objects.filter(about)
        .exclude(action=ChangeAction.DELETE)
        .values_list("actor_id", "pk", "record_type", "record_id", "action", "after", "people")
    )
    for actor_id, pk, record_type, record_id, action, after, people in rows:
        # A creation's row holds every column: only those it filled in were written.
        written = {
            k
            for k, v in (after or {}).items()
            if action != ChangeAction.CREATE or v not in (None, "")
        }
        for pid, asked in writes_of.items():
            if record_type == _PERSON:
                if record_id != str(pid):
                    continue
            elif f",{pid}," not in (people or ""):
                continue
            for f, writes in asked.items():
                if record_type not in writes:
                    continue
                columns = writes[record_type]
                if columns is None or written & columns:
                    found[pid][f].add((actor_id, pk))
    return found


def _detail_writes(disputes: Collection[Dispute]) -> dict[int, set[tuple[int, int]]]:
    """The writes of the detail each dispute of a detail is about (by dispute): one query
    for them all."""
    details = [d for d in disputes if d.about == About.FIELD and d.field]
    fields: dict[int, set[str]] = {}
    for d in details:
        fields.setdefault(d.person_id, set()).add(d.field)
    by_person = _field_writes(fields) if fields else {}
    return {d.pk: by_person[d.person_id][d.field] for d in details}


_WORKER = Worker._meta.label_lower


def _teams_then(writes: Collection[tuple[int, int]]) -> dict[tuple[int, int], int | None]:
    """The team each writer was in when they wrote (by ``(actor id, row id)``), from the
    change trail's rows of their own account, which keep every team they were given (made
    with one, moved by the admin site): the team of the last such row before the write, or
    the team the first one after it moved them from, or, with neither, their team now. Two
    queries, however many writes."""
    actors = {a for a, _ in writes}
    rows = (
        ChangeEvent.objects.filter(
            record_type=_WORKER, record_id__in=[str(a) for a in actors], after__has_key="team_id"
        )
        .order_by("pk")
        .values_list("record_id", "pk", "before", "after")
    )
    moves: dict[int, list[tuple[int, dict, dict]]] = {}
    for record_id, pk, before, after in rows:
        moves.setdefault(int(record_id), []).append((pk, before or {}, after))
    now = dict(Worker.objects.filter(pk__in=actors).values_list("pk", "team_id"))
    found: dict[tuple[int, int], int | None] = {}
    for actor, at in writes:
        earlier = [after["team_id"] for pk, _, after in moves.get(actor, ()) if pk < at]
        later = [b["team_id"] for pk, b, _ in moves.get(actor, ()) if pk > at and "team_id" in b]
        found[(actor, at)] = earlier[-1] if earlier else later[0] if later else now.get(actor)
    return found


def _association_writers(associations: Collection[Association]) -> dict[int, set[int]]:
    """Who recorded each relationship and everyone who revised it: each revision is a new
    record that replaces the last (and ends it), so the chain both ways holds them all. The
    chains are walked together: a query a step along the longest, whatever their number."""
    replaces = {a.pk: a.replaces_id for a in associations}
    found = {a.pk: {a.recorded_by_id} for a in associations}
    seen = {a.pk: {a.pk} for a in associations}
    edge = {a.pk: {a.pk} for a in associations}
    while any(edge.values()):
        ends: set[int] = set().union(*edge.values())
        back = {replaces[e] for e in ends if replaces[e] is not None}
        rows = list(
            Association.objects.filter(Q(pk__in=back) | Q(replaces__in=ends)).values_list(
                "pk", "replaces", "recorded_by", "ended_by"
            )
        )
        for pk, replaced, _, _ in rows:
            replaces[pk] = replaced
        for start, at in edge.items():
            near = {replaces[e] for e in at}
            step = [r for r in rows if (r[0] in near or r[1] in at) and r[0] not in seen[start]]
            edge[start] = {pk for pk, *_ in step}
            seen[start] |= edge[start]
            for _, _, recorded_by_id, ended_by_id in step:
                found[start].add(recorded_by_id)
                if ended_by_id is not None:
                    found[start].add(ended_by_id)
    return found


def _involvement_writers(involvements: Collection[Involvement]) -> dict[int, set[int]]:
    """Each involvement's incident recorder (who named everyone first), whoever added the
    involvement afterwards or changed it (from the change trail; its removal is not a
    writing of it), and whoever amended the incident (when, where and what happened is what
    the person is said to have been part of). Two queries for them all."""
    by_id = {str(i.pk): i.pk for i in involvements}
    trail = ChangeEvent.objects.filter(
        record_type=Involvement._meta.label_lower,
        record_id__in=list(by_id),
        action__in=[ChangeAction.CREATE, ChangeAction.UPDATE],
    ).values_list("record_id", "actor_id")
    amended = IncidentRevision.objects.filter(
        incident_id__in={i.incident_id for i in involvements}
    ).values_list("incident_id", "revised_by")
    found = {i.pk: {i.incident.recorded_by_id} for i in involvements}
    for record_id, actor_id in trail:
        found[by_id[record_id]].add(actor_id)
    revisers: dict[int, set[int]] = {}
    for incident_id, revised_by_id in amended:
        revisers.setdefault(incident_id, set()).add(revised_by_id)
    for i in involvements:
        found[i.pk] |= revisers.get(i.incident_id, set())
    return found


def _note_writers(notes: Collection[CaseNote]) -> dict[int, set[int]]:
    """Each case note's author and every corrector, in one query for them all."""
    found = {n.pk: {n.author_id} for n in notes}
    rows = NoteRevision.objects.filter(note__in=[n.pk for n in notes])
    for note_id, corrected_by_id in rows.values_list("note_id", "corrected_by"):
        found[note_id].add(corrected_by_id)
    return found


def disputed_authors(disputes: Collection[Dispute]) -> dict[int, set[int]]:
    """Everyone who wrote the item each dispute says is wrong, none of whom may decide it (by
    dispute): an association's recorder and revisers; an involvement's incident recorder and
    whoever added or changed it; a case note's author and every corrector; for a detail of
    the person's record, whoever wrote that detail. Empty for the whole record (its recorder
    of the dispute is excluded anyway). A few queries for each kind of item disputed, however
    many disputes: asked only of a manager who may otherwise decide."""
    associations = {d.association for d in disputes if d.association is not None}
    involvements = {d.involvement for d in disputes if d.involvement is not None}
    notes = {d.note for d in disputes if d.note is not None}
    by_association = _association_writers(associations) if associations else {}
    by_involvement = _involvement_writers(involvements) if involvements else {}
    by_note = _note_writers(notes) if notes else {}
    by_field = _detail_writes(disputes)
    found: dict[int, set[int]] = {}
    for d in disputes:
        if d.association is not None:
            found[d.pk] = by_association[d.association.pk]
        elif d.involvement is not None:
            found[d.pk] = by_involvement[d.involvement.pk]
        elif d.note is not None:
            found[d.pk] = by_note[d.note.pk]
        elif d.pk in by_field:
            found[d.pk] = {actor for actor, _ in by_field[d.pk]}
        else:
            found[d.pk] = set()
    return found


def disputed_author_ids(dispute: Dispute) -> set[int]:
    """Everyone who wrote the item one dispute says is wrong (:func:`disputed_authors`)."""
    return disputed_authors([dispute])[dispute.pk]


def _holding_agencies(person_ids: Collection[int]) -> tuple[dict[int, set[int]], set[int]]:
    """The agencies that hold each child's case: the agencies of the teams of their current
    allocations; for a child allocated to nobody, the agency whose team first recorded them;
    for a child recorded in no team (an import: the CIN census, the SSDA903 return) whom
    nobody holds, children's social care, whose own statutory record it is (so a dispute of
    it is answered within the month, not when the case is allocated). With the children
    who fell to children's social care so. Three queries at most."""
    held: dict[int, set[int]] = {p: set() for p in person_ids}
    allocated = Allocation.objects.current().filter(person_id__in=list(held))
    for person_id, agency_id in allocated.values_list("person_id", "team__agency_id"):
        held[person_id].add(agency_id)
    unheld = [p for p, agencies in held.items() if not agencies]
    if unheld:
        first = Person.objects.filter(pk__in=unheld, recorded_in_team__isnull=False)
        for person_id, agency_id in first.values_list("pk", "recorded_in_team__agency_id"):
            held[person_id].add(agency_id)
    nobodys = {p for p in unheld if not held[p]}
    if nobodys:
        csc = set(
            Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE).values_list(
                "pk", flat=True
            )
        )
        for person_id in nobodys:
            held[person_id] = set(csc)
    return held, nobodys


def deciding_agencies(disputes: Collection[Dispute]) -> dict[int, set[int]]:
    """The agency whose managers decide each dispute (by dispute): the controller of what is
    disputed, under data protection. For an item, the agency that recorded it: an
    association's recorder's team then (kept on it), an incident's reporting agency, a case
    note's author's team then (kept on it), and for a detail of the person's record the
    agencies of those who wrote it, by the teams they were in when they wrote it
    (:func:`_teams_then`). For the whole record, or an item recorded in no team (an import),
    the agency holding the child's case (:func:`_holding_agencies`: children's social care for
    a child an import recorded and nobody holds). A few queries, however many disputes."""
    return _deciders(disputes)[0]


def _deciders(disputes: Collection[Dispute]) -> tuple[dict[int, set[int]], set[int]]:
    """:func:`deciding_agencies`, with the disputes that fell to children's social care as
    the controller of an imported child's record nobody holds."""
    held, nobodys = _holding_agencies({d.person_id for d in disputes})
    writes = _detail_writes(disputes)
    team_then = _teams_then({w for found in writes.values() for w in found}) if writes else {}
    teams = {d.association.recorded_in_team_id for d in disputes if d.association is not None}
    teams |= {d.note.author_team_id for d in disputes if d.note is not None}
    teams |= set(team_then.values())
    teams.discard(None)
    team_agency = dict(Team.objects.filter(pk__in=teams).values_list("pk", "agency_id"))
    found: dict[int, set[int]] = {}
    to_csc: set[int] = set()
    for d in disputes:
        agencies: set[int] = set()
        if d.association is not None:
            team_id = d.association.recorded_in_team_id
            agencies = {team_agency[team_id]} if team_id is not None else set()
        elif d.involvement is not None:
            agencies = {d.involvement.incident.reporting_agency_id}
        elif d.note is not None:
            team_id = d.note.author_team_id
            agencies = {team_agency[team_id]} if team_id is not None else set()
        elif d.pk in writes:
            then = {team_then[w] for w in writes[d.pk]}
            agencies = {team_agency[t] for t in then if t in team_agency}
        if not agencies and d.person_id in nobodys:
            to_csc.add(d.pk)
        found[d.pk] = agencies or held[d.person_id]
    return found, to_csc


RECORDED_IT = "You recorded this: another manager decides it"
WROTE_IT = "You wrote or changed what the person disputes: another manager decides it"
NOT_RECORDING_AGENCY = "A manager in the agency that recorded what is disputed decides it"
NOT_HOLDING_AGENCY = "A manager in the agency that holds the child's case decides it"
CSC_DECIDES = "A manager in children's social care decides it"
NO_HOLDING_AGENCY = (
    "No agency holds the child's case: a manager there decides it once the case is allocated"
)


def _other_agency(dispute: Dispute, agencies: set[int], to_csc: set[int]) -> str:
    """Why a manager outside ``agencies`` is not offered the dispute (``to_csc``: the
    disputes children's social care decides, as no agency holds the imported child)."""
    if dispute.pk in to_csc:
        return CSC_DECIDES if agencies else NO_HOLDING_AGENCY
    if dispute.about != About.RECORD:
        return NOT_RECORDING_AGENCY
    return NOT_HOLDING_AGENCY if agencies else NO_HOLDING_AGENCY


def decisions_offered(
    worker: Worker, person: Person, items: Sequence[Dispute | Objection]
) -> tuple[set[int], dict[int, str]]:
    """For the person's page of challenges: which of ``items`` (``person``'s disputes, or
    their objections) ``worker`` may decide, and why a manager who would otherwise decide
    one is not offered it: it is their own work (they recorded it, or wrote what a dispute
    says is wrong), or a dispute is another agency's to decide (:func:`deciding_agencies`);
    anyone else is simply not offered them. Everything but whose work and whose agency it
    is: a confirmed manager seeing the person in their own right (and a dispute's
    item: one who may not read it cannot judge it), while it is open, who does casework
    (``policies.does_casework``: a chairs' manager records a challenge, as challenge is an
    independent reviewer's job, but deciding one is the record-owning side's casework).
    The same few queries for one item or many."""
    if any(x.person_id != person.pk for x in items):
        raise ValueError("decisions_offered reads the challenges of one person")
    manager = confirmed(worker) and worker.role == Role.MANAGER and policies.does_casework(worker)
    waiting: list[Dispute | Objection] = [x for x in items if _is_open(x)] if manager else []
    if not waiting or not policies.sees_lastingly(worker, person):
        return set(), {}
    disputes = [x.pk for x in waiting if isinstance(x, Dispute)]
    if disputes:
        seen = disputes_visible_to(worker, person).filter(pk__in=disputes)
        readable = set(seen.values_list("pk", flat=True))
        waiting = [x for x in waiting if isinstance(x, Objection) or x.pk in readable]
    return _offered(worker, waiting)


def _offered(
    worker: Worker, waiting: Sequence[Dispute | Objection]
) -> tuple[set[int], dict[int, str]]:
    """:func:`decisions_offered` of open challenges a manager may read (of one person or
    many): whose work each is, and whose agency decides it. The same few queries for one
    item or many."""
    # People, not accounts: another account with the worker's email is the worker.
    mine = accounts_of(worker)
    theirs = [x for x in waiting if isinstance(x, Dispute) and x.recorded_by_id not in mine]
    authors = disputed_authors(theirs)
    agencies, to_csc = _deciders(theirs) if theirs else ({}, set())
    decide: set[int] = set()
    why_not: dict[int, str] = {}
    for x in waiting:
        if x.recorded_by_id in mine:
            why_not[x.pk] = RECORDED_IT
        elif mine & authors.get(x.pk, set()):
            why_not[x.pk] = WROTE_IT
        elif isinstance(x, Dispute) and worker.agency_id not in agencies[x.pk]:
            why_not[x.pk] = _other_agency(x, agencies[x.pk], to_csc)
        else:
            decide.add(x.pk)
    return decide, why_not


def disputes_waiting(worker: Worker) -> tuple[list[Dispute], list[Dispute]]:
    """The open disputes waiting for ``worker``'s decision, for their list of work (nothing,
    and no query, for anyone but a manager who would decide one): those they are offered
    (:func:`decisions_offered`, child by child), and those children's social care decides
    of a child an import recorded and nobody holds (:func:`deciding_agencies`) whom they do
    not see, when they are a manager there: the answer is due within the month, so it is
    listed, without the child, for someone there to make sure a manager who sees the child
    decides it. The same few queries however many disputes are open."""
    manager = confirmed(worker) and worker.role == Role.MANAGER and policies.does_casework(worker)
    if not manager:
        return [], []
    waiting = list(
        Dispute.objects.filter(outcome=Outcome.OPEN)
        .select_related("person", "recorded_by", "association", "involvement__incident", "note")
        .order_by("received_on", "pk")
    )
    if not waiting:
        return [], []
    lasting = scopes.people_visible_to(worker, break_glass=False, shared=False)
    seen = set(lasting.filter(pk__in={d.person_id for d in waiting}).values_list("pk", flat=True))
    offered = _offered(worker, _readable(worker, [d for d in waiting if d.person_id in seen]))[0]
    unseen = [d for d in waiting if d.person_id not in seen]
    agencies, to_csc = _deciders(unseen) if unseen else ({}, set())
    theirs = [d for d in unseen if d.pk in to_csc and worker.agency_id in agencies[d.pk]]
    return [d for d in waiting if d.pk in offered], theirs


def _readable(worker: Worker, disputes: list[Dispute]) -> list[Dispute]:
    """Of ``disputes`` about people ``worker`` sees in their own right, those whose item they
    may read (:func:`disputes_visible_to`, for many people at once): a few queries."""
    if not disputes:
        return []
    people = {d.person_id for d in disputes}
    fields = fields_visible_to_many(worker, people, visible=people)
    seen = _items_seen(worker, role_fields(worker), own_right=True)
    readable = set(
        Dispute.objects.filter(pk__in=[d.pk for d in disputes])
        .filter(seen)
        .values_list("pk", flat=True)
    )
    return [
        d
        for d in disputes
        if d.pk in readable and (d.about != About.FIELD or d.field in fields[d.person_id])
    ]


def decision_offered(worker: Worker, item: Dispute | Objection) -> tuple[bool, str]:
    """Whether ``worker`` may decide ``item``, and if not because it is their own work, why
    (:func:`decisions_offered`, for one)."""
    decide, why_not = decisions_offered(worker, item.person, [item])
    return item.pk in decide, why_not.get(item.pk, "")


def can_decide_challenge(worker: Worker, item: Dispute | Objection) -> bool:
    """Decide an open dispute or objection: a manager seeing the person who neither recorded
    it nor wrote the item a dispute says is wrong (nobody judges their own record), and for a
    dispute one in the agency that controls what is disputed (:func:`deciding_agencies`)."""
    return decision_offered(worker, item)[0]


def access_dispute(worker: Worker, person: Person, dispute_id: object) -> Dispute:
    """One of ``person``'s disputes whose item ``worker`` may see (the caller has found the
    person through ``lookups``): any other is "not found", as it is not shown."""
    return lookups.one_or_404(
        disputes_visible_to(worker, person).select_related("person", "recorded_by"),
        dispute_id,
    )


def access_objection(worker: Worker, person: Person, objection_id: object) -> Objection:
    return lookups.one_or_404(
        Objection.objects.filter(person=person).select_related("person", "recorded_by"),
        objection_id,
    )
