"""The incidents file: one row per incident, with the people involved by role.

An incident is matched by its kind, when it happened and where: a later import of the same
row changes what differs (amended, the version before kept, the file named as the reason)
and adds the people it names that Locus does not have in that role. It never takes anyone
out of an incident: that needs a reason, given on the incident's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from locus.access.models import Agency
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.incidents.services import (
    incident_amend,
    incident_record,
    involvement_add,
    validate_incident,
)
from locus.interchange.core import CREATED, UNCHANGED, UPDATED, differences
from locus.interchange.flat_contexts import context_named
from locus.interchange.flat_people import people_named
from locus.interchange.flat_read import PROVENANCE_COLUMNS, Batch, Column, Plan, Row, rule_problems
from locus.people.models import Person

# The column listing the people in each role.
ROLE_COLUMNS = {
    "Harmed": InvolvementRole.HARMED,
    "Harming": InvolvementRole.HARMING,
    "Present": InvolvementRole.PRESENT,
    "ReportedBy": InvolvementRole.REPORTER,
    "WentMissing": InvolvementRole.MISSING,
}
# What a later import may change on an incident it matches.
AMENDED = ("summary", "source", "confidence", "restricted")
NOON = dt.time(12, 0)
LIFT_REFUSED = "Restricted: an import cannot lift a restriction; do it on the incident's page"


@dataclass(frozen=True)
class IncidentRow:
    kind: str
    occurred_at: dt.datetime | None
    summary: str
    agency: str
    says: dict[str, Any]


class Incidents:
    kind = "incidents"
    label = "Incidents and who was involved (CSV or XLSX)"
    record_kind = "incident"
    columns: tuple[Column, ...] = (
        Column("IncidentKind", True, "What happened: a code from the list"),
        Column(
            "OccurredDate",
            True,
            "The day it happened; with the time, kind and place, the match key",
        ),
        Column("OccurredTime", False, "The time it happened, hh:mm, UK time (empty: 12:00)"),
        Column("ContextName", True, "Where it happened: a context's name, as in Locus"),
        Column("ContextPostcode", False, "That context's postcode (empty when it has none)"),
        Column("Summary", True, "What happened, in words"),
        Column("ReportingAgency", True, "The agency that reported it, by its name in Locus"),
        *PROVENANCE_COLUMNS,
        Column("Restricted", False, "Y for police intelligence seen only by the police"),
        *(
            Column(
                name,
                False,
                f"People in the role {InvolvementRole(role).label}: LAchildIDs or UPNs, with ;",
            )
            for name, role in ROLE_COLUMNS.items()
        ),
    )
    field_columns = {
        "kind": "IncidentKind",
        "occurred_at": "OccurredDate",
        "context": "ContextName",
        "summary": "Summary",
        "reporting_agency": "ReportingAgency",
        "source": "Source",
        "confidence": "Confidence",
        "restricted": "Restricted",
        "involvements": "Harmed",
    }

    def record_key(self, cells: dict[str, str]) -> str:
        return " ".join(
            cells.get(c, "")
            for c in ("IncidentKind", "OccurredDate", "OccurredTime", "ContextName")
        ).strip()

    def parse(self, row: Row) -> IncidentRow:
        kind = row.code("IncidentKind", IncidentKind, required=True)
        day, time = row.date("OccurredDate", required=True), row.time("OccurredTime")
        occurred_at = None
        if day is not None and row.ok:
            occurred_at = timezone.make_aware(dt.datetime.combine(day, time or NOON))
        summary = row.text("Summary", required=True, limit=10_000)
        says: dict[str, Any] = {
            "summary": summary,
            **row.provenance(),
        }
        restricted = row.flag("Restricted")
        if restricted is not None:
            # Empty (or no column) is "not given": a matched incident keeps what it holds.
            says["restricted"] = restricted
        agency = row.text("ReportingAgency", required=True)
        row.text("ContextName", required=True)
        return IncidentRow(kind, occurred_at, summary, agency, says)

    def unique(self, parsed: IncidentRow) -> Iterable[tuple[str, str]]:
        return ()  # the place is known only once looked up: see plan

    def plan(self, parsed: IncidentRow, row: Row, batch: Batch) -> Plan | None:
        context = context_named(row, batch, "ContextName", "ContextPostcode")
        agency = batch.lookup(
            ("agency", parsed.agency.lower()),
            lambda: Agency.objects.filter(name__iexact=parsed.agency).first(),
        )
        if agency is None:
            row.problem(
                "ReportingAgency", "reference", f"No agency called {parsed.agency!r} is in Locus"
            )
        involvements: list[tuple[Person, str]] = [
            (person, role)
            for column, role in ROLE_COLUMNS.items()
            for person in people_named(row, batch, column)
        ]
        if not row.ok or context is None or agency is None or parsed.occurred_at is None:
            return None
        # The match key, as documented: kind, when, and where (the context named).
        key = ("incident", parsed.kind, parsed.occurred_at.isoformat(), str(context.pk))
        if not batch.once(
            row,
            key,
            "OccurredDate",
            lambda first: f"{_as_written(row)} is on line {first} too: each record once in a file",
        ):
            return None
        fields: dict[str, Any] = {
            "kind": parsed.kind,
            "occurred_at": parsed.occurred_at,
            "context": context,
            **parsed.says,
        }
        rule_problems(
            row,
            dict(validate_incident(agency=agency, involvements=involvements, **fields).errors),
            self,
        )
        if not row.ok:
            return None
        existing = Incident.objects.filter(
            kind=parsed.kind, occurred_at=parsed.occurred_at, context=context
        ).first()
        if existing is None:
            return Plan(
                CREATED,
                lambda by: incident_record(
                    actor=by, reporting_agency=agency, involvements=involvements, **fields
                ),
            )
        if existing.reporting_agency_id != agency.pk:
            row.problem(
                "ReportingAgency",
                "conflict",
                f"Locus holds this incident as reported by {existing.reporting_agency.name}",
            )
            return None
        if existing.restricted and parsed.says.get("restricted") is False:
            # Only the police restrict, and lifting it widens sight: never from a file.
            row.problem("Restricted", "conflict", LIFT_REFUSED)
            return None
        changes = differences(existing, parsed.says)
        held = set(Involvement.objects.filter(incident=existing).values_list("person_id", "role"))
        added = [(p, role) for p, role in involvements if (p.pk, role) not in held]
        if not changes and not added:
            return Plan(UNCHANGED)
        reason = batch.reason

        def write(by: Any) -> Incident:
            if changes:
                incident_amend(actor=by, incident=existing, reason=reason, **changes)
            for person, role in added:
                involvement_add(
                    actor=by, incident=existing, person=person, role=role, reason=reason
                )
            return existing

        return Plan(UPDATED, write)


def _as_written(row: Row) -> str:
    """The row's match key in the file's own words, for a message."""
    cells = row.cells
    time = cells.get("OccurredTime", "").strip() or NOON.strftime("%H:%M")
    postcode = cells.get("ContextPostcode", "").strip()
    place = cells["ContextName"].strip() + (f" ({postcode})" if postcode else "")
    when = f"{cells['OccurredDate'].strip()} {time}"
    return f"A {cells['IncidentKind'].strip()} incident on {when} at {place}"


INCIDENTS = Incidents()
