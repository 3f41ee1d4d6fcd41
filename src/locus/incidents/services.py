"""Recording incidents and who was involved, in which role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from locus.access import policies
from locus.access.models import Agency, Worker
from locus.common import clock
from locus.common.services import Problems, create_audited, permitted, recorded
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.people.models import Person
from locus.places.models import Context


def validate_incident(
    *,
    kind: str,
    occurred_at: dt.datetime | None,
    context: Context | None,
    summary: str,
    involvements: Sequence[tuple[Person, str]],
) -> Problems:
    """An incident happens somewhere, at a time not in the future, to someone.

    A missing episode names the young person who went missing; every other
    incident names at least one young person harmed.
    """
    problems = Problems()
    problems.check(kind in IncidentKind.values, "kind", f"Unknown kind of incident: {kind!r}")
    if occurred_at is None:
        problems.add("occurred_at", "Enter when it happened")
    elif timezone.is_naive(occurred_at):
        problems.add("occurred_at", "The time must carry its time zone")
    elif occurred_at > clock.now():
        problems.add("occurred_at", "An incident cannot be in the future")
    problems.check(context is not None, "context", "Say where it happened")
    problems.check(bool(summary.strip()), "summary", "Enter a summary")
    roles = [role for _, role in involvements]
    for role in roles:
        problems.check(role in InvolvementRole.values, "involvements", f"Unknown role {role!r}")
    if kind == IncidentKind.MISSING:
        problems.check(
            InvolvementRole.MISSING in roles,
            "involvements",
            "Name the young person who went missing",
        )
    else:
        problems.check(
            InvolvementRole.HARMED in roles, "involvements", "Name at least one person harmed"
        )
        problems.check(
            InvolvementRole.MISSING not in roles,
            "involvements",
            "Only a missing episode has someone who went missing",
        )
    seen = set()
    for person, role in involvements:
        key = (person.pk, role)
        problems.check(key not in seen, "involvements", f"{person} is named twice as {role}")
        seen.add(key)
    return problems


@transaction.atomic
def incident_record(
    *,
    actor: Worker,
    kind: str,
    occurred_at: dt.datetime,
    context: Context,
    summary: str,
    involvements: Sequence[tuple[Person, str]],
    reporting_agency: Agency | None = None,
) -> Incident:
    """Record an incident, where it happened, and each person's role in it."""
    permitted(policies.can_record_new, actor)
    permitted(policies.can_name_people, actor, [person for person, _ in involvements])
    if context is not None:
        # An incident at a home or group would make it visible: only places the actor sees.
        permitted(policies.can_view_context, actor, context)
    own_agency = actor.team.agency if actor.team else None
    if reporting_agency is not None and reporting_agency != own_agency:
        # Filing under another agency gives that agency sight of the people named.
        permitted(policies.is_administrator, actor)
    agency = reporting_agency or own_agency
    # The fields the rules check are the fields written.
    fields: dict[str, Any] = dict(
        kind=kind, occurred_at=occurred_at, context=context, summary=summary.strip()
    )
    problems = validate_incident(involvements=involvements, **fields)
    problems.check(agency is not None, "reporting_agency", "Say which agency is reporting it")
    problems.raise_if_any()
    assert agency is not None  # checked just above
    incident = create_audited(actor, Incident, reporting_agency=agency, **fields, **recorded(actor))
    for person, role in involvements:
        create_audited(actor, Involvement, incident=incident, person=person, role=role)
    return incident


@transaction.atomic
def involvement_add(*, actor: Worker, incident: Incident, person: Person, role: str) -> Involvement:
    permitted(policies.can_edit_incident, actor, incident)
    permitted(policies.can_name_people, actor, [person])
    problems = Problems()
    problems.check(role in InvolvementRole.values, "role", f"Unknown role {role!r}")
    problems.check(
        role != InvolvementRole.MISSING or incident.kind == IncidentKind.MISSING,
        "role",
        "Only a missing episode has someone who went missing",
    )
    problems.check(
        not Involvement.objects.filter(incident=incident, person=person, role=role).exists(),
        "person",
        f"{person} is already recorded in this role",
    )
    problems.raise_if_any()
    involvement = create_audited(actor, Involvement, incident=incident, person=person, role=role)
    return involvement
