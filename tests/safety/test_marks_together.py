"""The places a session's child named, marked together: each checked, written and audited as
one mark is, whether the worker may record them and name the places asked once."""

from __future__ import annotations

from typing import Any

import pytest

from locus.access import safety as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted, ValidationFailed
from locus.people.models import Person
from locus.safety import services
from locus.safety.models import MarkedPlace
from tests.factories import World, changes_for, make_context, nothing_written
from tests.safety.helpers import session

pytestmark = pytest.mark.django_db

WHY = {"why": "Older boys wait there and ask me to carry things"}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time it is asked whether a worker records a child's safety, or which places they
    may name for the child."""
    calls: list[str] = []
    rule, names = rules.can_record_safety, services.nameable_contexts

    def counted_rule(worker: Worker, person: Person) -> bool:
        calls.append("may record")
        return rule(worker, person)

    def counted_names(**given: Any) -> set[int]:
        calls.append("may name")
        return names(**given)

    monkeypatch.setattr(rules, "can_record_safety", counted_rule)
    monkeypatch.setattr(services, "nameable_contexts", counted_names)
    return calls


def test_a_session_s_places_are_marked_and_audited_each_asking_once(
    world: World, asked: list[str]
) -> None:
    s = session(world.social_worker, world.csc_child)
    asked.clear()
    made = services.mark_places(
        actor=world.social_worker,
        session=s,
        marks=[
            {"rating": "red", "context": world.park, **WHY},
            {"rating": "green", "context": world.home, **WHY},
            {"rating": "amber", "description": "The alley behind the shop", **WHY},
        ],
    )
    assert [m.context for m in made] == [world.park, world.home, None]
    assert [m.rating for m in made] == ["red", "green", "amber"]
    assert asked == ["may record", "may name"]
    for m in made:
        assert [e.action for e in changes_for(m)] == ["create"]
        assert m.recorded_by == world.social_worker and m.session == s


@pytest.mark.parametrize("persona", ["other_social_worker", "police_analyst", "auditor", "admin"])
def test_nobody_but_the_holders_marks_them(world: World, persona: str) -> None:
    s = session(world.social_worker, world.csc_child)
    with nothing_written(MarkedPlace), pytest.raises(NotPermitted):
        services.mark_places(
            actor=world.persona(persona),
            session=s,
            marks=[{"rating": "red", "context": world.park, **WHY}],
        )


def test_one_place_she_may_not_name_refuses_the_session_s_marks(world: World) -> None:
    """Another family's home is not offered for the child: marking it with the park marks
    neither."""
    elsewhere = make_context(world.system, kind="home", name="Flat 9, Other House")
    s = session(world.social_worker, world.csc_child)
    with nothing_written(MarkedPlace), pytest.raises(ValidationFailed) as caught:
        services.mark_places(
            actor=world.social_worker,
            session=s,
            marks=[
                {"rating": "red", "context": world.park, **WHY},
                {"rating": "red", "context": elsewhere, **WHY},
            ],
        )
    assert caught.value.errors == {"context": ["Choose a place from the list"]}
