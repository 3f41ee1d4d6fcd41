"""Matching a return's child to a record Locus holds: the rule every import that matches
children on their identifiers (CIN, SSDA903) shares. Apart from ``core`` because it reads
the people app's models, which the command line's parser (``locus.cli``, built before
Django is set up) must not import."""

from __future__ import annotations

import datetime as dt

from locus.common import clock
from locus.people.identifiers import date_of_birth_problem
from locus.people.models import Person, PersonKind

YOUNG_PERSON = PersonKind.YOUNG_PERSON.value  # read once: an enum member's value is a lookup


def unlike(
    match: Person | None, *, upn: str | None, born: dt.date | None, by_upn_only: bool
) -> str:
    """Why the record an identifier found is not the child a return describes (empty when
    nothing says so), for every import that matches children on their identifiers (CIN,
    SSDA903): an adult's record never takes a child's return, and a record found by its UPN
    alone (no LA child ID yet) must not be born on another day than ``born``. Otherwise one
    mistyped or planted UPN would give a child's return, and the LA child ID, to another
    record."""
    if match is None:
        return ""
    if match.kind != YOUNG_PERSON:
        return (
            f"The {'UPN' if by_upn_only else 'LA child ID'} is held in Locus by an adult's "
            "record, not a child's: check the identifier in the return and in Locus."
        )
    if by_upn_only and born and match.date_of_birth and match.date_of_birth != born:
        return (
            f"UPN {upn} is held in Locus by a child born on "
            f"{match.date_of_birth:%d/%m/%Y}, not {born:%d/%m/%Y}: check the UPN."
        )
    return ""


def born_unlike(match: Person | None, *, la_child_id: str, born: dt.date | None) -> str:
    """Why the record found by its LA child ID is not the child a return describes, by
    their dates of birth (empty when nothing says so): :func:`unlike`'s rule for a record
    found by its UPN alone, held to a record found by its LA child ID too. A mistyped LA
    child ID, or a date of birth mistyped in the case system, must not rewrite the date a
    worker recorded and every duplicate check reads: whichever is wrong is corrected where
    it is wrong (the person's page, or the case system) and the return imported again."""
    if match is None or not born or not match.date_of_birth or match.date_of_birth == born:
        return ""
    return (
        f"LA child ID {la_child_id} is held in Locus by a child born on "
        f"{match.date_of_birth:%d/%m/%Y}, not {born:%d/%m/%Y}: check the LA child ID and the "
        "date of birth (correct a wrong one in Locus on the child's page, then import again)."
    )


def birth_unheld(match: Person | None, *, born: dt.date, today: dt.date | None = None) -> str:
    """Why Locus may not hold ``born``, a return's date of birth for the child it matched to
    ``match`` (empty when it may), for every import that matches children (CIN, SSDA903): a
    date Locus is to hold (a new child's, or one for a record holding none) is a young
    person's, under 25 and not in the future, the bounds of the record page and the people
    file (``people.identifiers.date_of_birth_problem``). A date Locus holds already is not
    rewritten: :func:`born_unlike` says whether it is the return's. ``today``, when given,
    is the clock's today read once for a batch (reading it was a tenth of matching one)."""
    if match is not None and match.date_of_birth is not None:
        return ""
    return date_of_birth_problem(born, adult=False, today=today or clock.today()) or ""
