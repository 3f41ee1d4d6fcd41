"""Recording incidents and who was involved, in which role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from locus.access import policies
from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.models import Confidence, Source
from locus.common.services import (
    Problems,
    amend_keeping_history,
    check_known_fields,
    clean_reason,
    create_audited,
    lock,
    permitted,
    recorded,
    write_fields,
)
from locus.incidents.models import (
    Incident,
    IncidentKind,
    IncidentRevision,
    Involvement,
    InvolvementRole,
)
from locus.people.models import Person
from locus.places.models import Context


class IncidentFields(TypedDict):
    """What an incident records: the one list that checking and recording both take."""

    kind: str
    occurred_at: dt.datetime | None
    context: Context | None
    summary: str
    involvements: Sequence[tuple[Person, str]]
    source: str
    confidence: str
    restricted: NotRequired[bool]


INCIDENT_FIELDS = tuple(IncidentFields.__annotations__)

NO_PLACE_REFUSED = "Say where it happened (only a missing episode may be recorded without a place)"


def needs_place(kind: str) -> bool:
    """Whether an incident of ``kind`` must say where it happened: every kind but a missing
    episode, where the child was while missing is often not known (an online space is a
    place too)."""
    return kind != IncidentKind.MISSING


def validate_incident(
    *, agency: Agency | None = None, **fields: Unpack[IncidentFields]
) -> Problems:
    """An incident happens somewhere, at a time not in the future, to someone; a missing
    episode may be without a place (where the child was is often not known).

    A missing episode names the young person who went missing; every other
    incident names at least one young person harmed.
    """
    check_known_fields("validate_incident", dict(fields), INCIDENT_FIELDS)
    kind, occurred_at, involvements = fields["kind"], fields["occurred_at"], fields["involvements"]
    problems = Problems()
    problems.check(
        kind in choice_values(IncidentKind), "kind", f"Unknown kind of incident: {kind!r}"
    )
    if occurred_at is None:
        problems.add("occurred_at", "Enter when it happened")
    elif timezone.is_naive(occurred_at):
        problems.add("occurred_at", "The time must carry its time zone")
    elif occurred_at > clock.now():
        problems.add("occurred_at", "An incident cannot be in the future")
    elif occurred_at.year < 1900:
        # A mistyped year (0025, 1025): a date of birth has the same floor.
        problems.add("occurred_at", "An incident must be after 1900")
    problems.check(
        fields["context"] is not None or not needs_place(kind), "context", NO_PLACE_REFUSED
    )
    problems.check(bool(fields["summary"].strip()), "summary", "Enter a summary")
    source_ok = fields["source"] in choice_values(Source)
    problems.check(source_ok, "source", "Say where this information came from")
    problems.check(
        fields["confidence"] in choice_values(Confidence), "confidence", "Say how sure you are"
    )
    problems.check(
        not fields.get("restricted") or policies.restricts_intelligence(agency),
        "restricted",
        "Only police intelligence can be restricted",
    )
    problems.check(bool(involvements), "involvements", "Name at least one person involved")
    roles = [role for _, role in involvements]
    for role in roles:
        problems.check(
            role in choice_values(InvolvementRole), "involvements", f"Unknown role {role!r}"
        )
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
    *, actor: Worker, reporting_agency: Agency | None = None, **given: Unpack[IncidentFields]
) -> Incident:
    """Record an incident, where it happened, and each person's role in it."""
    check_known_fields("incident_record", dict(given), INCIDENT_FIELDS)
    involvements, context = given["involvements"], given["context"]
    permitted(policies.can_record_incident, actor)
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
    fields: dict[str, Any] = {
        name: value for name, value in given.items() if name != "involvements"
    }
    fields.update(summary=given["summary"].strip(), restricted=given.get("restricted", False))
    problems = validate_incident(involvements=involvements, agency=agency, **fields)
    problems.check(agency is not None, "reporting_agency", "Say which agency is reporting it")
    problems.raise_if_any()
    assert agency is not None  # checked just above
    incident = create_audited(actor, Incident, reporting_agency=agency, **fields, **recorded(actor))
    for person, role in involvements:
        create_audited(actor, Involvement, incident=incident, person=person, role=role)
    return incident


@transaction.atomic
def involvement_add(
    *, actor: Worker, incident: Incident, person: Person, role: str, reason: str
) -> Involvement:
    """Name one more person in an incident, saying why they were not named at first."""
    permitted(policies.can_edit_incident, actor, incident)
    permitted(policies.can_name_people, actor, [person])
    problems = Problems()
    problems.check(role in choice_values(InvolvementRole), "role", f"Unknown role {role!r}")
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
    reason = clean_reason(problems, reason, missing="Say why you are adding them", limit=2000)
    problems.raise_if_any()
    return create_audited(
        actor, Involvement, incident=incident, person=person, role=role, reason=reason
    )


@transaction.atomic
def involvement_remove(*, actor: Worker, involvement: Involvement, reason: str) -> Involvement:
    """Take a person out of an incident (named in error, or in the wrong role).

    The row stays, marked removed with who, when and why: the incident's history shows it,
    and every other read (pages, counts, the sight an incident grants) no longer does.
    """
    incident = involvement.incident
    permitted(policies.can_edit_incident, actor, incident)
    problems = Problems()
    problems.check(involvement.removed_at is None, "involvement", "This was already removed")
    reason = clean_reason(problems, reason, missing="Say why you are removing them", limit=2000)
    remaining = [
        (inv.person, inv.role)
        for inv in Involvement.objects.filter(incident=incident).exclude(pk=involvement.pk)
    ]
    roles = {role for _, role in remaining}
    needed = (
        InvolvementRole.MISSING if incident.kind == IncidentKind.MISSING else InvolvementRole.HARMED
    )
    problems.check(
        needed in roles,
        "involvement",
        "The incident must still name someone "
        + ("who went missing" if needed == InvolvementRole.MISSING else "harmed")
        + ": add them before removing this",
    )
    problems.raise_if_any()
    return write_fields(
        actor,
        involvement,
        ChangeAction.END,
        {"removed_at": clock.now(), "removed_by": actor, "removal_reason": reason},
    )


PLACE_KEPT = (
    "Where it happened is a home whose address is not shared with your role: it can be"
    " changed only by someone who sees it"
)

AMENDABLE = ("kind", "occurred_at", "context", "summary", "source", "confidence", "restricted")
# What a revision keeps of the incident as it stood: the amendable fields, the place by its id.
KEPT = tuple(f"{name}_id" if name == "context" else name for name in AMENDABLE)


@transaction.atomic
def incident_amend(*, actor: Worker, incident: Incident, reason: str, **changes: Any) -> Incident:
    """Change what an incident records, keeping the version before as its history.

    ``changes`` are the new values of the :data:`AMENDABLE` fields (those left out stay).
    """
    check_known_fields("incident_amend", changes, AMENDABLE)
    # Read afresh: a page's read blanks a home its reader may not see, and the version kept
    # and the place checked below are the incident's own.
    incident = lock(incident)
    permitted(policies.can_edit_incident, actor, incident)
    fields: dict[str, Any] = {name: getattr(incident, name) for name in AMENDABLE}
    fields.update(changes)
    moved = fields["context"] != incident.context
    if moved and fields["context"] is not None:
        # Moving an incident to a home or group would show it to whoever sees the incident.
        permitted(policies.can_view_context, actor, fields["context"])
    # Moving it away from a home whose address the actor may not see would change what they
    # were never shown (their page says only that it was a home, and keeps it).
    was = incident.context
    away_unseen = moved and was is not None and not policies.can_view_context(actor, was)
    fields["summary"] = (fields["summary"] or "").strip()
    involvements = [(inv.person, inv.role) for inv in Involvement.objects.filter(incident=incident)]
    problems = validate_incident(
        involvements=involvements, agency=incident.reporting_agency, **fields
    )
    problems.check(not away_unseen, "context", PLACE_KEPT)
    reason = clean_reason(problems, reason, missing="Say why you are amending it", limit=2000)
    changed = {name: value for name, value in fields.items() if getattr(incident, name) != value}
    problems.check(bool(changed), "__all__", "Nothing was changed")
    problems.raise_if_any()
    return keep_revision_and_amend(actor, incident, changed, reason)


def keep_revision_and_amend(
    actor: Worker, incident: Incident, changed: dict[str, Any], reason: str
) -> Incident:
    """Keep the incident as it stands as a revision (with who, when and ``reason``), then
    write ``changed`` onto it; both audited, and the incident's page shows the revision.

    Call inside the service's transaction, after its permission and validation (an import's
    changes are checked by the import)."""
    return amend_keeping_history(
        actor,
        incident,
        changed,
        IncidentRevision,
        kept=KEPT,
        by="revised_by",
        at="revised_at",
        incident=incident,
        reason=reason,
    )
