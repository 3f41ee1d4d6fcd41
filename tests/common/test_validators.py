"""UPN check letters and NHS number check digits, on examples worked by hand."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locus.common.validators import (
    UPN_CHECK_LETTERS,
    nhs_number_problem,
    upn_check_letter,
    upn_problem,
)

# The 23 check letters, indexed: the alphabet without I, O and S.
#   A0 B1 C2 D3 E4 F5 G6 H7 J8 K9 L10 M11 N12 P13 Q14 R15 T16 U17 V18 W19 X20 Y21 Z22
#
# Worked by hand: each of the 12 digits times its weight (2 for the first digit
# after the letter, up to 13 for the last), summed, mod 23, indexed above.
#
# "123456789012": 1x2 + 2x3 + 3x4 + 4x5 + 5x6 + 6x7 + 7x8 + 8x9 + 9x10 + 0x11 + 1x12 + 2x13
#               = 2 + 6 + 12 + 20 + 30 + 42 + 56 + 72 + 90 + 0 + 12 + 26 = 368
#               = 16 x 23 + 0                   -> index 0  -> A
# "204261234567": 2x2 + 0x3 + 4x4 + 2x5 + 6x6 + 1x7 + 2x8 + 3x9 + 4x10 + 5x11 + 6x12 + 7x13
#               = 4 + 0 + 16 + 10 + 36 + 7 + 16 + 27 + 40 + 55 + 72 + 91 = 374
#               = 368 + 6                       -> index 6  -> G   (LA code 204)
# "000000000001": 1x13 = 13                     -> index 13 -> P   (O is skipped)
# "400000000000": 4x2 = 8                       -> index 8  -> J   (I is skipped)
# "800000000000": 8x2 = 16                      -> index 16 -> T   (S is skipped)
# "000000000200": 2x11 = 22                     -> index 22 -> Z   (the last letter)
# "999999999999": 9 x (2 + 3 + ... + 13) = 9 x 90 = 810 = 35 x 23 + 5 -> index 5 -> F
# "000000000000": 0                             -> index 0  -> A
UPN_WORKED = [
    ("123456789012", "A"),
    ("204261234567", "G"),
    ("000000000001", "P"),
    ("400000000000", "J"),
    ("800000000000", "T"),
    ("000000000200", "Z"),
    ("999999999999", "F"),
    ("000000000000", "A"),
]


def test_the_check_letters_are_the_alphabet_without_i_o_s() -> None:
    assert len(UPN_CHECK_LETTERS) == 23
    assert set(string.ascii_uppercase) - set(UPN_CHECK_LETTERS) == {"I", "O", "S"}


@pytest.mark.parametrize(("digits", "letter"), UPN_WORKED)
def test_upn_check_letter_on_worked_examples(digits: str, letter: str) -> None:
    assert upn_check_letter(digits) == letter
    assert upn_problem(letter + digits) is None


@pytest.mark.parametrize("digits", ["12345678901", "1234567890123", "12345678901X", ""])
def test_upn_check_letter_needs_twelve_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        upn_check_letter(digits)


@pytest.mark.parametrize(
    "upn",
    [
        "A12345678901",  # 12 characters
        "A1234567890123",  # 14 characters
        "a123456789012",  # lower-case letter (services upper-case before checking)
        "1123456789012",  # no letter
        "A12345678901X",  # a letter among the digits
        "A 123456789012",
        "",
    ],
)
def test_upn_of_the_wrong_shape(upn: str) -> None:
    assert upn_problem(upn) == "A UPN is 13 characters: a check letter followed by 12 digits"


def test_upn_with_the_wrong_check_letter_says_which_letter_it_needs() -> None:
    assert upn_problem("B123456789012") == (
        "The UPN's check letter is wrong: 123456789012 needs A, not B"
    )


@given(st.text(alphabet=string.digits, min_size=12, max_size=12))
def test_a_upn_built_with_its_check_letter_is_valid(digits: str) -> None:
    assert upn_problem(upn_check_letter(digits) + digits) is None


@given(
    st.text(alphabet=string.digits, min_size=12, max_size=12),
    st.sampled_from(string.ascii_uppercase),
)
def test_any_other_letter_fails(digits: str, letter: str) -> None:
    expected = upn_check_letter(digits)
    if letter == expected:
        assert upn_problem(letter + digits) is None
    else:
        problem = upn_problem(letter + digits)
        assert problem is not None
        assert f"needs {expected}, not {letter}" in problem


# NHS numbers: the first nine digits times weights 10 down to 2, summed; the
# check digit is 11 - (sum mod 11), where 11 becomes 0 and 10 means the number
# is not valid at all.
#
# 9434765919 (the widely published test number):
#   9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2
#   = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299
#   299 = 27 x 11 + 2, so 11 - 2 = 9, and the tenth digit is 9: valid.
# 1000000001: 1x10 = 10; 10 mod 11 = 10; 11 - 10 = 1: check digit 1, valid.
# 0100000010: 1x9 + 1x2 = 11; 11 mod 11 = 0; 11 - 0 = 11 -> 0: check digit 0, valid.
# 000000006x: 6x2 = 12; 12 mod 11 = 1; 11 - 1 = 10: no check digit works.
NHS_VALID = ["9434765919", "1000000001", "0100000010", "943 476 5919"]
NHS_BAD_CHECK = ["9434765918", "9434765910", "1000000002", "0100000011"]


@pytest.mark.parametrize("number", NHS_VALID)
def test_valid_nhs_numbers(number: str) -> None:
    assert nhs_number_problem(number) is None


@pytest.mark.parametrize("number", NHS_BAD_CHECK)
def test_nhs_number_with_the_wrong_check_digit(number: str) -> None:
    assert nhs_number_problem(number) == "The NHS number's check digit is wrong"


@pytest.mark.parametrize("last", string.digits)
def test_nhs_number_whose_check_would_be_ten_is_never_valid(last: str) -> None:
    assert nhs_number_problem("000000006" + last) == "The NHS number's check digit is wrong"


@pytest.mark.parametrize("number", ["943476591", "94347659190", "943476591X", "", "abcdefghij"])
def test_nhs_number_of_the_wrong_shape(number: str) -> None:
    assert nhs_number_problem(number) == "An NHS number is 10 digits"


@given(st.text(alphabet=string.digits, min_size=9, max_size=9))
def test_at_most_one_check_digit_makes_an_nhs_number_valid(body: str) -> None:
    valid = [d for d in string.digits if nhs_number_problem(body + d) is None]
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        assert valid == []
    else:
        assert valid == [str(check % 11)]
