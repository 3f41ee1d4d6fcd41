"""Test data built only through services, as the app builds its own.

Factories never touch ``Model.objects.create``: every row here went through the
same validation, permission check and audit trail as a real write, so a test
that passes on factory data passes on data the app would hold.

``build_world`` makes the small multi-agency borough that the permission matrix
and the service tests share. It is fast (no passwords are hashed) so each test
gets a fresh one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from locus.access.models import Agency, AgencyKind, Role, Scope, Team, Worker
from locus.access.services import (
    agency_create,
    break_glass_request,
    system_worker,
    team_create,
    worker_create,
)
from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.common.models import Confidence, Source
from locus.common.validators import upn_check_letter
from locus.incidents.models import Incident, IncidentKind, InvolvementRole
from locus.incidents.services import incident_record
from locus.peers.models import Association, GroupMembership, GroupRole
from locus.peers.services import association_record, membership_add
from locus.people.models import Allocation, LegalStatus, Person
from locus.people.services import (
    allocation_create,
    allocation_end,
    episode_start,
    person_create,
)
from locus.places.models import Context, ContextKind
from locus.places.services import context_create, enrolment_create

_serial = itertools.count(1)

# A fixed, past calendar so tests do not depend on today's date (services refuse
# future dates, and every date here is well before any day the tests will run).
START = dt.date(2025, 9, 1)
DOB = dt.date(2011, 3, 14)


def past_moment(days_ago: int = 30) -> dt.datetime:
    """A timezone-aware moment in the past (incidents cannot be in the future)."""
    return clock.now() - dt.timedelta(days=days_ago)


def valid_upn(serial: int | None = None) -> str:
    """A UPN with the right check letter: LA code 204, then a serial number."""
    n = next(_serial) if serial is None else serial
    digits = f"204{n:09d}"
    return upn_check_letter(digits) + digits


def valid_nhs_number(serial: int | None = None) -> str:
    """A 10-digit number that passes the modulus 11 check (synthetic, not a real one)."""
    n = next(_serial) if serial is None else serial
    while True:
        body = f"{n % 10**9:09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(body))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        n += 1


def make_agency(actor: Worker, *, kind: str = AgencyKind.PARTNER, name: str = "") -> Agency:
    return agency_create(actor=actor, name=name or f"Agency {next(_serial)}", kind=kind)


def make_team(actor: Worker, *, agency: Agency, name: str = "") -> Team:
    return team_create(actor=actor, agency=agency, name=name or f"Team {next(_serial)}")


def make_worker(
    actor: Worker,
    *,
    team: Team | None,
    role: str = Role.PRACTITIONER,
    scope: str | None = None,
    username: str = "",
    first_name: str = "Test",
    last_name: str = "Worker",
    password: str | None = None,
    email: str = "",
) -> Worker:
    """A worker with a work email of their own (``{username}@workers.example`` unless
    ``email`` gives one), as every account has."""
    username = username or f"worker{next(_serial)}"
    return worker_create(
        actor=actor,
        username=username,
        first_name=first_name,
        last_name=last_name,
        team=team,
        role=role,
        scope=scope,
        password=password,
        email=email or f"{username}@workers.example",
    )


def make_manager(actor: Worker, *, team: Team) -> Worker:
    """A manager of ``team`` who sees the work of their whole agency (``Scope.AGENCY``)."""
    return make_worker(actor, team=team, role=Role.MANAGER, scope=Scope.AGENCY)


def move_worker(worker: Worker, team: Team) -> None:
    """Move ``worker`` to ``team`` as the admin site does: the record's team changes, nothing
    else. Unlike the admin site, it moves a worker still holding cases in their team (as a
    move made before such moves were refused did): see :func:`end_cases`."""
    worker.team = team
    worker.save(update_fields=["team"])


def end_cases(worker: Worker, actor: Worker | None = None) -> None:
    """End ``worker``'s open allocations (by ``actor``, a manager of their team, or the
    system's administrator), as their team does before the admin site moves them."""
    for allocation in Allocation.objects.current().filter(worker=worker):
        allocation_end(
            actor=actor or system_worker(),
            allocation=allocation,
            end=clock.today(),
            reason="Reallocated before the worker moves team",
        )


def make_person(actor: Worker, **fields: Any) -> Person:
    fields.setdefault("given_name", "Young")
    fields.setdefault("family_name", f"Person{next(_serial)}")
    fields.setdefault("date_of_birth", DOB)
    return person_create(actor=actor, **fields)


def make_context(actor: Worker, *, kind: str = ContextKind.OPEN_SPACE, **fields: Any) -> Context:
    fields.setdefault("name", f"{kind} {next(_serial)}")
    return context_create(actor=actor, kind=kind, **fields)


def make_association(
    actor: Worker, *, person: Person, other: Person | None = None, **fields: Any
) -> Association:
    """An association with provenance; a peer not yet known when ``other`` is None."""
    fields.setdefault("relationship", "friend")
    fields.setdefault("nature", "unclear")
    fields.setdefault("source", "professional")
    fields.setdefault("confidence", "medium")
    fields.setdefault("valid_from", START)
    if other is None:
        fields.setdefault("other_label", f"peer not yet known {next(_serial)}")
    return association_record(actor=actor, person=person, other=other, **fields)


def make_membership(
    actor: Worker, *, person: Person, group: Context, **fields: Any
) -> GroupMembership:
    """A membership of a peer group with provenance, core and current since ``START`` unless
    told otherwise."""
    fields.setdefault("role", GroupRole.CORE)
    fields.setdefault("since", START)
    fields.setdefault("source", "professional")
    fields.setdefault("confidence", "medium")
    return membership_add(actor=actor, person=person, group=group, **fields)


def make_incident(
    actor: Worker,
    *,
    context: Context | None,
    involvements: list[tuple[Person, str]],
    kind: str = IncidentKind.PEER_PHYSICAL,
    reporting_agency: Agency | None = None,
    summary: str = "A synthetic incident for tests.",
    occurred_at: dt.datetime | None = None,
    source: str = Source.PROFESSIONAL,
    confidence: str = Confidence.HIGH,
    restricted: bool = False,
) -> Incident:
    return incident_record(
        actor=actor,
        kind=kind,
        occurred_at=occurred_at or past_moment(),
        context=context,
        summary=summary,
        involvements=involvements,
        reporting_agency=reporting_agency,
        source=source,
        confidence=confidence,
        restricted=restricted,
    )


@dataclass
class World:
    """A small borough: agencies, teams, named personas, children and contexts.

    Who sees whom (the permission matrix spells it out record by record):

    * ``csc_child`` - allocated to ``social_worker`` only, CIN episode held by
      CSC, lives at ``home``, member of ``group``. No police, no school.
    * ``team_child`` - allocated to ``teammate`` (same CSC team as social_worker).
    * ``other_child`` - allocated to ``other_social_worker`` (another CSC team);
      harmed in ``csc_incident``, which no-one else in the world may see.
    * ``yjs_child`` - allocated to ``yjs_worker``, YJS episode, member of ``group``.
    * ``pupil`` - on the roll of ``school`` (responsible agency: ``school_agency``).
    * ``police_child`` - harmed in ``police_incident`` (reported by police) at ``park``.
    * ``adult`` - an adult of concern, harming in ``police_incident``.
    """

    system: Worker
    csc: Agency
    yjs: Agency
    police: Agency
    school_agency: Agency
    partner: Agency
    csc_team_a: Team
    csc_team_b: Team
    yjs_team: Team
    police_team: Team
    school_team: Team
    partner_team: Team
    social_worker: Worker
    teammate: Worker
    team_manager: Worker
    other_social_worker: Worker
    yjs_worker: Worker
    police_analyst: Worker
    school_dsl: Worker
    partner_worker: Worker
    auditor: Worker
    admin: Worker
    park: Context
    school: Context
    shopping_centre: Context
    home: Context
    group: Context
    csc_child: Person
    team_child: Person
    other_child: Person
    yjs_child: Person
    pupil: Person
    police_child: Person
    adult: Person
    police_incident: Incident
    csc_incident: Incident
    extra: dict[str, Any] = field(default_factory=dict)

    def persona(self, name: str) -> Worker:
        worker = getattr(self, name)
        assert isinstance(worker, Worker)
        return worker


def build_world() -> World:
    system = system_worker()

    csc = make_agency(system, kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's Social Care")
    yjs = make_agency(system, kind=AgencyKind.YOUTH_JUSTICE, name="Youth Justice Service")
    police = make_agency(system, kind=AgencyKind.POLICE, name="Borough Police")
    school_agency = make_agency(system, kind=AgencyKind.EDUCATION, name="Millfields Academy")
    partner = make_agency(system, kind=AgencyKind.PARTNER, name="Mare Street Shopping Centre")

    csc_team_a = make_team(system, agency=csc, name="Contextual Safeguarding Team A")
    csc_team_b = make_team(system, agency=csc, name="Assessment Team B")
    yjs_team = make_team(system, agency=yjs, name="YJS Casework")
    police_team = make_team(system, agency=police, name="Intelligence Unit")
    school_team = make_team(system, agency=school_agency, name="Safeguarding")
    partner_team = make_team(system, agency=partner, name="Security")

    def worker(username: str, team: Team | None, role: str, scope: str | None = None) -> Worker:
        return make_worker(
            system, team=team, role=role, scope=scope, username=username, last_name=username
        )

    social_worker = worker("social_worker", csc_team_a, Role.PRACTITIONER)
    teammate = worker("teammate", csc_team_a, Role.PRACTITIONER)
    team_manager = worker("team_manager", csc_team_a, Role.MANAGER)
    other_social_worker = worker("other_social_worker", csc_team_b, Role.PRACTITIONER)
    yjs_worker = worker("yjs_worker", yjs_team, Role.PRACTITIONER)
    police_analyst = worker("police_analyst", police_team, Role.ANALYST, Scope.AGENCY)
    school_dsl = worker("school_dsl", school_team, Role.PRACTITIONER, Scope.AGENCY)
    partner_worker = worker("partner_worker", partner_team, Role.PRACTITIONER, Scope.AGENCY)
    auditor = worker("auditor", None, Role.AUDITOR)
    admin = worker("admin", None, Role.ADMINISTRATOR)

    park = make_context(system, kind=ContextKind.OPEN_SPACE, name="Millfields Park")
    school = make_context(
        system, kind=ContextKind.SCHOOL, name="Millfields Academy", responsible_agency=school_agency
    )
    shopping_centre = make_context(
        system, kind=ContextKind.RETAIL, name="Mare Street Centre", responsible_agency=partner
    )
    home = make_context(system, kind=ContextKind.HOME, name="Flat 3, Example House")
    group = make_context(system, kind=ContextKind.PEER_GROUP, name="Millfields group")

    csc_child = make_person(system, given_name="Ciara", family_name="Cscchild", home=home)
    team_child = make_person(system, given_name="Tariq", family_name="Teamchild")
    other_child = make_person(system, given_name="Olu", family_name="Otherchild")
    yjs_child = make_person(system, given_name="Yusuf", family_name="Yjschild")
    pupil = make_person(system, given_name="Priya", family_name="Pupil")
    police_child = make_person(system, given_name="Paddy", family_name="Policechild")
    adult = make_person(
        system, given_name="Adam", family_name="Adult", kind="adult_of_concern", date_of_birth=None
    )

    allocation_create(actor=system, person=csc_child, worker=social_worker, start=START)
    episode_start(
        actor=system, person=csc_child, status=LegalStatus.CHILD_IN_NEED, start=START, agency=csc
    )
    allocation_create(actor=system, person=team_child, worker=teammate, start=START)
    allocation_create(actor=system, person=other_child, worker=other_social_worker, start=START)
    allocation_create(actor=system, person=yjs_child, worker=yjs_worker, start=START)
    episode_start(
        actor=system, person=yjs_child, status=LegalStatus.YOUTH_JUSTICE, start=START, agency=yjs
    )
    enrolment_create(actor=system, person=pupil, school=school, start=START)

    for member, role in ((csc_child, GroupRole.CORE), (yjs_child, GroupRole.PERIPHERAL)):
        make_membership(system, person=member, group=group, role=role)

    police_incident = make_incident(
        system,
        context=park,
        reporting_agency=police,
        involvements=[(police_child, InvolvementRole.HARMED), (adult, InvolvementRole.HARMING)],
    )
    csc_incident = make_incident(
        system,
        context=park,
        reporting_agency=csc,
        involvements=[(other_child, InvolvementRole.HARMED)],
    )

    return World(
        system=system,
        csc=csc,
        yjs=yjs,
        police=police,
        school_agency=school_agency,
        partner=partner,
        csc_team_a=csc_team_a,
        csc_team_b=csc_team_b,
        yjs_team=yjs_team,
        police_team=police_team,
        school_team=school_team,
        partner_team=partner_team,
        social_worker=social_worker,
        teammate=teammate,
        team_manager=team_manager,
        other_social_worker=other_social_worker,
        yjs_worker=yjs_worker,
        police_analyst=police_analyst,
        school_dsl=school_dsl,
        partner_worker=partner_worker,
        auditor=auditor,
        admin=admin,
        park=park,
        school=school,
        shopping_centre=shopping_centre,
        home=home,
        group=group,
        csc_child=csc_child,
        team_child=team_child,
        other_child=other_child,
        yjs_child=yjs_child,
        pupil=pupil,
        police_child=police_child,
        adult=adult,
        police_incident=police_incident,
        csc_incident=csc_incident,
    )


# --- Checking what a service wrote ---------------------------------------------------------


def changes_for(obj: Any) -> list[ChangeEvent]:
    """The audit rows about ``obj``, oldest first."""
    return list(
        ChangeEvent.objects.filter(
            record_type=obj._meta.label_lower, record_id=str(obj.pk)
        ).order_by("at", "id")
    )


def last_change(obj: Any) -> ChangeEvent:
    events = changes_for(obj)
    assert events, f"no ChangeEvent for {obj._meta.label_lower}:{obj.pk}"
    return events[-1]


def row_counts(*models: type[Model]) -> dict[str, int]:
    """How many rows each model (and the change trail) holds right now."""
    return {m._meta.label: m._default_manager.count() for m in (*models, ChangeEvent)}


@contextmanager
def nothing_written(*models: type[Model]) -> Iterator[None]:
    """Assert that the block writes no row of ``models`` and no ChangeEvent."""
    before = row_counts(*models)
    yield
    assert row_counts(*models) == before


def open_in_emergency(worker: Worker, person: Person) -> None:
    """``worker`` opens ``person`` by emergency access (break-glass), for four hours."""
    why = "Missing tonight: I need the contacts and places now"
    assert break_glass_request(
        actor=worker, person_id=person.pk, category="missing_child", reason=why
    )


def client_for(worker: Worker) -> Client:
    """A test client signed in as ``worker`` (no password needed)."""
    client = Client()
    client.force_login(worker)
    return client


def page_queries(worker: Worker, url: str) -> int:
    """How many queries the page at ``url`` costs ``worker``, read once first to warm the
    per-process caches (content types, the session), so a test can pin that the count does
    not grow with the data."""
    client = client_for(worker)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def heading_jumps(html: str) -> list[str]:
    """Each place where a page's headings go down more than one level ("h1 to h3"): a
    screen reader user moving by headings would think a level was missed (WCAG 1.3.1)."""
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
    return [f"h{a} to h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]
