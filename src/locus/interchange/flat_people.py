"""The people file: young people and adults of concern, matched by their LAchildID.

Also how the other files name a person: by LAchildID, or by UPN when the LAchildID is not
known (:func:`person_named`, :func:`people_named`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from locus.common import clock
from locus.common.services import create_audited, today
from locus.interchange.core import CREATED, UNCHANGED, UPDATED, differences
from locus.interchange.flat_read import Batch, Column, Plan, Row, rule_problems
from locus.people.identifiers import date_of_birth_problem
from locus.people.models import Ethnicity, Identifier, Person, PersonKind, Sex
from locus.people.services import person_update, validate_person

# Column -> the Person field it fills.
FIELDS = {
    "LAchildID": "la_child_id",
    "UPN": "upn",
    "NHSNumber": "nhs_number",
    "GivenName": "given_name",
    "FamilyName": "family_name",
    "KnownAs": "known_as",
    "PersonBirthDate": "date_of_birth",
    "Sex": "sex",
    "Ethnicity": "ethnicity",
    "PersonKind": "kind",
}
# What a new person has when the file leaves a cell empty.
DEFAULTS: dict[str, Any] = {
    "kind": PersonKind.YOUNG_PERSON,
    "known_as": "",
    "sex": Sex.NOT_KNOWN,
    "ethnicity": Ethnicity.NOBT,
    "upn": None,
    "nhs_number": None,
    "date_of_birth": None,
}


@dataclass(frozen=True)
class PersonRow:
    la_child_id: str
    # Only what the file gives (a non-empty cell): an empty cell never erases.
    given: dict[str, Any]


class People:
    kind = "people"
    label = "People (CSV or XLSX)"
    record_kind = "person"
    columns: tuple[Column, ...] = (
        Column("LAchildID", True, "The local authority's ID for the person; the match key"),
        Column("UPN", False, "Unique pupil number: a check letter and 12 digits"),
        Column("NHSNumber", False, "NHS number: 10 digits passing the modulus 11 check"),
        Column("GivenName", True, "First name"),
        Column("FamilyName", True, "Last name"),
        Column("KnownAs", False, "The name they use, if different"),
        Column(
            "PersonBirthDate", True, "Date of birth; empty only for an adult of concern not known"
        ),
        Column(
            "Sex",
            False,
            "CIN census code: 1 male, 2 female, 0 not known, 9 not stated",
            ("GenderCurrent",),
        ),
        Column("Ethnicity", False, "DfE ethnicity code (WBRI ... NOBT)"),
        Column("PersonKind", False, "young_person (the default) or adult_of_concern"),
    )
    field_columns = {field: column for column, field in FIELDS.items()}

    def record_key(self, cells: dict[str, str]) -> str:
        return cells.get("LAchildID", "")

    def parse(self, row: Row) -> PersonRow:
        given: dict[str, Any] = {}
        la_child_id = row.identifier("LAchildID")
        if not la_child_id:
            row.problem("LAchildID", "required", "LAchildID is empty: it is required")
        given["la_child_id"] = la_child_id
        for column in ("UPN", "NHSNumber"):
            if value := row.identifier(column):
                given[FIELDS[column]] = value
        for column in ("GivenName", "FamilyName"):
            given[FIELDS[column]] = row.text(column, required=True, limit=100)
        if known_as := row.text("KnownAs", limit=100):
            given["known_as"] = known_as
        if (dob := row.date("PersonBirthDate")) is not None:
            given["date_of_birth"] = dob
        for column, choices in (("Sex", Sex), ("Ethnicity", Ethnicity), ("PersonKind", PersonKind)):
            if code := row.code(column, choices):
                given[FIELDS[column]] = code
        return PersonRow(la_child_id, given)

    def unique(self, parsed: PersonRow) -> Iterable[tuple[str, str]]:
        for column in ("LAchildID", "UPN", "NHSNumber"):
            if value := parsed.given.get(FIELDS[column]):
                yield column, value

    def plan(self, parsed: PersonRow, row: Row, batch: Batch) -> Plan | None:
        existing = _one(la_child_id=parsed.la_child_id)
        if existing is None:
            fields = {**DEFAULTS, **parsed.given}
            problems = validate_person(fields, in_use=batch.lookup(("in use",), _identifiers_held))
            self._check_age(problems.errors, fields)
            rule_problems(row, dict(problems.errors), self)
            if not row.ok:
                return None
            return Plan(CREATED, lambda by: _create(by, fields))
        if reason := _born_unlike(existing, parsed):
            row.problem("PersonBirthDate", "conflict", reason, existing)
            return None
        if parsed.given.get("kind", existing.kind) != existing.kind:
            row.problem("PersonKind", "conflict", _kind_held(existing, parsed), existing)
            return None
        changes = differences(existing, parsed.given)
        if not changes:
            return Plan(UNCHANGED)
        current = {name: getattr(existing, name) for name in (*FIELDS.values(), "home")}
        fields = {**current, **changes}
        problems = validate_person(fields, person=existing)
        if "date_of_birth" in changes:
            self._check_age(problems.errors, fields)
        rule_problems(row, dict(problems.errors), self)
        if not row.ok:
            return None
        return Plan(UPDATED, lambda by: person_update(actor=by, person=existing, **changes))

    def _check_age(self, errors: dict[str, list[str]], fields: dict[str, Any]) -> None:
        """The ages the record page accepts: a young person under 25, an adult 18 or over."""
        dob = fields.get("date_of_birth")
        if "date_of_birth" in errors or not isinstance(dob, dt.date):
            return
        adult = fields.get("kind") == PersonKind.ADULT_OF_CONCERN
        if reason := date_of_birth_problem(dob, adult=adult, today=today()):
            errors.setdefault("date_of_birth", []).append(reason)


def _born_unlike(held: Person, parsed: PersonRow) -> str:
    """Why the record the row's LAchildID found is not the person the row describes (empty
    when nothing says so): it was born on another day. A mistyped LAchildID must not give
    another person's record this row's name and date of birth, nor rewrite the date a worker
    recorded and every duplicate check reads (the CIN census and SSDA903 imports' rule,
    ``matching.born_unlike``): whichever is wrong is corrected where it is wrong."""
    born = parsed.given.get("date_of_birth")
    if not born or not held.date_of_birth or held.date_of_birth == born:
        return ""
    return (
        f"LAchildID {parsed.la_child_id} is held in Locus by a person born on "
        f"{held.date_of_birth:%d/%m/%Y}, not {born:%d/%m/%Y}: check the LAchildID and the "
        "date of birth (correct a wrong one in Locus on the person's page, then import again)."
    )


def _kind_held(held: Person, parsed: PersonRow) -> str:
    """Why a row may not make the record its LAchildID found another kind of person: no page
    changes a record's kind, and a child's record made an adult's would lose the rules a
    child's keeps (the retention rule that keeps a child with a plan until their 25th
    birthday; the age an adult of concern must be)."""
    label = PersonKind(held.kind).label.lower()
    return (
        f"LAchildID {parsed.la_child_id} is held in Locus by the record of a {label}: an "
        "import does not change what kind of person a record is. Check the LAchildID and "
        "PersonKind; ask the data team if the record is of the wrong kind."
    )


def _one(**match: str) -> Person | None:
    # By pk, not by name as people are listed: one row per file line, read many times.
    return Person.objects.filter(**match).order_by("pk").first()


def _identifiers_held() -> dict[str, frozenset[str]]:
    """Every identifier Locus holds, read once per file: a new person's are checked against
    these in memory, not by a query each (the file's own rows are checked for repeats as
    they are read, so a row written earlier in the same apply is not missed)."""
    return {
        name: frozenset(
            Person.objects.exclude(**{f"{name}__isnull": True}).values_list(name, flat=True)
        )
        for name in Identifier.values
    }


def _create(by: Any, fields: dict[str, Any]) -> Person:
    # No "first recorded by" (nor a team it was recorded in): that grants sight to the
    # recorder's team's agency, and an import gives nobody sight (an administrator sees
    # everyone already).
    return create_audited(by, Person, created_at=clock.now(), recorded_by=None, **fields)


PEOPLE = People()


# --- Naming a person in the other files ---------------------------------------------------


def person_columns(prefix: str = "", *, who: str = "the young person") -> tuple[Column, ...]:
    return (
        Column(f"{prefix}LAchildID", not prefix, f"The LAchildID of {who}"),
        Column(f"{prefix}UPN", False, f"The UPN of {who}, when the LAchildID is not known"),
    )


def person_key(cells: dict[str, str], prefix: str = "") -> str:
    """How a row names a person, as its record key shows it: ``{prefix}LAchildID``, else
    ``{prefix}UPN`` ("" when it gives neither)."""
    return cells.get(f"{prefix}LAchildID") or cells.get(f"{prefix}UPN", "")


def _find(batch: Batch, field: str, value: str) -> Person | None:
    return batch.lookup(("person", field, value), lambda: _one(**{field: value}))


def person_named(
    row: Row, batch: Batch, prefix: str = "", *, required: bool = True
) -> Person | None:
    """The person the row names by ``{prefix}LAchildID`` (or ``{prefix}UPN``); a problem when
    neither is given (and ``required``) or nobody has it."""
    id_column, upn_column = f"{prefix}LAchildID", f"{prefix}UPN"
    la_child_id, upn = row.identifier(id_column), row.identifier(upn_column)
    if not la_child_id and not upn:
        if required:
            row.problem(id_column, "required", f"Give {id_column} (or {upn_column})")
        return None
    column, field, value = (
        (id_column, "la_child_id", la_child_id) if la_child_id else (upn_column, "upn", upn)
    )
    person = _find(batch, field, value)
    if person is None:
        row.problem(
            column,
            "reference",
            f"Nobody with {column.removeprefix(prefix)} {value} is in Locus: "
            "import them in the people file first",
        )
    elif la_child_id and upn and person.upn and person.upn != upn:
        row.problem(
            upn_column,
            "reference",
            f"The person with LAchildID {la_child_id} has another UPN in Locus",
            person,
        )
    return person


def people_named(row: Row, batch: Batch, column: str) -> list[Person]:
    """The people a cell lists by LAchildID or UPN, separated by semicolons."""
    found: list[Person] = []
    for value in row.text(column, limit=2000).split(";"):
        value = value.replace(" ", "").upper()
        if not value:
            continue
        person = _find(batch, "la_child_id", value) or _find(batch, "upn", value)
        if person is None:
            row.problem(
                column,
                "reference",
                f"Nobody with LAchildID or UPN {value} is in Locus: "
                "import them in the people file first",
            )
        else:
            found.append(person)
    return found
