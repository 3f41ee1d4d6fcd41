"""The permission matrix for break-glass: persona x step, for a child nobody in the world holds.

``stranger`` is allocated to a worker of a third CSC team, so before break-glass
only the administrator sees them. Each row is one step of break-glass; cells are
``Y`` (allowed / sees) and ``-`` (refused / does not see). Views are checked at
every layer (policy, scope, lookup 404 identical to a missing id), as in
``test_permission_matrix.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import break_glass, lookups, policies, scopes
from locus.access.models import BreakGlass, Role, Worker
from locus.access.services import break_glass_request
from locus.audit.models import AccessEvent
from locus.common.errors import NotPermitted
from locus.people.models import Person
from locus.people.services import allocation_create
from tests.access.test_permission_matrix import PERSONAS, _check_view
from tests.factories import START, World, make_person, make_team, make_worker, nothing_written
from tests.frozen_clock import FrozenClock

# fmt: off
BREAK_GLASS_TABLE = {
    #                    sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "sees_before":     " -    -    -    -    -    -    -    -    -    Y ",
    "may_ask":         " Y    Y    Y    Y    Y    Y    Y    -    -    - ",
    "sees_during":     " Y    Y    Y    Y    Y    Y    Y    -    -    Y ",
    "sees_in_full":    " Y    Y    Y    Y    Y    Y    Y    -    -    Y ",
    "may_name":        " -    -    -    -    -    -    -    -    -    Y ",
    "sees_after":      " -    -    -    -    -    -    -    -    -    Y ",
    "reviews_sw":      " -    -    Y    -    -    -    -    -    -    - ",
    "lists_sw":        " Y    -    Y    -    -    -    -    -    Y    Y ",
}
# fmt: on

REASON = "Child reported missing overnight; need the address and family contacts now"


def _cases() -> list[Any]:
    cases = []
    for step, row in BREAK_GLASS_TABLE.items():
        cells = row.split()
        assert len(cells) == len(PERSONAS), step
        for persona, cell in zip(PERSONAS, cells, strict=True):
            assert cell in {"Y", "-"}, (step, cell)
            cases.append(pytest.param(step, persona, cell == "Y", id=f"{step}-{persona}"))
    return cases


@pytest.fixture
def stranger(world: World) -> Person:
    team = make_team(world.system, agency=world.csc, name="Leaving Care Team C")
    holder = make_worker(world.system, team=team, role=Role.PRACTITIONER)
    child = make_person(world.system, given_name="Sami", family_name="Stranger")
    allocation_create(actor=world.system, person=child, worker=holder, start=START)
    return child


def _ask(worker: Worker, child: Person) -> BreakGlass | None:
    return break_glass_request(
        actor=worker, person_id=child.pk, category="missing_child", reason=REASON
    )


def _check_sight(worker: Worker, child: Person, expected: bool) -> None:
    _check_view(
        worker,
        child,
        expected,
        policy=policies.can_view_person,
        visible=scopes.people_visible_to,
        lookup=lookups.access_person,
    )


@pytest.mark.parametrize(("step", "persona", "expected"), _cases())
def test_break_glass_matrix(
    world: World,
    stranger: Person,
    frozen_clock: FrozenClock,
    step: str,
    persona: str,
    expected: bool,
) -> None:
    worker = world.persona(persona)
    if step == "sees_before":
        _check_sight(worker, stranger, expected)
        return
    if step == "may_ask":
        assert break_glass.may_break_glass(worker) is expected
        if expected:
            assert _ask(worker, stranger) is not None
        else:
            with nothing_written(BreakGlass, AccessEvent), pytest.raises(NotPermitted):
                _ask(worker, stranger)
        return
    if step in ("reviews_sw", "lists_sw"):
        use = _ask(world.social_worker, stranger)
        assert use is not None
        if step == "reviews_sw":
            assert break_glass.can_review(worker, use) is expected
        else:
            assert break_glass.uses_visible_to(worker).filter(pk=use.pk).exists() is expected
        return
    if break_glass.may_break_glass(worker):
        _ask(worker, stranger)
    if step == "sees_during":
        _check_sight(worker, stranger, expected)
    elif step == "sees_in_full":
        # Break-glass is sight in the worker's own right, not a forum's subset.
        own = scopes.people_visible_to(worker, shared=False).filter(pk=stranger.pk).exists()
        assert own is expected
    elif step == "may_name":
        assert policies.can_name_people(worker, [stranger]) is expected
        assert policies.can_record_about_person(worker, stranger) is expected
    elif step == "sees_after":
        frozen_clock.at(frozen_clock.now + break_glass.LASTS + dt.timedelta(minutes=1))
        _check_sight(worker, stranger, expected)
    else:
        raise AssertionError(step)
