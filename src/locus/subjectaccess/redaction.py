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

import calendar
import datetime as dt
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

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
OTHER_CHILDS_NOTE = (
    "The rest of a note written on another child's record: about them, not you (third party "
    "data, UK GDPR Art 15(4); DPA 2018 Sch 2 Part 3 para 16). The passages naming you are given"
)
SHARED_NOTE = (
    "The rest of a note written on a context case or a peer group: about the place or group "
    "and the others in it, not you (third party data, UK GDPR Art 15(4); DPA 2018 Sch 2 Part 3 "
    "para 16). The passages naming you are given"
)


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
    """Another person's names as held, to find them in free text, with their identifiers
    (UPN, NHS number, LA child ID): a child's number in a note names them as surely."""

    key: str
    given_name: str
    family_name: str
    known_as: str = ""
    date_of_birth: dt.date | None = None
    identifiers: tuple[str, ...] = ()


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


# Between a name and what is around it: anything but a letter or a digit, so a name joined to
# another by an underscore ("jo_marrowgate", an online handle) is still found.
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"
# Between the parts of a name: a space, or what joins them in a handle, an address, a
# double-barrelled name or one with an apostrophe ("Smith-Jones", "O'Brien", "O Brien").
_JOIN = r"[\s_.'\-]+"
# The letters and digits of a name, without what joins them.
_PARTS = re.compile(r"[^\W_]+")

#: Names that are also everyday words. Found only written as a name is (a capital first:
#: "May", "MAY"), never in lower case ("she may go", "will attend"), and a month's name not
#: beside a number ("14 May 2010", "May 2025"). Any other name is found in any case.
_COMMON = """
    amber angel april august autumn baker bank banks bell berry bill bishop black blessing
    bloom blossom bob bond brook brooks brown bush carter chance chase cherry clay close
    cook cross crystal dale dawn day dean destiny dove drew duke early east fair faith fern
    field fields fisher ford forest frank free gay gem gift glen gold golden grace grant
    gray green grey hall harmony hart hazel heath heaven hill holly honey hope hunt hunter
    ivy jack jade jay jewel joy june justice king lane lark law lee liberty little long love
    lucky mark marsh mason may meadow mercy miles mill miller mills moon moss new noble
    north page park patience penny pepper pierce poppy precious price rain read reed rich
    river rob robin rock rose ruby rush rust sage sandy savage scarlett sharp shaw short
    sky small snow sparrow spring star sterling stone storm summer sunny sweet taylor
    temple true under unique wall walker ward ware warren waters west white will willow
    winter wolf wood woods wren young
    """
COMMON_WORDS = frozenset(_COMMON.split())
_MONTHS = frozenset(m.casefold() for m in calendar.month_name if m)
#: Everyday words that are also someone's name somewhere ("Said", "An", "Do", "Le"), with
#: the words around them: treated as :data:`COMMON_WORDS` are, and never looked up as a
#: name from lower case, so "she said" finds nobody called Said.
_STOP = """
    a about after again all also am an and any are as at away back be been before being
    but by can came come could da de del der des di did do does done down du el for from
    get go going got had has have he her here him his how i if in into is it its just la
    le les let like ma made make me mo more most much mum my no not now of off on once
    one only or other our out over own said say says see seen she so some still such
    than that the their them then there these they this those to too two up us van very
    von was way we well went were what when where which while who why with would yes yet
    you your
    """
_GUARDED = COMMON_WORDS | _MONTHS | frozenset(_STOP.split())

_APOSTROPHES = {ord(c): "'" for c in "\u2018\u2019\u201b\u02bc\u02b9\u2032\u00b4`"}
# Letters with no decomposition to a plain one.
_LETTERS = {
    "\u00f8": "o", "\u00d8": "O", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe",
    "\u0152": "OE", "\u00df": "ss", "\u0142": "l", "\u0141": "L", "\u0111": "d",
    "\u0110": "D", "\u00f0": "d", "\u00d0": "D", "\u00fe": "th", "\u00de": "TH",
    "\u0131": "i",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    c = c.translate(_APOSTROPHES)
    if c in _LETTERS:
        return _LETTERS[c]
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))


def fold(text: str) -> str:
    """``text`` as names are compared: accents off ("Zoë Brulé" is "Zoe Brule"), every
    apostrophe a plain one ("O\u2019Brien" is "O'Brien"); case kept."""
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


def _folded(text: str) -> tuple[str, list[int], list[int]]:
    """:func:`fold` of ``text``, with where in ``text`` each of its characters starts and
    ends (an accent typed as a character of its own ends with the letter before it)."""
    if text.isascii():
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        if not f and ends:
            ends[-len(out[-1]) :] = [i + 1] * len(out[-1])
        if f:
            out.append(f)
            starts += [i] * len(f)
            ends += [i + 1] * len(f)
    return "".join(out), starts, ends


def name_parts(text: str) -> tuple[str, ...]:
    """The words of a name as they are compared: folded, without case, without what joins
    them ("O\u2019Brien" is ("o", "brien"), "Da Silva" is ("da", "silva"))."""
    return tuple(_PARTS.findall(fold(text).casefold()))


def _core(text: str) -> str:
    return _JOIN.join(re.escape(part) for part in _PARTS.findall(fold(text)))


def _word(text: str) -> re.Pattern[str]:
    """``text`` as a whole word, in any case: notes often write names in capitals. The
    parts of a name match whatever joins them ("Jo Marrowgate", "jo_marrowgate", "O Brien"
    for O'Brien). Matched against folded text (:func:`fold`)."""
    return re.compile(rf"{_BEFORE}{_core(text)}{_AFTER}", re.IGNORECASE)


def _name(text: str) -> re.Pattern[str]:
    """One name on its own (a given name, a family name, an alias): in any case, unless it
    is also an everyday word (:data:`COMMON_WORDS`, or a word such as "said"), which is
    matched only as a name. Matched against folded text (:func:`fold`)."""
    text = fold(text)
    if text.casefold() not in _GUARDED:
        return _word(text)
    forms = sorted({text[:1].upper() + text[1:], text.upper()}, key=len, reverse=True)
    core = "|".join(re.escape(form) for form in forms)
    before, after = "", ""
    if text.casefold() in _MONTHS:
        before, after = r"(?<!\d )(?<!\d)", r"(?!\s*,?\s*\d)"
    return re.compile(rf"{_BEFORE}{before}(?:{core}){_AFTER}{after}")


def name_forms(
    given: str,
    family: str,
    singles: Iterable[tuple[str, str]],
    *,
    own: frozenset[str] = frozenset(),
) -> list[tuple[str, re.Pattern[str], str]]:
    """(name, pattern, kind) to find someone in free text: the full name ("Xanthe
    Marrowgate", "MARROWGATE, Xanthe"), and each of ``singles`` (name, kind) alone unless it
    is one of ``own`` (folded, without case: the subject's own names)."""
    found: list[tuple[str, re.Pattern[str], str]] = []
    full = f"{given} {family}".strip()
    if given and family:
        found.append((full, _word(full), "name"))
        reverse = rf"{_BEFORE}{_core(family)}\s*,\s*{_core(given)}{_AFTER}"
        found.append((f"{family}, {given}", re.compile(reverse, re.IGNORECASE), "name"))
    elif full:
        found.append((full, _word(full), "name"))
    for single, kind in singles:
        if len(fold(single).strip()) >= 2 and fold(single).casefold() not in own:
            found.append((single, _name(single), kind))
    return found


def names_in(text: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    """Whether ``text`` names someone by one of ``patterns`` (from :func:`name_forms`)."""
    folded = fold(text)
    return any(p.search(folded) for p in patterns)


@dataclass
class Mentions:
    """The words of an export's free text, folded and without case, in order, to find
    people's names among them."""

    words: list[str] = field(default_factory=list)
    at: dict[str, list[int]] = field(default_factory=dict)
    # Written capitalised somewhere, or as part of a handle ("xanthe_marrowgate").
    as_names: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Mentions:
        m = cls()
        for text in texts:
            for token in re.findall(r"[\w'-]+", fold(text)):
                handle = "_" in token.strip("_")
                for part in _PARTS.findall(token):
                    low = part.casefold()
                    m.at.setdefault(low, []).append(len(m.words))
                    m.words.append(low)
                    if handle or part[:1].isupper():
                        m.as_names.add(low)
            m.words.append("")  # one text's last word and the next one's first are no name
        return m

    def lookups(self) -> set[str]:
        """The words to look up as people's names (ignoring case): each written as a name is
        (a capital first, or in a handle), and any other of three letters or more unless it
        is an everyday word ("said", "may"). A possessive ("Brackenridge's") is its name."""
        return {
            w
            for w in self.at
            if w.isascii()
            and w[:1].isalpha()
            and (w in self.as_names or (len(w) >= 3 and w not in _GUARDED))
        }

    def has(self, name: str) -> bool:
        """Whether ``name`` is written here, its words in a row ("Da Silva", "da-silva",
        "O\u2019Brien", "Zoe" for Zoë). An everyday word alone only if written as a name."""
        parts = list(name_parts(name))
        if not parts or (len(parts) == 1 and parts[0] in _GUARDED - self.as_names):
            return False
        return any(self.words[i : i + len(parts)] == parts for i in self.at.get(parts[0], ()))


def identifier_pattern(text: str) -> re.Pattern[str]:
    """An identifier as people write it: in any case, a number's digits spaced or hyphened
    in groups or not ("943 476 5919", "943-476-5919", "9434765919")."""
    core = r"[\s-]?".join(re.escape(c) for c in text) if text.isdigit() else re.escape(text)
    return re.compile(rf"{_BEFORE}{core}{_AFTER}", re.IGNORECASE)


def date_pattern(day: dt.date) -> re.Pattern[str]:
    """A date in the ways UK notes write one: 14/02/2010, 14.2.2010, 14-02-10, 2010-02-14,
    14 Feb 2010, 14th of February 2010, February 14, 2010."""
    d, m = rf"0?{day.day}", rf"0?{day.month}"
    y = rf"(?:{day.year}|{day:%y})"
    full, short = calendar.month_name[day.month], calendar.month_abbr[day.month]
    month = rf"(?:{full}|{short}{'|Sept' if day.month == 9 else ''})\.?"
    nth = rf"{d}(?:st|nd|rd|th)?"
    forms = [
        rf"{d}([./-]){m}\1{y}",
        rf"{day.year}-{day:%m}-{day:%d}",
        rf"{nth}\s+(?:of\s+)?{month},?\s+{y}",
        rf"{month}\s+{nth},?\s+{y}",
    ]
    return re.compile(rf"(?<![\w/.-])(?:{'|'.join(forms)})(?![\w/])", re.IGNORECASE)


def passages(text: str, names: Iterable[str]) -> list[str]:
    """The sentences (and lines) of ``text`` that name someone by one of ``names``, as
    :func:`_name` finds a name: what a note on another child says about the subject."""
    patterns = [_name(n) for n in names if len(n) >= 2]
    pieces = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in pieces if p.strip() and names_in(p, patterns)]


@dataclass(frozen=True)
class _Pattern:
    """A pattern of the redactor, with what a text must hold for it to be worth trying: the
    name's words (the whole text is tried only when it has them all) or a piece of it."""

    pattern: re.Pattern[str]
    key: str  # the person's ("" for staff)
    kind: str
    needs: frozenset[str] = frozenset()
    hint: str = ""


@dataclass
class Redactor:
    """Resolves wrapped values to text for one export, keeping the redaction list."""

    subject_key: str
    subject_name: str
    subject_names: frozenset[str]
    disclose_staff: bool
    people: list[Known] = field(default_factory=list)
    # Staff as (given name, family name): found by full name, and by family name on its own.
    staff: list[tuple[str, str]] = field(default_factory=list)
    # The same redaction in the same place is listed once, with how many times.
    _found: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    _letters: dict[str, str] = field(default_factory=dict)
    _patterns: list[_Pattern] | None = None

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

    def _build(self) -> list[_Pattern]:
        """Patterns longest name first, so a full name goes before the given name inside
        it. Names are found in capitals too ("MARROWGATE" is Marrowgate), without their
        accents ("Zoe" is Zoë), with any apostrophe ("O\u2019Brien" is O'Brien); a name that
        is also a word only as a name (:func:`_name`). Someone sharing a name with the
        subject is found by the full name only: the subject's own name, in any case, is
        never taken out of their own record."""
        own = frozenset(fold(name).casefold() for name in self.subject_names)
        found: list[tuple[str, _Pattern]] = []

        def names(key: str, given: str, family: str, singles: list[tuple[str, str]]) -> None:
            for name, pattern, kind in name_forms(given, family, singles, own=own):
                found.append((name, _Pattern(pattern, key, kind, frozenset(name_parts(name)))))

        for p in self.people:
            singles = [(p.known_as, "alias"), (p.given_name, "name"), (p.family_name, "name")]
            names(p.key, p.given_name, p.family_name, singles)
            if p.date_of_birth is not None:
                # Every form holds the year's last two digits.
                year = f"{p.date_of_birth:%y}"
                day = _Pattern(date_pattern(p.date_of_birth), p.key, "date of birth", hint=year)
                found.append((f"{p.date_of_birth}", day))
            for number in p.identifiers:
                if number:
                    pattern = identifier_pattern(number)
                    found.append((number, _Pattern(pattern, p.key, "identifier")))
        if not self.disclose_staff:
            # A member of staff by full name, or by family name alone ("Mr Osgood",
            # "OSGOOD said"); a given name alone is too common to tell a worker by.
            for given, family in self.staff:
                names("", given, family, [(family, "staff name")])
        found.sort(key=lambda item: -len(item[0]))
        return [pattern for _, pattern in found]

    def text(self, value: str, where: str) -> str:
        """Free text with other people's names, aliases and dates of birth (and staff names,
        unless disclosed) replaced, each replacement listed."""
        if self._patterns is None:
            self._patterns = self._build()
        # Matched in the folded text; what each match covers of the text as written.
        folded, starts, ends = _folded(value)
        words = set(_PARTS.findall(folded.casefold()))
        # A replaced stretch is blanked out, so a replacement is never matched again.
        work = folded
        spans: list[tuple[int, int, str]] = []
        for p in self._patterns:
            if not p.needs <= words or p.hint not in folded:
                continue
            hits = list(p.pattern.finditer(work))
            for match in hits:
                spans.append((match.start(), match.end(), self._shown(p.key, p.kind, where)))
            for match in reversed(hits):
                blank = "\x00" * (match.end() - match.start())
                work = work[: match.start()] + blank + work[match.end() :]
        out, at = [], 0
        for start, end, shown in sorted(spans):
            out += [value[at : starts[start]], shown]
            at = ends[end - 1]
        return "".join(out) + value[at:]

    def _shown(self, key: str, kind: str, where: str) -> str:
        if key:
            label = self.pseudonym(key)
            self._note(f"{kind} in free text", where, label, THIRD_PARTY)
            return label if kind in ("name", "alias") else f"[{kind} of {label}]"
        self._note("staff name in free text", where, "", STAFF)
        return "[member of staff]"

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

    def numbers(self, texts: Iterable[str]) -> set[str]:
        """What in ``texts`` may be someone's identifier, to look up: each word holding a
        digit, and each run of ten digits written in groups ("943 476 5919")."""
        found: set[str] = set()
        for text in texts:
            found.update(w for w in re.findall(r"[^\W_]+", text) if re.search(r"\d", w))
            for run in re.findall(r"(?<!\d)\d(?:[\s-]?\d){9}(?!\d)", text):
                found.add(re.sub(r"\D", "", run))
        return found
