"""Writing contexts and school rolls."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from locus.access import policies
from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.common.services import (
    Problems,
    check_known_fields,
    check_none_open,
    check_period,
    clean_text,
    create_audited,
    create_checked,
    permitted,
    save_checked,
    write_fields,
)
from locus.people.models import Person, PersonKind
from locus.places.models import Context, ContextKind, Enrolment, LeaveReason

# The shape of a full UK postcode (outward code, space optional, inward code).
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
CONTEXT_FIELDS = (
    "kind",
    "name",
    "description",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "responsible_agency",
)


def normalise_postcode(postcode: str) -> str:
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_context(fields: dict[str, Any]) -> Problems:
    problems = Problems()
    problems.check(
        fields.get("kind") in ContextKind.values,
        "kind",
        f"Unknown kind of context: {fields.get('kind')!r}",
    )
    problems.check(bool(str(fields.get("name", "")).strip()), "name", "Enter the context's name")
    postcode = fields.get("postcode") or ""
    problems.check(
        not postcode or bool(POSTCODE_RE.match(postcode)),
        "postcode",
        f"{postcode!r} is not a UK postcode",
    )
    lat, lon = fields.get("latitude"), fields.get("longitude")
    problems.check(
        (lat is None) == (lon is None), "latitude", "Give both latitude and longitude, or neither"
    )
    if lat is not None:
        problems.check(-90 <= lat <= 90, "latitude", "Latitude must be between -90 and 90")
    if lon is not None:
        problems.check(-180 <= lon <= 180, "longitude", "Longitude must be between -180 and 180")
    return problems


def _context_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    out["name"] = str(out.get("name", "")).strip()
    if out.get("postcode"):
        out["postcode"] = normalise_postcode(out["postcode"])
    return out


@transaction.atomic
def context_create(
    *,
    actor: Worker,
    kind: str,
    name: str,
    description: str = "",
    address: str = "",
    postcode: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    responsible_agency: Agency | None = None,
) -> Context:
    """Record a context: a place, a school, a home, an online space or a peer group."""
    permitted(policies.can_record_new, actor)
    fields = _context_fields(
        {
            "kind": kind,
            "name": name,
            "description": description,
            "address": address,
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "responsible_agency": responsible_agency,
        }
    )
    return create_checked(actor, Context, validate_context(fields), fields)


@transaction.atomic
def context_update(*, actor: Worker, context: Context, **changes: Any) -> Context:
    """Change a context's details; only the fields named in ``changes``."""
    permitted(policies.can_edit_context, actor, context)
    check_known_fields("context_update", changes, CONTEXT_FIELDS)
    sensitive = {"kind", "responsible_agency"} & {
        name for name, value in changes.items() if value != getattr(context, name)
    }
    if sensitive:
        # Turning a home into a "park" would publish an address; changing who is
        # responsible changes who sees it. Administrators only.
        permitted(policies.is_administrator, actor)
    fields = _context_fields({**{f: getattr(context, f) for f in CONTEXT_FIELDS}, **changes})
    return save_checked(actor, context, validate_context(fields), fields)


@transaction.atomic
def enrolment_create(
    *, actor: Worker, person: Person, school: Context, start: dt.date, end: dt.date | None = None
) -> Enrolment:
    permitted(policies.can_record_about_person, actor, person)
    # A school's roll gives the school sight of the child: only the school itself
    # (or an administrator) puts a child on it.
    permitted(policies.can_manage_roll, actor, school)
    problems = Problems()
    problems.check(school.kind == ContextKind.SCHOOL, "school", "Choose a school")
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", "Only a young person goes on a roll"
    )
    check_period(problems, start, end)
    # Said of the child chosen: the roll's form shows it on its "person" field.
    check_none_open(
        problems,
        end,
        Enrolment.objects.current().filter(person=person, school=school),
        "person",
        "This young person is already on this school's roll",
    )
    problems.raise_if_any()
    enrolment = create_audited(actor, Enrolment, person=person, school=school, start=start, end=end)
    return enrolment


@transaction.atomic
def enrolment_end(
    *,
    actor: Worker,
    enrolment: Enrolment,
    end: dt.date,
    leave_reason: str,
    leave_reason_detail: str = "",
) -> Enrolment:
    """Take a pupil off the roll on ``end``, saying why (``leave_reason_detail`` when "other").

    The row stays, with its dates and reason: the child's school history.
    """
    permitted(policies.can_record_about_person, actor, enrolment.person)
    permitted(policies.can_manage_roll, actor, enrolment.school)
    problems = Problems()
    problems.check(enrolment.end is None, "end", "This pupil has already left the roll")
    check_period(problems, enrolment.start, end)
    problems.check(leave_reason in LeaveReason.values, "leave_reason", "Choose why the pupil left")
    detail = ""
    if leave_reason == LeaveReason.OTHER:
        detail = clean_text(
            problems,
            "leave_reason_detail",
            leave_reason_detail,
            missing="Say why the pupil left",
            limit=200,
            what="reason",
        )
    problems.raise_if_any()
    fields = {"end": end, "leave_reason": leave_reason, "leave_reason_detail": detail}
    return write_fields(actor, enrolment, ChangeAction.END, fields)
