"""What the API returns: each shape holds only what the matching page shows its viewer."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class Page(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class Ref(Schema):
    id: int
    name: str


class Holder(Schema):
    worker: str
    team: str | None
    agency: str | None


class PersonOut(Schema):
    """A person with the fields the caller's role (or a forum share) gives them. A withheld
    field is null and named in ``withheld``: null alone would read as "not known"."""

    id: int
    kind: str
    name: str  # the full name, or initials where the name is withheld
    age: int | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    ethnicity: str | None = None
    upn: str | None = None
    nhs_number: str | None = None
    la_child_id: str | None = None
    home: Ref | None = None
    legal_statuses: list[str] | None = None
    withheld: list[str]
    shared_only: bool  # seen only through what a meeting shared, not in the caller's own right
    allocated_to: list[Holder] = []
    # The person disputes the accuracy of their record (or of part of it), undecided or not
    # corrected: whoever relies on the record must read their account (UK GDPR Art 16).
    accuracy_disputed: bool = False


class PeoplePage(Page):
    results: list[PersonOut]


class ContextOut(Schema):
    id: int
    kind: str
    name: str
    address: str | None  # null: withheld from the caller (a protected address)
    postcode: str | None
    responsible_agency: str | None
    incident_count: int | None = None


class ContextsPage(Page):
    results: list[ContextOut]


class NamedPerson(Schema):
    """A person a record names: ``id`` only when the caller may see them; otherwise their
    initials and a note that they are outside your sight, and no id."""

    id: int | None
    label: str
    visible: bool


class KindCount(Schema):
    kind: str
    count: int


class ContextDetailOut(ContextOut):
    description: str
    incidents_by_kind: list[KindCount]
    people: list[NamedPerson]
    people_not_shown: int


class MemberOut(NamedPerson):
    role: str
    since: dt.date | None


class GroupDetailOut(ContextOut):
    description: str
    members: list[MemberOut]
    former_members: int
    places: list[Ref]
    incidents: list[int]


class InvolvementOut(Schema):
    role: str
    person: NamedPerson


class IncidentOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    # Null for a missing episode recorded with no place (docs/recording.md), or for a home
    # the caller may not see: then place_withheld is true (docs/api.md).
    context: Ref | None
    place_withheld: bool
    reporting_agency: str
    summary: str
    restricted: bool
    involved: list[InvolvementOut]


class IncidentsPage(Page):
    results: list[IncidentOut]


class AssociationOut(Schema):
    id: int
    peer: NamedPerson
    relationship: str
    nature: str
    valid_from: dt.date
    valid_until: dt.date | None
    current: bool
    peer_role: str
    places: list[Ref]
    open_to_social_care: bool | None = None
    open_to_youth_justice: bool | None = None


class AssociationsPage(Page):
    results: list[AssociationOut]


class CasePlace(Schema):
    """A case's place as its page names it. A home the caller opens the case of but may not
    be told of is named "A home: its address is not shared with your role" and has no id:
    an id says which home (the same id on two cases is the same family's address)."""

    id: int | None
    name: str


class CaseOut(Schema):
    id: int
    context: CasePlace
    status: str
    threshold_level: str
    lead: str | None
    team: str
    opened_on: dt.date


class CasesPage(Page):
    results: list[CaseOut]


class ActionOut(Schema):
    id: int
    description: str
    agency: str
    due_on: dt.date
    status: str


class GoalOut(Schema):
    id: int
    statement: str
    status: str


class CaseDetailOut(CaseOut):
    referrals: list[int]
    children: list[NamedPerson]
    children_not_shown: int
    goals: list[GoalOut]
    actions: list[ActionOut]
    assessment_shown: bool


class LinkOut(Schema):
    child: NamedPerson
    other: NamedPerson  # a child the caller may not see: no id, no name
    held_by: list[Holder]
    tier: str
    reasons: list[str]
    places: list[str]
    incidents: list[int]
    associates: list[NamedPerson]
    reviewed: bool


class LinksPage(Page):
    window_days: int
    show: str
    results: list[LinkOut]


class MapNodeOut(Schema):
    id: str  # numbered afresh on each read (n1, n2...): never a database id
    label: str
    href: str | None = None
    step: int | None = None
    note: str | None = None
    classes: str
    x: float
    y: float


class MapEdgeOut(Schema):
    id: str
    source: str
    target: str
    label: str
    classes: str


class PeerMapOut(Schema):
    person: int
    as_at: dt.date
    natures: list[str]
    steps: int
    names_shown: bool  # false: peers show by initials until a purpose is recorded (Level 1)
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]
