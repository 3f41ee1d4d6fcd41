"""Checks on the identifiers that local authorities already hold.

Pure functions, so that importers, forms and services give the same answer.
"""

from __future__ import annotations

import re
from operator import mul

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_RE = re.compile(r"^[A-Z]\d{12}$")
_UPN_WEIGHTS = range(2, 14)  # the weights of the 12 digits, in order


def upn_check_letter(digits12: str) -> str:
    """The DfE check letter for the 12 digits of a Unique Pupil Number.

    The letter is sum(digit x weight) mod 23 indexed into ``UPN_CHECK_LETTERS``,
    with weights 2..13 for the digits in positions 2..13.
    """
    if len(digits12) != 12 or not digits12.isdigit():
        raise ValueError("a UPN has 12 digits after its check letter")
    total = sum(map(mul, map(int, digits12), _UPN_WEIGHTS))  # an import checks every child's
    return UPN_CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why ``upn`` is not a valid UPN, or ``None`` when it is."""
    if not _UPN_RE.match(upn):
        return "A UPN is 13 characters: a check letter followed by 12 digits"
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        return f"The UPN's check letter is wrong: {upn[1:]} needs {expected}, not {upn[0]}"
    return None


def nhs_number_problem(number: str) -> str | None:
    """Why ``number`` is not a valid NHS number (modulus 11 check), or ``None``."""
    digits = number.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return "An NHS number is 10 digits"
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return "The NHS number's check digit is wrong"
    return None
