"""The pseudonymised analysis extract: people, associations, incidents and contexts, for analysts.

What it keeps, coarsens and removes, and the risk left (docs/exports.md#analysis):

* every record is named by a pseudonym, ``HMAC-SHA256(key, "<kind>:<id>")`` cut to 16 hex
  characters: the same key gives the same pseudonyms in every extract (analyses join over
  time), a different key gives unrelated ones, and without the key a pseudonym cannot be turned
  back into a Locus id; each sheet is in the order of its pseudonyms, so neither can the row
  order (:func:`by_pseudonym`);
* names are removed: people's, and places' too (a home's name is its address);
* a date of birth is kept to the month, a postcode to the sector ("E8 1");
* incidents keep their day, kind and place (by pseudonym; a home withheld from a role
  without home addresses, as the People sheet withholds the child's); associations their
  relationship, nature and the month they began.

Only what the analyst sees: the people they see in their own right, with each field as their
role sees it; an association or an involvement only when they see both ends.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from locus.access import exports as rules
from locus.access import places as access_places
from locus.access import scopes
from locus.access.fields import WITHHELD, PersonField, sees_home_addresses
from locus.access.models import Worker
from locus.audit.models import AccessAction, ChangeAction
from locus.audit.services import record_access, record_change
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.exports import writers
from locus.exports.models import PseudonymKey
from locus.exports.specs import chunks
from locus.incidents.models import Involvement
from locus.peers.models import Association
from locus.people.selectors import visible_fields, with_fields
from locus.places.models import ContextKind

MIN_KEY_LENGTH = 16
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9])[A-Z]{2}$")
_OUTWARD = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)$")


def postcode_sector(postcode: str) -> str:
    """A UK postcode cut to its sector ("E8 1AB" gives "E8 1"); "" when there is none, the
    outward code alone when that is all there is."""
    if not isinstance(postcode, str):
        raise ValueError(f"postcode must be text, not {type(postcode).__name__}")
    text = " ".join(postcode.upper().split())
    if not text:
        return ""
    match = _POSTCODE.match(text)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    outward = _OUTWARD.match(text.split(" ")[0])
    return outward.group(1) if outward else ""


def birth_month(day: object) -> str:
    """A date to its month, "2011-03"; "" when not known."""
    return f"{day:%Y-%m}" if day is not None else ""


class Pseudonyms:
    """Stable pseudonyms under one key."""

    def __init__(self, key: str) -> None:
        if not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"key must be text of at least {MIN_KEY_LENGTH} characters")
        self._key = key.encode()

    def of(self, kind: str, record_id: int | None) -> str:
        if record_id is None:
            return ""
        message = f"{kind}:{record_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:16]


@dataclass
class Counts:
    people: int = 0
    associations: int = 0
    incidents: int = 0
    involvements: int = 0
    contexts: int = 0


def _people(viewer: Worker, names: Pseudonyms, counts: Counts) -> Iterator[list[object]]:
    found = scopes.people_visible_to(viewer, shared=False).select_related("home").order_by("id")
    for chunk in chunks(found.iterator(chunk_size=500)):
        homes = [p.home for p in chunk if p.home is not None]
        access_places.mark_address_shown(viewer, homes)
        for p in with_fields(viewer, chunk, seen=True):
            fields = visible_fields(p)
            counts.people += 1
            home_seen = PersonField.HOME_ADDRESS in fields
            home = p.home if home_seen else None
            yield [
                names.of("person", p.pk),
                p.get_kind_display(),
                birth_month(p.date_of_birth) if PersonField.DATE_OF_BIRTH in fields else WITHHELD,
                p.get_sex_display() if PersonField.SEX in fields else WITHHELD,
                p.ethnicity if PersonField.ETHNICITY in fields else WITHHELD,
                (
                    postcode_sector(home.postcode)
                    if home is not None and getattr(home, "address_shown", False)
                    else WITHHELD
                    if PersonField.HOME_ADDRESS not in fields
                    else ""
                ),
                names.of("context", home.pk)
                if home is not None
                else WITHHELD
                if not home_seen
                else "",
            ]


def _associations(viewer: Worker, names: Pseudonyms, counts: Counts) -> Iterator[list[object]]:
    seen = scopes.people_visible_to(viewer, shared=False).values("id")
    found = Association.objects.filter(person_id__in=seen).filter(other_id__in=seen).order_by("id")
    for a in found.iterator(chunk_size=500):
        counts.associations += 1
        yield [
            names.of("association", a.pk),
            names.of("person", a.person_id),
            names.of("person", a.other_id),
            a.get_relationship_display(),
            a.get_nature_display(),
            birth_month(a.valid_from),
            birth_month(a.valid_until),
        ]


def _incidents(viewer: Worker, names: Pseudonyms, counts: Counts) -> Iterator[list[object]]:
    # A home is given only to a role that sees home addresses, as in the People sheet: the
    # Involvements sheet names the children in the incident, so the home's pseudonym here
    # would say where they live. It is withheld (every page says only "a home").
    homes_seen = sees_home_addresses(viewer)
    found = scopes.incidents_visible_to(viewer).select_related("context").order_by("id")
    for i in found.iterator(chunk_size=500):
        counts.incidents += 1
        at_home = i.context is not None and i.context.kind == ContextKind.HOME
        yield [
            names.of("incident", i.pk),
            i.get_kind_display(),
            timezone.localtime(i.occurred_at).date(),
            WITHHELD if at_home and not homes_seen else names.of("context", i.context_id),
        ]


def _involvements(viewer: Worker, names: Pseudonyms, counts: Counts) -> Iterator[list[object]]:
    seen = scopes.people_visible_to(viewer, shared=False).values("id")
    found = Involvement.objects.filter(
        incident_id__in=scopes.incidents_visible_to(viewer).values("id"), person_id__in=seen
    ).order_by("id")
    for inv in found.iterator(chunk_size=500):
        counts.involvements += 1
        yield [
            names.of("incident", inv.incident_id),
            names.of("person", inv.person_id),
            inv.get_role_display(),
        ]


def _contexts(viewer: Worker, names: Pseudonyms, counts: Counts) -> Iterator[list[object]]:
    found = scopes.contexts_visible_to(viewer).order_by("id")
    for chunk in chunks(found.iterator(chunk_size=500)):
        access_places.mark_address_shown(viewer, chunk)
        for c in chunk:
            counts.contexts += 1
            shown = getattr(c, "address_shown", False)
            yield [
                names.of("context", c.pk),
                c.get_kind_display(),
                postcode_sector(c.postcode) if shown else WITHHELD,
            ]


SHEETS = (
    (
        "People",
        ("Pseudonym", "Kind", "Month of birth", "Sex", "Ethnicity", "Home postcode sector", "Home"),
        _people,
    ),
    (
        "Associations",
        (
            "Pseudonym",
            "Person",
            "Other person",
            "Relationship",
            "Nature",
            "From month",
            "Until month",
        ),
        _associations,
    ),
    ("Incidents", ("Pseudonym", "Kind", "Day", "Context"), _incidents),
    ("Involvements", ("Incident", "Person", "Role"), _involvements),
    ("Contexts", ("Pseudonym", "Kind", "Postcode sector"), _contexts),
)


def by_pseudonym(rows: Iterable[list[object]]) -> Iterator[list[object]]:
    """A sheet's rows in the order of their pseudonyms (the first cells, as text), never in
    the order the records were made: read in Locus id order, the n-th row of a sheet would be
    the n-th record, and its row number would undo its pseudonym without the key. One sheet
    at a time is held whole to sort it, when it is written (a row is a few short cells: the
    borough's largest sheet, 13,000 associations, is a few MB)."""
    yield from sorted(rows, key=lambda row: [str(cell) for cell in row])


def key_for(*, actor: Worker, key: str = "", key_name: str = "") -> Pseudonyms:
    """The pseudonyms of a supplied key, or of a stored named one."""
    if key_name:
        stored = PseudonymKey.objects.filter(name=key_name).first()
        if stored is None:
            raise ValidationFailed({"key_name": ["Choose a stored key"]})
        return Pseudonyms(stored.secret)
    if len(key) < MIN_KEY_LENGTH:
        raise ValidationFailed(
            {
                "key": [
                    f"Enter a key of at least {MIN_KEY_LENGTH} characters, or choose a stored key"
                ]
            }
        )
    return Pseudonyms(key)


def analysis_export(*, actor: Worker, out: BinaryIO, key: str = "", key_name: str = "") -> Counts:
    """Write the extract as an XLSX workbook to ``out``, logged with its counts (never the key,
    never the ids: an id list beside the pseudonyms would undo them for whoever reads the trail)."""
    if not rules.can_export_for_analysis(actor):
        raise NotPermitted("not found")
    names = key_for(actor=actor, key=key, key_name=key_name)
    counts = Counts()
    with scopes.lasting_sight_only():  # a file outlasts emergency access
        writers.write_xlsx(
            out,
            [
                (title, headings, by_pseudonym(rows(actor, names, counts)))
                for title, headings, rows in SHEETS
            ],
        )
    record_access(
        actor=actor,
        record_type="exports.analysis",
        action=AccessAction.EXPORT,
        detail={
            "export": "analysis",
            "key": key_name or "supplied by the analyst",
            "people": counts.people,
            "associations": counts.associations,
            "incidents": counts.incidents,
            "involvements": counts.involvements,
            "contexts": counts.contexts,
        },
    )
    return counts


def stored_keys() -> list[PseudonymKey]:
    return list(PseudonymKey.objects.order_by("name"))


@transaction.atomic
def pseudonym_key_create(*, actor: Worker, name: str) -> PseudonymKey:
    """Store a new named key with a random secret: administrators only. The change trail
    records the name and who made it, never the secret."""
    if not rules.can_store_pseudonym_key(actor):
        raise NotPermitted("not found")
    name = " ".join(name.split())
    if not name or len(name) > 60:
        raise ValidationFailed({"name": ["Enter a name of at most 60 characters"]})
    if PseudonymKey.objects.filter(name=name).exists():
        raise ValidationFailed({"name": ["A key with this name exists already"]})
    stored = PseudonymKey.objects.create(
        name=name, secret=secrets.token_hex(32), created_by=actor, created_at=clock.now()
    )
    record_change(
        actor=actor,
        action=ChangeAction.CREATE,
        obj=stored,
        after={"name": name, "created_by": actor.pk},
    )
    return stored
