"""Review findings (throwaway, REPORT ONLY): possible-duplicate and identifier requests.

Each test states the behaviour the rules promise and fails on the code as it stands."""

from __future__ import annotations

import contextlib

import pytest
from django.urls import reverse

from locus.access.models import Role
from locus.common.errors import NotPermitted
from locus.people.models import IdentifierQuery, QueryOutcome
from locus.people.services import PossibleDuplicate, identifier_query_close, person_record
from tests.factories import World, client_for, valid_upn
from tests.people.test_query_answers import ask, same_family, second_manager, typed

pytestmark = pytest.mark.django_db


def test_a_same_child_answer_is_not_undone_by_typing_one_more_detail(world: World) -> None:
    """The answer "the same child" binds the requester by the search key: adding any
    identifier (even a made-up UPN) makes a new key, so the answer no longer applies and the
    requester's own reason records the duplicate after all."""
    before = same_family(world)
    query = ask(world)
    identifier_query_close(
        actor=world.admin, query=query, note="It is the same child", outcome=QueryOutcome.SAME
    )
    with pytest.raises(PossibleDuplicate):
        person_record(actor=world.team_manager, different_reason="I am sure", **typed(world))
    # The same child, the same name and date of birth: the check still matches the record...
    details = {**typed(world), "upn": valid_upn(77123)}
    with contextlib.suppress(PossibleDuplicate):
        person_record(actor=world.team_manager, different_reason="I am sure", **details)
    # ...but the answer "the same child" should still stand.
    assert same_family(world) == before, "the requester recorded the child answered as 'same'"


def test_a_manager_moved_to_another_team_no_longer_answers(world: World) -> None:
    """A request routed to a manager of the team holding the record stays answerable by them
    after they leave that team (only is_active is checked): they say "a different child"
    about a record they can no longer see, and the requester may then record it."""
    moved = second_manager(world)
    query = ask(world)
    assert query.routed_to == moved
    moved.team = world.csc_team_b
    moved.save(update_fields=["team"])
    page = client_for(moved).get(reverse("identifier-query", args=[query.pk]))
    assert page.status_code == 404, "the moved manager still opens the request"
    with pytest.raises(NotPermitted):
        identifier_query_close(
            actor=moved, query=query, note="Different", outcome=QueryOutcome.DIFFERENT
        )


def test_a_manager_made_practitioner_no_longer_answers(world: World) -> None:
    demoted = second_manager(world)
    query = ask(world)
    demoted.role = Role.PRACTITIONER
    demoted.save(update_fields=["role"])
    with pytest.raises(NotPermitted):
        identifier_query_close(
            actor=demoted, query=query, note="Different", outcome=QueryOutcome.DIFFERENT
        )
    assert IdentifierQuery.objects.get(pk=query.pk).closed_at is None


def test_a_different_child_answer_covers_only_the_records_it_was_asked_about(
    world: World,
) -> None:
    """The answer is looked up by the search key alone: a record of the same details made
    after the answer (here by a colleague) is never put to anyone, and the requester records
    a third copy with no reason at all."""
    query = ask(world)
    identifier_query_close(
        actor=world.admin, query=query, note="Different parents", outcome=QueryOutcome.DIFFERENT
    )
    # Meanwhile a colleague records the child the request was really about.
    colleague = person_record(
        actor=world.social_worker, different_reason="Not Tariq from team A", **typed(world)
    )
    assert colleague.pk not in set(query.matches.values_list("pk", flat=True))
    with pytest.raises(PossibleDuplicate):
        person_record(actor=world.team_manager, **typed(world))
