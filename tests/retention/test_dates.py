"""Each rule's due date on hand-built cases: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.retention.dates import by_rule, later_by, person_due
from locus.retention.models import RULES, RuleKind

DEFAULTS = {kind: shape.default for kind, shape in RULES.items()}
ACTIVE = dt.date(2020, 5, 1)


def due(**fields: object) -> tuple[str, dt.date] | None:
    values: dict = {
        "adult": False,
        "date_of_birth": dt.date(2008, 3, 14),
        "had_plan": False,
        "last_activity": ACTIVE,
        "open_now": False,
        "retain_until": None,
        "amounts": DEFAULTS,
    }
    values.update(fields)
    return person_due(**values)


def test_a_child_who_had_a_plan_is_kept_until_their_25th_birthday() -> None:
    assert due(had_plan=True) == (RuleKind.CHILD_PLAN, dt.date(2033, 3, 14))


def test_a_child_with_no_plan_goes_6_years_after_the_last_activity() -> None:
    assert due(had_plan=False) == (RuleKind.CHILD_NO_PLAN, dt.date(2026, 5, 1))


def test_a_child_with_a_plan_but_no_date_of_birth_is_counted_from_the_last_activity() -> None:
    assert due(had_plan=True, date_of_birth=None) == (RuleKind.CHILD_NO_PLAN, dt.date(2026, 5, 1))


def test_an_adult_of_concern_goes_6_years_after_the_last_activity() -> None:
    assert due(adult=True, date_of_birth=None) == (RuleKind.ADULT, dt.date(2026, 5, 1))


def test_nobody_is_due_while_something_about_them_is_open() -> None:
    assert due(open_now=True) is None
    assert due(adult=True, open_now=True) is None


def test_retain_until_keeps_a_record_longer_never_shorter() -> None:
    assert due(retain_until=dt.date(2030, 1, 1)) == (RuleKind.CHILD_NO_PLAN, dt.date(2030, 1, 1))
    assert due(retain_until=dt.date(2021, 1, 1)) == (RuleKind.CHILD_NO_PLAN, dt.date(2026, 5, 1))


def test_a_rule_as_set_replaces_the_default() -> None:
    shorter = {**DEFAULTS, RuleKind.CHILD_PLAN: 21}
    assert due(had_plan=True, amounts=shorter) == (RuleKind.CHILD_PLAN, dt.date(2029, 3, 14))


def test_a_context_case_goes_6_years_after_it_closed() -> None:
    assert by_rule(RuleKind.CONTEXT_CASE, dt.date(2019, 11, 30), DEFAULTS) == dt.date(2025, 11, 30)


def test_an_ended_note_goes_12_months_after_the_end() -> None:
    assert by_rule(RuleKind.ENDED_NOTE, dt.date(2025, 1, 31), DEFAULTS) == dt.date(2026, 1, 31)


def test_a_29_february_lands_on_the_28th_never_in_march() -> None:
    assert later_by(dt.date(2008, 2, 29), 25, "years") == dt.date(2033, 2, 28)
    assert later_by(dt.date(2024, 1, 31), 1, "months") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "amount", "unit"),
    [
        ("2020-01-01", 1, "years"),
        (dt.date(2020, 1, 1), -1, "years"),
        (dt.date(2020, 1, 1), 1, "weeks"),
    ],
)
def test_bad_arguments_are_refused_by_name(day: object, amount: int, unit: str) -> None:
    with pytest.raises(ValueError, match=r"^(day|amount|unit)"):
        later_by(day, amount, unit)  # type: ignore[arg-type]
