"""Nobody answers their own request: an identifier or possible-duplicate request is never
routed to the worker who asked it (another manager of the holding team, else the data team),
and they may not close it even when it was; a possible-duplicate request is closed with what
was found, and only "a different child" lets the requester record the person. Two answers to
one request cannot both go through."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from locus.access.models import Role, Worker
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.people.models import IdentifierQuery, Person, PersonKind, QueryKind, QueryOutcome
from locus.people.services import (
    PossibleDuplicate,
    duplicate_query_send,
    identifier_query_close,
    identifier_query_send,
    person_record,
    person_update,
)
from tests.factories import World, client_for, make_worker, valid_upn

pytestmark = pytest.mark.django_db


def typed(world: World) -> dict[str, Any]:
    """The details of team_child (held in team A, the team_manager's team), typed again."""
    child = world.team_child
    return {
        "kind": PersonKind.YOUNG_PERSON,
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth,
    }


def ask(world: World, actor: Worker | None = None) -> IdentifierQuery:
    return duplicate_query_send(actor=actor or world.team_manager, **typed(world))


def second_manager(world: World) -> Worker:
    return make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m2")


def same_family(world: World) -> int:
    return Person.objects.filter(family_name=world.team_child.family_name).count()


# --- Routing ---------------------------------------------------------------------------------


def test_a_request_goes_to_another_manager_of_the_holding_team(world: World) -> None:
    other = second_manager(world)
    assert ask(world).routed_to == other


def test_with_no_other_manager_it_goes_to_the_data_team_never_the_requester(world: World) -> None:
    query = ask(world)
    assert query.routed_to == world.admin
    # A worker asking on the page is told that someone else answers.
    child = world.team_child
    page = client_for(world.social_worker).post(
        reverse("person-new", args=["young-person"]),
        {
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y"),
            "sex": "0",
            "ethnicity": "NOBT",
            "ask": "1",
        },
        follow=True,
    )
    assert "nobody answers their own request" in page.content.decode()


def test_an_identifier_request_is_not_routed_to_its_requester(world: World) -> None:
    upn = valid_upn(88001)
    person_update(actor=world.system, person=world.team_child, upn=upn)
    query = identifier_query_send(
        actor=world.team_manager, person=world.csc_child, field="upn", value=upn
    )
    assert query.routed_to == world.admin


# --- Answering -------------------------------------------------------------------------------


def test_the_requester_may_not_answer_even_when_it_was_routed_to_them(world: World) -> None:
    query = ask(world)
    # A request routed to its requester before this rule (or by hand) stays unanswerable by them.
    IdentifierQuery.objects.filter(pk=query.pk).update(routed_to=world.team_manager)
    with pytest.raises(NotPermitted):
        identifier_query_close(
            actor=world.team_manager,
            query=query,
            note="It is a different child",
            outcome=QueryOutcome.DIFFERENT,
        )
    assert IdentifierQuery.objects.get(pk=query.pk).closed_at is None
    client = client_for(world.team_manager)
    assert client.get(reverse("identifier-query", args=[query.pk])).status_code == 404
    assert (
        "No identifier requests are waiting"
        in client.get(reverse("identifier-queries")).content.decode()
    )


def test_an_administrator_does_not_answer_their_own_request(world: World) -> None:
    upn = valid_upn(88002)
    person_update(actor=world.system, person=world.team_child, upn=upn)
    query = identifier_query_send(actor=world.admin, person=world.csc_child, field="upn", value=upn)
    assert query.routed_to != world.admin
    with pytest.raises(NotPermitted):
        identifier_query_close(actor=world.admin, query=query, note="Fixed it myself")


def test_the_same_child_answer_does_not_let_the_requester_record(world: World) -> None:
    before = same_family(world)
    query = ask(world)
    with pytest.raises(ValidationFailed) as missing:
        identifier_query_close(actor=world.admin, query=query, note="Checked the record")
    assert "outcome" in missing.value.errors
    identifier_query_close(
        actor=world.admin, query=query, note="It is the same child", outcome=QueryOutcome.SAME
    )
    assert IdentifierQuery.objects.get(pk=query.pk).outcome == QueryOutcome.SAME
    with pytest.raises(PossibleDuplicate, match="already has a record"):
        person_record(actor=world.team_manager, **typed(world))
    # Nor does a reason of the requester's undo what was found.
    with pytest.raises(PossibleDuplicate, match="already has a record"):
        person_record(actor=world.team_manager, different_reason="I am sure", **typed(world))
    assert same_family(world) == before


def test_a_different_child_answer_lets_the_requester_record(world: World) -> None:
    before = same_family(world)
    query = ask(world)
    identifier_query_close(
        actor=world.admin,
        query=query,
        note="Different school and parents",
        outcome=QueryOutcome.DIFFERENT,
    )
    person_record(actor=world.team_manager, **typed(world))
    assert same_family(world) == before + 1


def test_two_answers_to_one_request_cannot_both_go_through(world: World) -> None:
    other = second_manager(world)
    query = ask(world)
    first, stale = (IdentifierQuery.objects.get(pk=query.pk) for _ in range(2))
    identifier_query_close(
        actor=other, query=first, note="The same child", outcome=QueryOutcome.SAME
    )
    with pytest.raises(ValidationFailed, match="already closed"):
        identifier_query_close(
            actor=world.admin, query=stale, note="Different", outcome=QueryOutcome.DIFFERENT
        )
    closed = IdentifierQuery.objects.get(pk=query.pk)
    assert closed.closed_by == other and closed.outcome == QueryOutcome.SAME


def test_the_page_asks_what_was_found_for_a_possible_duplicate(world: World) -> None:
    other = second_manager(world)
    query = ask(world)
    client = client_for(other)
    url = reverse("identifier-query", args=[query.pk])
    page = client.get(url).content.decode()
    assert "A different child: may be recorded" in page and "The same child: do not record" in page
    refused = client.post(url, {"note": "Checked"}).content.decode()
    assert "Choose whether it is a different child or the same child" in refused
    done = client.post(url, {"note": "Checked", "outcome": QueryOutcome.DIFFERENT})
    assert done.status_code == 302
    assert IdentifierQuery.objects.get(pk=query.pk).outcome == QueryOutcome.DIFFERENT


def test_closed_duplicate_requests_before_the_outcome_count_as_a_different_child(
    world: World,
) -> None:
    """What closing did before the outcome (it let the requester record) is what the
    migration says it found; an identifier request has no outcome."""
    duplicate = ask(world)
    upn = valid_upn(88003)
    person_update(actor=world.system, person=world.team_child, upn=upn)
    identifier = identifier_query_send(
        actor=world.social_worker, person=world.csc_child, field="upn", value=upn
    )
    opened = ask(world, actor=world.social_worker)
    now = clock.now()
    IdentifierQuery.objects.filter(pk__in=[duplicate.pk, identifier.pk]).update(closed_at=now)
    migration = importlib.import_module("locus.people.migrations.0007_duplicate_query_outcome")
    migration.closed_duplicates_were_different(apps, None)
    outcomes = dict(IdentifierQuery.objects.values_list("pk", "outcome"))
    assert outcomes == {duplicate.pk: "different", identifier.pk: "", opened.pk: ""}
    assert IdentifierQuery.objects.get(pk=duplicate.pk).kind == QueryKind.DUPLICATE
