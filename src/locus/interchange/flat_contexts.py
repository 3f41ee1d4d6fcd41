"""The contexts file: places, schools, online spaces, routes and peer groups, matched by their
name and postcode.

Homes are not imported: a home is a family's address, recorded with the person who lives
there (and seen only through them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from locus.common import clock
from locus.common.services import create_audited
from locus.interchange.core import CREATED, UNCHANGED, UPDATED, differences
from locus.interchange.flat_read import Batch, Column, Plan, Row, rule_problems
from locus.places import postcodes
from locus.places.models import Context, ContextKind
from locus.places.services import (
    POSTCODE_RE,
    context_update,
    normalise_postcode,
    validate_context,
)

FIELDS = {
    "ContextName": "name",
    "ContextKind": "kind",
    "Postcode": "postcode",
    "Address": "address",
    "Description": "description",
    "Platform": "platform",
    "URL": "url",
}
# What a later import may change on a context it matches (its kind and name are its
# identity; changing a kind is the administrator's, on the place's page).
CHANGEABLE = ("address", "description", "platform", "url")


@dataclass(frozen=True)
class ContextRow:
    name: str
    postcode: str
    given: dict[str, Any]


def context_key(name: str, postcode: str) -> str:
    """The match key: the name without case or doubled spaces, and the postcode."""
    return f"{' '.join(name.split()).lower()}|{postcode}"


def postcode_cell(row: Row, column: str) -> str:
    """A postcode cell, normalised (``e81ej`` -> ``E8 1EJ``); a problem unless it is
    shaped like a UK postcode."""
    value = row.text(column, limit=10)
    if not value:
        return ""
    postcode = normalise_postcode(value)
    if not POSTCODE_RE.match(postcode):
        row.problem(column, "postcode", f"{value!r} is not a UK postcode (like E8 1EJ)")
        return ""
    return postcode


def context_named(row: Row, batch: Batch, name_column: str, postcode_column: str) -> Context | None:
    """The context a row names by name and postcode (a problem when none or several match)."""
    name = row.text(name_column, required=True)
    postcode = postcode_cell(row, postcode_column)
    if not name:
        return None
    found = batch.lookup(
        ("context", context_key(name, postcode)), lambda: _matching(name, postcode)
    )
    if len(found) == 1:
        return found[0]
    where = f"{name!r}" + (f" at {postcode}" if postcode else " with no postcode")
    if found:
        row.problem(
            name_column,
            "ambiguous",
            f"{len(found)} contexts are called {where}: merge the duplicates first",
        )
    else:
        row.problem(
            name_column,
            "reference",
            f"No context called {where} is in Locus: import it in the contexts file first",
        )
    return None


def _matching(name: str, postcode: str) -> list[Context]:
    # A duplicate merged into another place is never matched: nothing new goes to it.
    return list(
        Context.objects.filter(
            name__iexact=" ".join(name.split()), postcode=postcode, merge__isnull=True
        ).order_by("pk")[:2]
    )


class Contexts:
    kind = "contexts"
    label = "Contexts: places and peer groups (CSV or XLSX)"
    record_kind = "context"
    columns: tuple[Column, ...] = (
        Column(
            "ContextName", True, "The name of the place or peer group; with Postcode, the match key"
        ),
        Column("ContextKind", True, "What it is: a code from the list below (not home)"),
        Column("Postcode", False, "A real UK postcode; empty for an online space or a peer group"),
        Column("Address", False, "The address, up to 300 characters"),
        Column("Description", False, "What it is and where, for a route where it runs"),
        Column("Platform", False, "An online space's platform (required for one)"),
        Column("URL", False, "An online space's web address (https://...)"),
    )
    field_columns = {field: column for column, field in FIELDS.items()} | {
        "latitude": "Postcode",
        "end_postcode": "Postcode",
    }

    def record_key(self, cells: dict[str, str]) -> str:
        return " ".join(v for v in (cells.get("ContextName", ""), cells.get("Postcode", "")) if v)

    def parse(self, row: Row) -> ContextRow:
        given: dict[str, Any] = {"name": row.text("ContextName", required=True)}
        if row.text("ContextKind").lower() == ContextKind.HOME:
            row.problem(
                "ContextKind",
                "code",
                "A home is not imported: it is recorded with the person who lives there",
            )
        else:
            given["kind"] = row.code(
                "ContextKind", ContextKind, required=True, exclude=[ContextKind.HOME]
            )
        given["postcode"] = postcode_cell(row, "Postcode")
        for column, limit in (
            ("Address", 300),
            ("Description", 2000),
            ("Platform", 100),
            ("URL", 300),
        ):
            if value := row.text(column, limit=limit):
                given[FIELDS[column]] = value
        return ContextRow(given["name"], given["postcode"], given)

    def unique(self, parsed: ContextRow) -> Iterable[tuple[str, str]]:
        yield "ContextName", context_key(parsed.name, parsed.postcode)

    def plan(self, parsed: ContextRow, row: Row, batch: Batch) -> Plan | None:
        found = _matching(parsed.name, parsed.postcode)
        if len(found) > 1:
            row.problem(
                "ContextName",
                "ambiguous",
                f"{len(found)} contexts in Locus have this name and postcode: merge them first",
            )
            return None
        if not found:
            return self._plan_new(parsed, row)
        existing = found[0]
        if existing.kind != parsed.given["kind"]:
            row.problem(
                "ContextKind",
                "conflict",
                f"Locus holds {existing.name!r} as {existing.get_kind_display().lower()}: "
                "an administrator changes a context's kind on its page",
            )
            return None
        changes = differences(
            existing, {name: parsed.given[name] for name in CHANGEABLE if name in parsed.given}
        )
        if not changes:
            return Plan(UNCHANGED)
        current = {name: getattr(existing, name) for name in FIELDS.values()}
        rule_problems(row, dict(validate_context({**current, **changes}).errors), self)
        if not row.ok:
            return None
        return Plan(UPDATED, lambda by: context_update(actor=by, context=existing, **changes))

    def _plan_new(self, parsed: ContextRow, row: Row) -> Plan | None:
        fields: dict[str, Any] = {
            "description": "",
            "address": "",
            "platform": "",
            "url": "",
            **parsed.given,
        }
        problems = validate_context(fields)
        problems.check(
            fields["kind"] != ContextKind.ONLINE or bool(fields["platform"]),
            "platform",
            "Enter the platform of an online space, like a messaging app, a game or a website",
        )
        if fields["postcode"] and "postcode" not in problems.errors:
            place = postcodes.lookup(fields["postcode"])
            if place is None:
                problems.add("postcode", f"{fields['postcode']} is not in the postcode directory")
            else:
                fields["latitude"], fields["longitude"] = place.latitude, place.longitude
        rule_problems(row, dict(problems.errors), self)
        if not row.ok:
            return None
        return Plan(CREATED, lambda by: _create(by, fields))


def _create(by: Any, fields: dict[str, Any]) -> Context:
    # No "first recorded by" (nor a team it was recorded in): a peer group is seen by
    # whoever recorded it and the agency of the team they recorded it in, and an import
    # gives nobody sight; the group is seen through its members.
    return create_audited(by, Context, created_at=clock.now(), recorded_by=None, **fields)


CONTEXTS = Contexts()
