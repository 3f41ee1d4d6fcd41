"""The pure checks behind recording a person: identifiers, dates of birth, names, addresses."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locus.people.identifiers import (
    date_of_birth_problem,
    la_child_id_problem,
    names_similar,
    nhs_number_problem,
    normalise_address,
    normalise_name,
    upn_check_letter,
    upn_problem,
)

digits12 = st.text(alphabet=string.digits, min_size=12, max_size=12)
digits9 = st.text(alphabet=string.digits, min_size=9, max_size=9)


def nhs_number(body: str) -> str | None:
    """The valid NHS number with these nine digits, built by the algorithm (None: none)."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else body + str(check % 11)


def one_digit_changed(number: str, data: st.DataObject, start: int) -> str:
    position = data.draw(st.integers(start, len(number) - 1))
    new = data.draw(st.sampled_from([d for d in string.digits if d != number[position]]))
    return number[:position] + new + number[position + 1 :]


@given(digits12, st.data())
def test_a_upn_built_by_the_algorithm_passes_and_any_one_digit_change_fails(
    digits: str, data: st.DataObject
) -> None:
    upn = upn_check_letter(digits) + digits
    assert upn_problem(upn) is None
    changed = upn[0] + one_digit_changed(upn[1:], data, 0)
    assert upn_problem(changed) is not None


@given(digits9, st.data())
def test_an_nhs_number_built_by_the_algorithm_passes_and_any_one_digit_change_fails(
    body: str, data: st.DataObject
) -> None:
    number = nhs_number(body)
    if number is None:  # the check would be 10: no valid number has these nine digits
        assert all(nhs_number_problem(body + d) for d in string.digits)
        return
    assert nhs_number_problem(number) is None
    assert nhs_number_problem(one_digit_changed(number, data, 0)) is not None


@pytest.mark.parametrize("value", ["C123456", "LA-77003", "2024-0001", "A" * 20])
def test_la_child_ids_that_pass(value: str) -> None:
    assert la_child_id_problem(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("A" * 21, "An LA child ID is 20 characters or fewer"),
        ("LA/77003", "An LA child ID has only letters, digits and hyphens"),
        ("-77003", "starting with a letter or digit"),
        ("<B>", "An LA child ID has only letters"),
    ],
)
def test_la_child_ids_refused(value: str, message: str) -> None:
    assert message in (la_child_id_problem(value) or "")


TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("dob", "adult", "message"),
    [
        (dt.date(2026, 6, 2), False, "The date of birth must not be in the future"),
        (dt.date(2026, 6, 2), True, "The date of birth must not be in the future"),
        (dt.date(2001, 6, 1), False, "A young person is under 25: check the date of birth"),
        (dt.date(2008, 6, 2), True, "An adult of concern is 18 or over"),
        (dt.date(2001, 6, 2), False, None),  # 24 until tomorrow
        (dt.date(2008, 6, 1), True, None),  # 18 today
        (dt.date(2026, 6, 1), False, None),  # born today
    ],
)
def test_date_of_birth_plausible(dob: dt.date, adult: bool, message: str | None) -> None:
    problem = date_of_birth_problem(dob, adult=adult, today=TODAY)
    assert (problem is None) if message is None else (message in (problem or ""))


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("  Zoë  O'Brien-Smith ", "zoe obrien smith"),
        ("JOSÉ", "jose"),
        ("Anne-Marie", "anne marie"),
        ("O\u2019Neill", "oneill"),
    ],
)
def test_normalise_name(name: str, plain: str) -> None:
    assert normalise_name(name) == plain


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        (("Jordan", "Taylor", ""), ("JORDAN", "taylor", ""), True),
        (("Jordan", "Taylor", ""), ("Jordon", "Tayler", ""), True),  # one slip in each
        (("Zoë", "Smith-Jones", ""), ("Zoe", "Smith Jones", ""), True),
        (("Olu", "Otherchild", ""), ("Olu", "Other-Child", ""), True),
        (("Jay", "Taylor", ""), ("Jordan", "Taylor", "Jay"), True),  # known as
        (("Jordan", "Taylor", ""), ("Jamal", "Taylor", ""), False),
        (("Jordan", "Taylor", ""), ("Jordan", "Thomas", ""), False),
        (("Al", "Li", ""), ("Al", "Lu", ""), False),  # short names must be equal
    ],
)
def test_names_similar(
    first: tuple[str, str, str], second: tuple[str, str, str], similar: bool
) -> None:
    assert names_similar(first, second) is similar
    assert names_similar(second, first) is similar


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_a_name_is_similar_to_itself_in_any_case(given_name: str, family: str) -> None:
    if normalise_name(family) and normalise_name(given_name):
        assert names_similar((given_name, family, ""), (given_name.upper(), family.lower(), ""))


def test_normalise_address_ignores_case_punctuation_and_spacing() -> None:
    assert normalise_address("Flat 2, 14 Mare St.") == normalise_address("flat 2  14 MARE ST")
    assert normalise_address("Flat 2, 14 Mare St") != normalise_address("Flat 3, 14 Mare St")
