"""Pure checks on what a worker types about a person: identifiers, a date of birth, a name.

No database here, so that the record page, the edit page and the duplicate check give the
same answers, and so that Hypothesis can test them. The UPN and NHS number check algorithms
live in ``common.validators`` (importers use them too); this module adds the rest.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from locus.common.validators import nhs_number_problem, upn_check_letter, upn_problem

__all__ = [
    "birth_year_problem",
    "date_of_birth_problem",
    "la_child_id_problem",
    "names_similar",
    "nhs_number_problem",
    "normalise_address",
    "normalise_name",
    "upn_check_letter",
    "upn_problem",
]

# An LA child ID is the local authority's own case number: letters, digits and hyphens,
# as the case system prints it (C123456, LA-77003).
LA_CHILD_ID_MAX = 20
_LA_CHILD_ID_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")

# A young person is under 25 (leaving care and SEND duties run to 25); an adult of concern
# is 18 or over (a younger person is recorded as a young person).
YOUNG_PERSON_UNDER = 25
ADULT_FROM = 18


def la_child_id_problem(value: str) -> str | None:
    """Why ``value`` (already upper-cased, spaces removed) is not an LA child ID, or None."""
    if len(value) > LA_CHILD_ID_MAX:
        return f"An LA child ID is {LA_CHILD_ID_MAX} characters or fewer"
    if not _LA_CHILD_ID_RE.match(value):
        return (
            "An LA child ID has only letters, digits and hyphens, starting with a letter or digit"
        )
    return None


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# No date of birth Locus holds is before 1900: an earlier one is a mistyped year (0025, 1025,
# 1850 for 1950), whichever way it comes in (a form, an import).
EARLIEST_BIRTH_YEAR = 1900


def birth_year_problem(dob: dt.date) -> str | None:
    """Why ``dob`` can be nobody's date of birth (a year before 1900), or None: the one rule
    the person service and every import apply."""
    if dob.year < EARLIEST_BIRTH_YEAR:
        return f"The date of birth must be after {EARLIEST_BIRTH_YEAR}"
    return None


def date_of_birth_problem(dob: dt.date, *, adult: bool, today: dt.date) -> str | None:
    """Why ``dob`` is not a plausible date of birth for a young person (``adult`` False) or
    an adult of concern, on ``today``; None when it is."""
    if dob > today:
        return "The date of birth must not be in the future"
    age = _age_on(dob, today)
    if adult and age < ADULT_FROM:
        return (
            f"An adult of concern is {ADULT_FROM} or over: check the date of birth, "
            "or record a young person"
        )
    if not adult and age >= YOUNG_PERSON_UNDER:
        return f"A young person is under {YOUNG_PERSON_UNDER}: check the date of birth"
    return None


def normalise_name(name: str) -> str:
    """``"  Zoë  O'Brien-Smith "`` to ``"zoe obrien smith"``: case, accents, hyphens and
    spacing do not tell two people apart, so a duplicate check ignores them."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"['\u2019`.]", "", plain)  # O'Brien, O\u2019Brien and OBrien are one
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _close(a: str, b: str) -> bool:
    """Equal, or (for names of four letters or more) one letter added, dropped or changed:
    the slips of someone typing a name they heard."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# Given names agree when they share this many first letters (Jo, Joe, Jordan do not all
# agree; Jordan and Jordon do): a nickname is caught by "known as" instead.
GIVEN_PREFIX = 3


def _given_agree(a: str, b: str) -> bool:
    n = min(GIVEN_PREFIX, len(a), len(b))
    return bool(a and b) and (a[:n] == b[:n] if n == GIVEN_PREFIX else a == b)


def names_similar(first: tuple[str, str, str], second: tuple[str, str, str]) -> bool:
    """Whether two (given name, family name, known as) triples may name the same person:
    family names close (after :func:`normalise_name`), and a given name or "known as" of
    one agreeing with a given name or "known as" of the other."""
    given_a, family_a, known_a = (normalise_name(part) for part in first)
    given_b, family_b, known_b = (normalise_name(part) for part in second)
    if not family_a or not _close(family_a, family_b):
        return False
    names_a = [n for n in (given_a, known_a) if n]
    names_b = [n for n in (given_b, known_b) if n]
    return any(_given_agree(a, b) for a in names_a for b in names_b)


def normalise_address(address: str) -> str:
    """An address line as two workers typing it may be compared: case, punctuation and
    spacing dropped ("Flat 2, 14 Mare St." and "flat 2 14 mare st" are one)."""
    return normalise_name(address.replace(",", " "))
