"""Reads behind recording a person: the records that may be the same person, and the homes
already at an address. Each answer is split by what the recorder may see, so that the page
shows a record they may see and only says "a record may already exist" of any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from locus.access import recording, scopes
from locus.access.models import Worker
from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import record_access
from locus.people import selectors
from locus.people.identifiers import names_similar, normalise_address, normalise_name
from locus.people.models import Identifier, IdentifierQuery, Person, QueryKind, QueryOutcome
from locus.places.models import Context, ContextKind


@dataclass(frozen=True)
class Sought:
    """What a worker typed about the person they are recording (identifiers normalised)."""

    given_name: str
    family_name: str
    known_as: str = ""
    date_of_birth: dt.date | None = None
    upn: str | None = None
    nhs_number: str | None = None
    la_child_id: str | None = None

    @classmethod
    def of(cls, fields: dict[str, Any]) -> Sought:
        return cls(**{name: fields.get(name) or None for name in cls.__dataclass_fields__})  # type: ignore[arg-type]

    def identifiers(self) -> dict[str, str]:
        return {name: value for name in Identifier.values if (value := getattr(self, name))}

    def key(self) -> str:
        """The details compared without case, accents or spacing: the same search twice."""
        ids = [self.identifiers().get(n, "") for n in Identifier.values]
        return "|".join([self.who_key(), *ids])

    def who_key(self) -> str:
        """How :meth:`key` starts: the names and the date of birth, whatever identifiers
        were typed with them."""
        dob = self.date_of_birth.isoformat() if self.date_of_birth else ""
        names = [normalise_name(self.given_name or ""), normalise_name(self.family_name or "")]
        return "|".join([*names, dob])

    @classmethod
    def logged(cls, detail: dict[str, Any]) -> Sought:
        """What a check logged (:meth:`as_detail`, in the trail) read back: its names and
        date of birth, enough for :meth:`who_key`."""
        try:
            born = dt.date.fromisoformat(str(detail.get("date_of_birth") or ""))
        except ValueError:
            born = None
        given, family, known = (
            str(detail.get(n) or "") for n in ("given_name", "family_name", "known_as")
        )
        return cls(given, family, known, date_of_birth=born)

    def as_detail(self) -> dict[str, str]:
        """For the audit trail and the request: what was searched, as typed."""
        out = {
            "given_name": self.given_name or "",
            "family_name": self.family_name or "",
            "known_as": self.known_as or "",
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
        }
        return {**out, **self.identifiers()}


@dataclass
class DuplicateCheck:
    """What a check found. ``matched`` (every record) is for the audit trail and the request
    only, never for the page; the page reads ``shown`` and the one bit ``hidden``."""

    matched: list[int] = field(default_factory=list)
    shown: list[Person] = field(default_factory=list)
    hidden: bool = False

    @property
    def found(self) -> bool:
        return bool(self.matched)


def _matches(sought: Sought) -> list[Person]:
    """The records that may be the person sought, in one query: the same UPN, NHS number or
    LA child ID, or the same date of birth and a similar name."""
    q = Q(pk__in=[])
    if sought.date_of_birth is not None:
        q |= Q(date_of_birth=sought.date_of_birth)
    for name, value in sought.identifiers().items():
        q |= Q(**{name: value})
    found = []
    wanted = (sought.given_name or "", sought.family_name or "", sought.known_as or "")
    for person in Person.objects.filter(q).order_by("pk"):
        same_id = any(getattr(person, n) == v for n, v in sought.identifiers().items())
        similar = sought.date_of_birth is not None and person.date_of_birth == sought.date_of_birth
        similar = similar and names_similar(
            wanted, (person.given_name, person.family_name, person.known_as)
        )
        if same_id or similar:
            found.append(person)
    return found


def duplicate_check(*, viewer: Worker, sought: Sought) -> DuplicateCheck:
    """The records that may be ``sought``: those ``viewer`` may see (with the fields they may
    see and their holders, for the page) and whether any other matched."""
    matched = [p.pk for p in _matches(sought)]
    seen = recording.matches_shown(viewer, matched)
    shown = list(
        scopes.people_visible_to(viewer)
        .filter(pk__in=seen)
        .prefetch_related(selectors.open_allocations())
        .order_by("family_name", "given_name", "pk")
    )
    shown = selectors.with_fields(viewer, shown, seen=True) if shown else []
    return DuplicateCheck(matched=matched, shown=shown, hidden=len(seen) < len(matched))


# What a logged check says it led to (``log_check``'s ``outcome``): a person recorded, or
# nobody (the recorder shown "a record may already exist", or their request sent).
RECORDED = "recorded"
NONE_FOUND = "none found"
NOT_RECORDED = "possible duplicate: not recorded"
ASKED = "asked the data team"


def log_check(
    *,
    actor: Worker,
    sought: Sought,
    check: DuplicateCheck,
    outcome: str,
    recorded: Person | None = None,
) -> None:
    """Every duplicate check goes in the audit trail with what was searched and every
    record it matched (shown or not): trying names and numbers to see what exists is seen.

    The check that let a person be ``recorded`` is about them too: what was typed is their
    name and date of birth, and a purge of them blanks it (``audit.services.redact_about``
    finds events by the people they are about)."""
    record_access(
        actor=actor,
        record_type="people.person",
        action=AccessAction.SEARCH,
        # Flat, as a search's filters are: the trail says what was typed to the auditor and
        # which fields were searched to an administrator (access/trail.py).
        detail={
            "duplicate_check": outcome,
            **sought.as_detail(),
            "matched": check.matched,
            "people_shown": [p.pk for p in check.shown],
        },
        people=[*check.matched, *([recorded.pk] if recorded is not None else [])],
    )


def answered_request(
    *, viewer: Worker, sought: Sought, matched: list[int]
) -> IdentifierQuery | None:
    """The viewer's answered request that decides whether they may record ``sought``, which
    matched the records ``matched`` now; None when no answer decides it (a reason is needed).

    "The same child" stands while it is the latest answer about these details or about any
    record matched now: typing one more detail (even a made-up UPN) or a slightly different
    name makes other details, but it is still the child found already recorded. "A different
    child" counts only while it is the latest answer about these details and every record
    matched now was among those it was asked about: a record made since was never put to the
    one who answered. The latest answer stands over any before it."""
    answers = list(
        IdentifierQuery.objects.filter(
            Q(search_key=sought.key()) | Q(matches__in=matched),
            kind=QueryKind.DUPLICATE,
            requested_by=viewer,
            closed_at__isnull=False,
        )
        .distinct()
        .order_by("-closed_at", "-pk")
    )
    asked: dict[int, set[int]] = {q.pk: set() for q in answers}
    links = IdentifierQuery.matches.through.objects.filter(identifierquery_id__in=asked)
    for query_id, person_id in links.values_list("identifierquery_id", "person_id"):
        asked[query_id].add(person_id)
    by_key = next((q for q in answers if q.search_key == sought.key()), None)
    # The latest answer about each record matched now (answers are read latest first).
    about: dict[int, IdentifierQuery] = {}
    for query in answers:
        for pk in asked[query.pk].intersection(matched):
            about.setdefault(pk, query)
    deciding = [q for q in (by_key, *about.values()) if q is not None]
    same = [q for q in deciding if q.outcome == QueryOutcome.SAME]
    if same:
        return min(same, key=answers.index)  # the latest
    if by_key is not None and by_key.outcome == QueryOutcome.DIFFERENT:
        return by_key if asked[by_key.pk].issuperset(matched) else None
    return None


def open_request(*, viewer: Worker, sought: Sought) -> bool:
    """Whether the viewer has already asked about these details and awaits the answer."""
    return IdentifierQuery.objects.filter(
        kind=QueryKind.DUPLICATE, requested_by=viewer, search_key=sought.key(), closed_at=None
    ).exists()


@dataclass
class HomesAt:
    """The homes already recorded at an address: one the viewer may see (to share), and
    the ids of those they may not (never shown; flagged to the data team in the trail)."""

    seen: Context | None
    hidden: list[int]


def homes_at(*, viewer: Worker, address: str, postcode: str) -> HomesAt:
    key = normalise_address(address)
    same = [
        c
        for c in Context.objects.filter(kind=ContextKind.HOME, postcode=postcode).order_by("pk")
        if normalise_address(c.address) == key
    ]
    visible = set(
        scopes.contexts_visible_to(viewer)
        .filter(pk__in=[c.pk for c in same])
        .values_list("pk", flat=True)
    )
    seen = next((c for c in same if c.pk in visible), None)
    return HomesAt(seen, [c.pk for c in same if c.pk not in visible])


def earlier_checks(person_id: int) -> list[int]:
    """The read events of the checks that held what ``person_id`` was recorded from before
    they were: the recorder's own checks of the same names and date of birth
    (:meth:`Sought.who_key`, as their requests are linked: ``services._requests_recorded``)
    that recorded nobody (the page said "a record may already exist", or a request was
    sent), before the check that recorded them. Those are about the records they matched,
    not the person (not recorded yet), and their content is fixed in the trail's hash chain,
    so they are found from the recording check instead: a purge of the person blanks them
    (``audit.services.redact_reads``) before it blanks the recording check with every other
    event about them. A check by another worker, or of a name spelt otherwise or another
    date of birth, is not taken for this person: it goes when a record it matched does."""
    checks = AccessEvent.objects.filter(
        record_type="people.person", action=AccessAction.SEARCH, redacted_at__isnull=True
    )
    recordings = checks.filter(
        people__contains=f",{person_id},", detail__duplicate_check__in=(RECORDED, NONE_FOUND)
    ).values_list("pk", "actor_id", "at", "detail")
    found: list[int] = []
    for pk, actor_id, at, detail in recordings:
        key = Sought.logged(detail).who_key()
        earlier = checks.filter(
            actor_id=actor_id,
            at__lte=at,
            pk__lt=pk,
            detail__duplicate_check__in=(NOT_RECORDED, ASKED),
        ).values_list("pk", "detail")
        found.extend(e for e, said in earlier if Sought.logged(said).who_key() == key)
    return sorted(set(found))
