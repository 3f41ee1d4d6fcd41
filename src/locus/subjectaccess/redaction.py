"""Third parties out of a subject access export (docs/subject-access.md#redaction).

The requester has a right to their own data, not to other people's (UK GDPR Art 15(4); DPA 2018
Sch 2 Part 3 para 16). So every other person in the export becomes "Person A", "Person B"...
(the same letter wherever they appear in one export), their known names, aliases and dates of
birth are replaced in free text, and staff are shown by role, team and agency unless the data
team chose to disclose names. Every replacement is listed with what kind of thing went, where,
and why, never the text itself.

The gatherer hands values over wrapped (:class:`PersonRef`, :class:`StaffRef`, :class:`Free`),
so no name reaches the output without passing through here. This module reads no database.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

THIRD_PARTY = (
    "Information about another person (third party data): UK GDPR Art 15(4) and "
    "DPA 2018 Sch 2 Part 3 para 16"
)
STAFF = (
    "A member of staff's name, withheld at the data team's choice: their role, team and agency "
    "are given instead (DPA 2018 Sch 2 Part 3 para 16)"
)
WITHHELD_POLICE = (
    "Restricted police information, withheld until the reporting agency has been consulted: "
    "DPA 2018 Sch 2 Part 1 para 2 (crime and taxation)"
)
ADDRESS = "Another household's address (third party data): DPA 2018 Sch 2 Part 3 para 16"


@dataclass(frozen=True)
class PersonRef:
    """A person by key: the subject's id, another person's id, or a made-up key for someone
    described but not identified ("older male known as T")."""

    key: str


@dataclass(frozen=True)
class StaffRef:
    name: str
    role: str  # "Practitioner, Contextual Safeguarding Team A, Children's Social Care"


@dataclass(frozen=True)
class Free:
    """Free text that may name other people."""

    text: str


@dataclass(frozen=True)
class Withheld:
    """A value left out altogether, with the reason."""

    kind: str
    reason: str


Value = str | PersonRef | StaffRef | Free | Withheld | list["Value"]


@dataclass(frozen=True)
class Known:
    """Another person's names as held, to find them in free text."""

    key: str
    given_name: str
    family_name: str
    known_as: str = ""
    date_of_birth: dt.date | None = None


@dataclass(frozen=True)
class Redaction:
    kind: str
    where: str
    person: str  # the pseudonym ("Person B") or "" for staff and withheld records
    reason: str
    times: int = 1  # how many times in that place

    def as_dict(self) -> dict[str, str | int]:
        return {
            "kind": self.kind,
            "where": self.where,
            "person": self.person,
            "reason": self.reason,
            "times": self.times,
        }


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style letters, so any number of people fit."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _word(text: str) -> re.Pattern[str]:
    """``text`` as a whole word, in any case: notes often write names in capitals."""
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)


def _dates(day: dt.date) -> list[str]:
    return [f"{day:%d/%m/%Y}", day.isoformat(), f"{day.day} {day:%B %Y}", f"{day.day} {day:%b %Y}"]


@dataclass
class Redactor:
    """Resolves wrapped values to text for one export, keeping the redaction list."""

    subject_key: str
    subject_name: str
    subject_names: frozenset[str]
    disclose_staff: bool
    people: list[Known] = field(default_factory=list)
    staff_names: list[str] = field(default_factory=list)
    # The same redaction in the same place is listed once, with how many times.
    _found: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    _letters: dict[str, str] = field(default_factory=dict)
    _patterns: list[tuple[re.Pattern[str], str, str]] | None = None

    @property
    def redactions(self) -> list[Redaction]:
        return [Redaction(k, w, p, r, times=n) for (k, w, p, r), n in self._found.items()]

    def _note(self, kind: str, where: str, person: str, reason: str) -> None:
        key = (kind, where, person, reason)
        self._found[key] = self._found.get(key, 0) + 1

    def pseudonym(self, key: str) -> str:
        if key not in self._letters:
            self._letters[key] = f"Person {letters(len(self._letters))}"
        return self._letters[key]

    def _build(self) -> list[tuple[re.Pattern[str], str, str]]:
        """(pattern, replacement key, kind) longest first, so a full name goes before the
        given name inside it. Every pattern ignores case ("MARROWGATE" is Marrowgate).
        Someone sharing a name with the subject is found by the full name only: the
        subject's own name, in any case, is never taken out of their own record."""
        own = {name.casefold() for name in self.subject_names}
        found: list[tuple[str, re.Pattern[str], str, str]] = []
        for p in self.people:
            full = f"{p.given_name} {p.family_name}".strip()
            if full:
                found.append((full, _word(full), p.key, "name"))
                reverse = f"{p.family_name}, {p.given_name}"
                found.append((reverse, _word(reverse), p.key, "name"))
            for single, kind in (
                (p.known_as, "alias"),
                (p.given_name, "name"),
                (p.family_name, "name"),
            ):
                if len(single) >= 2 and single.casefold() not in own:
                    found.append((single, _word(single), p.key, kind))
            if p.date_of_birth is not None:
                for text in _dates(p.date_of_birth):
                    found.append((text, _word(text), p.key, "date of birth"))
        if not self.disclose_staff:
            for name in self.staff_names:
                if name.strip():
                    found.append((name, _word(name), "", "staff name"))
        found.sort(key=lambda item: -len(item[0]))
        return [(pattern, key, kind) for _, pattern, key, kind in found]

    def text(self, value: str, where: str) -> str:
        """Free text with other people's names, aliases and dates of birth (and staff names,
        unless disclosed) replaced, each replacement listed."""
        if self._patterns is None:
            self._patterns = self._build()
        # Placeholders first: a replacement's own words are never matched again.
        slots: list[str] = []
        out = value
        for pattern, key, kind in self._patterns:

            def put(_match: re.Match[str], key: str = key, kind: str = kind) -> str:
                if key:
                    label = self.pseudonym(key)
                    shown = label if kind != "date of birth" else f"[date of birth of {label}]"
                    self._note(f"{kind} in free text", where, label, THIRD_PARTY)
                else:
                    shown = "[member of staff]"
                    self._note("staff name in free text", where, "", STAFF)
                slots.append(shown)
                return f"\x00{len(slots) - 1}\x00"

            out = pattern.sub(put, out)
        return re.sub("\x00(\\d+)\x00", lambda m: slots[int(m.group(1))], out)

    def resolve(self, value: Value, where: str, section: str = "") -> str:
        if isinstance(value, list):
            return "; ".join(self.resolve(v, where, section) for v in value)
        if isinstance(value, PersonRef):
            if value.key == self.subject_key:
                return self.subject_name
            label = self.pseudonym(value.key)
            self._note("another person", where, label, THIRD_PARTY)
            return label
        if isinstance(value, StaffRef):
            if self.disclose_staff:
                return f"{value.name} ({value.role})" if value.name else value.role
            if value.name:
                # Listed by section: a staff name in every line of the access log is one
                # entry with a count, not thousands.
                self._note("staff name", section or where, "", STAFF)
            return value.role
        if isinstance(value, Free):
            return self.text(value.text, where)
        if isinstance(value, Withheld):
            self._note(value.kind, where, "", value.reason)
            return "[withheld]"
        return value

    def mentioned(self, texts: Iterable[str]) -> set[str]:
        """The capitalised words in ``texts``: the candidates to look up as people's names."""
        words: set[str] = set()
        for text in texts:
            words.update(re.findall(r"\b[A-Z][\w'-]+", text))
        return words
