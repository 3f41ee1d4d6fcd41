"""The fields of a person's record, named once, and which of them each viewer may see.

Which of these a viewer may see is decided here (by role and agency kind, and by
what a forum share carried), never in a template: a page, a map, an export and
the admin all ask the same question, :func:`fields_visible_to` (or, for a list or
a map, :func:`fields_visible_to_many`, in a fixed number of queries).

Sight of a person (``scopes.py``) and sight of their fields are two questions: a
police analyst who may open a child's page (police hold an incident about them)
still has no need of the child's NHS number or care order. :data:`FIELD_TABLE` is
the rule; ``RULES.md`` prints it (a test keeps the two the same).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet

from locus.access import scopes
from locus.access.models import AgencyKind, Role, Worker

if TYPE_CHECKING:
    from locus.people.models import Person


class PersonField(models.TextChoices):
    NAME = "name", "Name"
    AGE = "age", "Age"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnicity"
    UPN = "upn", "Unique pupil number (UPN)"
    NHS_NUMBER = "nhs_number", "NHS number"
    LA_CHILD_ID = "la_child_id", "LA child ID"
    HOME_ADDRESS = "home_address", "Home address"
    LEGAL_STATUS = "legal_status", "Social care and youth justice status"
    # Why the state stepped in (the category of abuse on a child protection plan) and under
    # which order a child is looked after: kept apart from the status itself, which a
    # school or a health visitor in a child's core group needs and these they do not.
    LEGAL_STATUS_DETAIL = (
        "legal_status_detail",
        "Child protection category and looked-after legal status",
    )


ALL_PERSON_FIELDS: frozenset[str] = frozenset(PersonField.values)

# The columns of people.Person and people.LegalStatusEpisode that each person field covers,
# for forms and the admin (which deal in columns). A column not named here (kind, retention,
# provenance) is about administering the record, not about the child.
MODEL_FIELDS: dict[str, PersonField] = {
    "given_name": PersonField.NAME,
    "family_name": PersonField.NAME,
    "known_as": PersonField.NAME,
    "date_of_birth": PersonField.DATE_OF_BIRTH,
    "sex": PersonField.SEX,
    "ethnicity": PersonField.ETHNICITY,
    "la_child_id": PersonField.LA_CHILD_ID,
    "upn": PersonField.UPN,
    "nhs_number": PersonField.NHS_NUMBER,
    "home": PersonField.HOME_ADDRESS,
    "status": PersonField.LEGAL_STATUS,
    "cp_category": PersonField.LEGAL_STATUS_DETAIL,
    "lac_legal_status": PersonField.LEGAL_STATUS_DETAIL,
}


def column_shown(column: str, shown: frozenset[str]) -> bool:
    """Whether a model column may be shown to a viewer who sees the fields ``shown``."""
    field = MODEL_FIELDS.get(column)
    return field is None or field in shown


WITHHELD = "Not shared with your role"
"""What a page shows in place of a field the viewer may not see: never a blank, which
would read as "not known"."""

# --- The table ----------------------------------------------------------------------------

# Its columns, in the order RULES.md prints them.
COLUMNS: tuple[PersonField, ...] = tuple(PersonField)

CASEWORK = "practitioner or manager"
ANALYST, ADMINISTRATOR, AUDITOR = Role.ANALYST, Role.ADMINISTRATOR, Role.AUDITOR
ANY_AGENCY = "any agency"
CSC, YJS, POLICE = AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.YOUTH_JUSTICE, AgencyKind.POLICE
EDUCATION, HEALTH, PARTNER = AgencyKind.EDUCATION, AgencyKind.HEALTH, AgencyKind.PARTNER
YOUTH_SERVICE, COMMUNITY, VOLUNTARY = (
    AgencyKind.YOUTH_SERVICE,
    AgencyKind.COMMUNITY_SAFETY,
    AgencyKind.VOLUNTARY,
)

# One row per kind of viewer: Y = sees the field, . = does not (columns: COLUMNS, abbreviated).
# Practitioners and managers of one agency kind share a row (a manager supervises the same
# work); an analyst sees less than the practitioners of their agency (analysis is about
# patterns, not about identifying a child); an administrator sees what administering the
# records needs (telling records apart, correcting identifiers), whatever their agency.
# fmt: off
_ROWS: dict[tuple[str, str], str] = {
    #                              nam age dob sex eth upn nhs lac hom sta det
    (CASEWORK, CSC):               "Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y",
    (CASEWORK, YJS):               "Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y",
    (CASEWORK, POLICE):            "Y   Y   Y   Y   Y   .   .   .   Y   Y   .",
    (CASEWORK, EDUCATION):         "Y   Y   Y   Y   .   Y   .   .   .   Y   .",
    (CASEWORK, HEALTH):            "Y   Y   Y   Y   Y   .   Y   .   Y   Y   .",
    (CASEWORK, YOUTH_SERVICE):     "Y   Y   .   Y   .   .   .   .   .   .   .",
    (CASEWORK, COMMUNITY):         "Y   Y   Y   Y   .   .   .   .   .   .   .",
    (CASEWORK, VOLUNTARY):         "Y   Y   .   Y   .   .   .   .   .   .   .",
    (CASEWORK, PARTNER):           "Y   Y   .   .   .   .   .   .   .   .   .",
    (ANALYST, CSC):                "Y   Y   Y   Y   .   .   .   Y   .   Y   .",
    (ANALYST, YJS):                "Y   Y   Y   Y   .   .   .   Y   .   Y   .",
    (ANALYST, POLICE):             "Y   Y   Y   Y   .   .   .   .   .   .   .",
    (ANALYST, EDUCATION):          "Y   Y   Y   Y   .   .   .   .   .   Y   .",
    (ANALYST, HEALTH):             "Y   Y   Y   Y   .   .   .   .   .   Y   .",
    (ANALYST, YOUTH_SERVICE):      "Y   Y   .   Y   .   .   .   .   .   .   .",
    (ANALYST, COMMUNITY):          "Y   Y   Y   Y   .   .   .   .   .   .   .",
    (ANALYST, VOLUNTARY):          "Y   Y   .   Y   .   .   .   .   .   .   .",
    (ANALYST, PARTNER):            "Y   Y   .   .   .   .   .   .   .   .   .",
    (ADMINISTRATOR, ANY_AGENCY):   "Y   Y   Y   Y   .   Y   Y   Y   .   Y   .",
    (AUDITOR, ANY_AGENCY):         ".   .   .   .   .   .   .   .   .   .   .",
}
# fmt: on


def _parse(row: str) -> frozenset[str]:
    marks = row.split()
    if len(marks) != len(COLUMNS) or set(marks) - {"Y", "."}:
        raise ValueError(f"a field table row needs {len(COLUMNS)} Y or . marks: {row!r}")
    return frozenset(f.value for f, mark in zip(COLUMNS, marks, strict=True) if mark == "Y")


FIELD_TABLE: dict[tuple[str, str], frozenset[str]] = {
    (str(role), str(kind)): _parse(row) for (role, kind), row in _ROWS.items()
}
"""(role, agency kind) -> the fields that viewer may see of a person they see in their own
right. Role is ``CASEWORK`` for practitioners and managers; agency kind is ``ANY_AGENCY``
for administrators and auditors."""

_SHORT = {
    PersonField.UPN: "UPN",
    PersonField.LEGAL_STATUS: "SC/YJ status",
    PersonField.LEGAL_STATUS_DETAIL: "CP category, LAC order",
}


def rules_table() -> str:
    """The table as RULES.md prints it (Markdown), rows in the code's order."""
    kinds = dict(AgencyKind.choices)
    roles = {CASEWORK: "Practitioner or manager", **dict(Role.choices)}
    head = ["Viewer", *(_SHORT.get(f, f.label) for f in COLUMNS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (role, kind), fields in FIELD_TABLE.items():
        viewer = f"{roles[role]}, {kinds.get(kind, kind)}"
        marks = ["yes" if f.value in fields else "no" for f in COLUMNS]
        lines.append("| " + " | ".join([viewer, *marks]) + " |")
    return "\n".join(lines) + "\n"


def role_fields(worker: Worker) -> frozenset[str]:
    """The fields ``worker``'s role and agency kind allow, of a person seen in their own right."""
    if not worker.is_active:
        return frozenset()
    role = CASEWORK if worker.role in (Role.PRACTITIONER, Role.MANAGER) else worker.role
    # worker.team.agency is the same object base.html reads for the header, so a page pays
    # for it once (Django caches the foreign keys on request.user).
    kind = worker.team.agency.kind if worker.team is not None else ANY_AGENCY
    return FIELD_TABLE.get((role, kind), FIELD_TABLE.get((role, ANY_AGENCY), frozenset()))


def sees_field(worker: Worker, field: str) -> bool:
    """Whether ``worker``'s role sees ``field`` of anyone at all. A list (a page's table, its
    download) leaves out a column its viewer could never see, rather than print the withheld
    words down every row; a column the role sees keeps them for a person whose share did not
    carry the field."""
    return field in role_fields(worker)


def columns_seen(worker: Worker) -> dict[str, bool]:
    """:func:`sees_field` for every field, for a list page's context: its template keeps a
    column where this says so (``columns.la_child_id``), never by testing a role."""
    allowed = role_fields(worker)
    return {f.value: f.value in allowed for f in PersonField}


def sees_home_addresses(worker: Worker) -> bool:
    """Whether ``worker``'s row of the field table has the home address: a home names a
    family's address, so a role without it is not told which home a child lives at, nor
    which home an incident was at (``naming.PLACE_WITHHELD``)."""
    return PersonField.HOME_ADDRESS in role_fields(worker)


def fields_visible_to_many(
    worker: Worker, person_ids: Iterable[int], *, visible: Iterable[int] | None = None
) -> dict[int, frozenset[str]]:
    """For each of ``person_ids``, the fields ``worker`` may see (empty for one they do not see).

    A person the worker sees in their own right: their role's fields. One they see only
    through a forum share: the role's fields that the share carried, no more. One they see
    through another grant of ``scopes.SHARED_GRANTS`` (one that opens the record rather than
    sharing some of it): their role's fields. ``visible``, when the caller already knows
    which of the people the worker sees, saves a query. At most four queries, whatever the
    number of people; one when the worker sees them all in their own right.
    """
    from locus.access import forum  # forum imports PersonField from here

    ids = {pid for pid in person_ids if pid is not None}
    out: dict[int, frozenset[str]] = dict.fromkeys(ids, frozenset())
    allowed = role_fields(worker)
    if not ids or not allowed:
        return out
    if scopes.person_filter(worker, shared=False) is None:
        direct = ids
    else:
        direct = _ids_in(scopes.people_visible_to(worker, shared=False), ids)
    rest = ids - direct
    if rest:
        rest &= (
            set(visible) if visible is not None else _ids_in(scopes.people_visible_to(worker), rest)
        )
    shared = forum.fields_shared_with(worker, rest) if rest else {}
    for pid in direct | rest:
        out[pid] = SharedFields(allowed & shared[pid]) if pid in shared else allowed
    return out


class SharedFields(frozenset[str]):
    """The fields of a person the viewer sees only through a forum share: what the share
    carried. A page tells these apart (``is_shared_only``) to show the share and nothing
    else of the record: not the person's incidents, associations, groups or plans."""


def is_shared_only(fields: frozenset[str]) -> bool:
    return isinstance(fields, SharedFields)


def _ids_in(people: QuerySet[Any], ids: set[int]) -> set[int]:
    return set(people.filter(id__in=ids).values_list("id", flat=True))


def named_ids(worker: Worker, visible: Iterable[int]) -> set[int]:
    """Which of ``visible`` (people ``worker`` sees) the worker may name: a page that shows
    only names (linked cases, clusters) names these and counts the rest."""
    ids = set(visible)
    shown = fields_visible_to_many(worker, ids, visible=ids)
    return {pid for pid, fields in shown.items() if PersonField.NAME in fields}


def fields_visible_to(worker: Worker, person_or_id: Person | int) -> frozenset[str]:
    """The fields of one person ``worker`` may see (empty when they may not see the person)."""
    pid = person_or_id if isinstance(person_or_id, int) else person_or_id.pk
    return fields_visible_to_many(worker, [pid])[pid]


def admin_fields(worker: Worker) -> frozenset[str]:
    """What the Django admin shows of people to ``worker``, and lets them search and filter
    by: their role's row, as everywhere else. Django's superuser flag (which every
    administrator at scope "all" carries) widens nothing: administering the records needs
    the administrator's row (telling records apart, correcting identifiers), not a child's
    ethnicity, home or child protection category."""
    return role_fields(worker)
