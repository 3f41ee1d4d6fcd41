"""Nobody answers their own request: an identifier or possible-duplicate request is never
routed to the worker who asked it (another manager of the holding team, else the data team),
and they may not close it even when it was; a possible-duplicate request is closed with what
was found, and only "a different child" lets the requester record the person. Two answers to
one request cannot both go through.

What an answer covers: "the same child" holds for every record it was asked about, whatever
the requester types next; "a different child" covers only the records it was asked about.
A manager who moved on (another team or role, gone, or their team no longer holds the record)
answers no more: the request goes on, as a new one would, and the requester is not stuck."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from locus.access.models import Role, Worker
from locus.access.policies import routed_answerer_may_answer
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.people.models import IdentifierQuery, Person, PersonKind, QueryKind, QueryOutcome
from locus.people.services import (
    PossibleDuplicate,
    allocation_end,
    duplicate_query_send,
    identifier_query_close,
    identifier_query_send,
    person_record,
    person_update,
)
from tests.factories import World, changes_for, client_for, make_worker, valid_upn

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


# --- What an answer covers -------------------------------------------------------------------


def answer(world: World, query: IdentifierQuery, outcome: str) -> None:
    identifier_query_close(actor=world.admin, query=query, note="Checked", outcome=outcome)


def people() -> int:
    return Person.objects.count()


@pytest.mark.parametrize(
    "retyped",
    [
        pytest.param({"upn": valid_upn(77123)}, id="a made-up UPN added"),
        pytest.param({"family_name": "Teamchilde"}, id="the name typed slightly differently"),
    ],
)
def test_a_same_child_answer_holds_whatever_is_typed_next(
    world: World, retyped: dict[str, Any]
) -> None:
    """One more detail, or a letter changed, makes other details; the check still matches the
    record the answer found to be this child, so the requester's reason does not record it."""
    before = people()
    answer(world, ask(world), QueryOutcome.SAME)
    with pytest.raises(PossibleDuplicate, match="already has a record"):
        person_record(
            actor=world.team_manager, different_reason="I am sure", **{**typed(world), **retyped}
        )
    assert people() == before


def test_a_later_different_child_answer_stands_over_an_earlier_same(world: World) -> None:
    answer(world, ask(world), QueryOutcome.SAME)
    # The requester learns more and asks again; whoever checks finds another child after all.
    answer(world, ask(world), QueryOutcome.DIFFERENT)
    before = people()
    person_record(actor=world.team_manager, **typed(world))
    assert people() == before + 1


def test_a_different_child_answer_covers_only_the_records_it_was_asked_about(
    world: World,
) -> None:
    """A record of the same details made after the answer (here by a colleague) was never put
    to the one who answered: the requester is asked again before a third record is made."""
    query = ask(world)
    answer(world, query, QueryOutcome.DIFFERENT)
    colleague = person_record(
        actor=world.social_worker, different_reason="Not Tariq from team A", **typed(world)
    )
    assert colleague.pk not in set(query.matches.values_list("pk", flat=True))
    before = people()
    with pytest.raises(PossibleDuplicate, match="Say why this is a different person"):
        person_record(actor=world.team_manager, **typed(world))
    # Their own reason still records the person, kept in the trail as always.
    person_record(actor=world.team_manager, different_reason="Met the family", **typed(world))
    assert people() == before + 1


# --- An answerer who moved on ----------------------------------------------------------------


def moved_team(world: World, manager: Worker) -> None:
    manager.team = world.csc_team_b
    manager.save(update_fields=["team"])


def made_practitioner(world: World, manager: Worker) -> None:
    manager.role = Role.PRACTITIONER
    manager.save(update_fields=["role"])


def left(world: World, manager: Worker) -> None:
    manager.is_active = False
    manager.save(update_fields=["is_active"])


def team_stopped_holding(world: World, manager: Worker) -> None:
    held = world.team_child.allocations.current().get()
    allocation_end(actor=world.system, allocation=held, end=clock.today(), reason="Case closed")


MOVES_ON = [
    pytest.param(moved_team, id="moved to another team"),
    pytest.param(made_practitioner, id="made a practitioner"),
    pytest.param(left, id="left"),
    pytest.param(team_stopped_holding, id="their team no longer holds the record"),
]


@pytest.mark.parametrize("move_on", MOVES_ON)
def test_a_manager_who_moved_on_no_longer_answers_and_the_data_team_does(
    world: World, move_on: Callable[[World, Worker], None]
) -> None:
    """They could say "a different child" about a record they can no longer see. Nobody else
    in the team fits (its other manager asked), so the request goes on to the data team."""
    routed = second_manager(world)
    query = ask(world)
    assert query.routed_to == routed
    move_on(world, routed)
    page = client_for(routed).get(reverse("identifier-query", args=[query.pk]))
    # Not found; one who left is not signed in at all.
    assert page.status_code == (404 if routed.is_active else 302)
    with pytest.raises(NotPermitted):
        identifier_query_close(
            actor=routed, query=query, note="Different", outcome=QueryOutcome.DIFFERENT
        )
    assert IdentifierQuery.objects.get(pk=query.pk).closed_at is None
    # The requester is not stuck: the data team answers, and the request is now theirs.
    answer(world, query, QueryOutcome.SAME)
    closed = IdentifierQuery.objects.get(pk=query.pk)
    assert closed.closed_by == world.admin and closed.routed_to == world.admin


def test_a_request_whose_manager_moved_team_goes_on_to_the_next_manager(world: World) -> None:
    routed = second_manager(world)
    query = ask(world)
    moved_team(world, routed)
    third = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m3")
    assert "No identifier requests are waiting" in (
        client_for(routed).get(reverse("identifier-queries")).content.decode()
    )
    client = client_for(third)
    assert "1 identifier request" in client.get("/").content.decode()
    url = reverse("identifier-query", args=[query.pk])
    assert url in client.get(reverse("identifier-queries")).content.decode()
    done = client.post(url, {"note": "Checked", "outcome": QueryOutcome.DIFFERENT})
    assert done.status_code == 302
    closed = IdentifierQuery.objects.get(pk=query.pk)
    assert closed.closed_by == third and closed.routed_to == third
    # The routing on is in the change trail, with who it went from and to.
    assert any(
        c.before == {"routed_to_id": routed.pk} and c.after == {"routed_to_id": third.pk}
        for c in changes_for(query)
    )


def test_an_identifier_request_goes_on_the_same_way(world: World) -> None:
    routed = second_manager(world)
    upn = valid_upn(88004)
    person_update(actor=world.system, person=world.team_child, upn=upn)
    query = identifier_query_send(
        actor=world.team_manager, person=world.csc_child, field="upn", value=upn
    )
    assert query.routed_to == routed
    made_practitioner(world, routed)
    with pytest.raises(NotPermitted):
        identifier_query_close(actor=routed, query=query, note="Moved the UPN")
    identifier_query_close(actor=world.admin, query=query, note="Moved the UPN")
    assert IdentifierQuery.objects.get(pk=query.pk).routed_to == world.admin


def test_a_manager_still_in_the_holding_team_answers_as_before(world: World) -> None:
    routed = second_manager(world)
    query = ask(world)
    # Another manager joining the team takes nothing from the one it was routed to.
    make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m3")
    assert reverse("identifier-query", args=[query.pk]) in (
        client_for(routed).get(reverse("identifier-queries")).content.decode()
    )
    identifier_query_close(actor=routed, query=query, note="Same", outcome=QueryOutcome.SAME)
    closed = IdentifierQuery.objects.get(pk=query.pk)
    assert closed.closed_by == routed and closed.routed_to == routed


def test_a_refused_answer_routes_nothing_on(world: World) -> None:
    """Routing a request on is kept only with an answer that goes through: the route is
    written first (who may answer is read from the stored row) and a refused answer rolls it
    back with everything else, so it writes nothing (the lists already show the new
    answerer)."""
    routed = second_manager(world)
    query = ask(world)
    moved_team(world, routed)
    third = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m3")
    before = len(changes_for(query))
    with pytest.raises(NotPermitted):
        identifier_query_close(actor=routed, query=query, note="Different", outcome="different")
    with pytest.raises(ValidationFailed):
        identifier_query_close(actor=third, query=query, note="", outcome="different")
    assert IdentifierQuery.objects.get(pk=query.pk).routed_to == routed
    assert len(changes_for(query)) == before
    identifier_query_close(actor=third, query=query, note="Checked", outcome="different")
    assert IdentifierQuery.objects.get(pk=query.pk).routed_to == third


def test_a_second_account_of_the_requester_is_not_asked_and_does_not_answer(
    world: World,
) -> None:
    """Nobody answers their own request, by any account (people, not accounts, as a sign-off):
    a manager's old second account with the requester's email (in any case) is the requester.
    Was: a manager asked whether a child already had a record, the request went to their
    other account in the same team, and they answered "a different child" there and recorded
    the duplicate."""
    Worker.objects.filter(pk=world.team_manager.pk).update(email="tm.one@example.org")
    world.team_manager.refresh_from_db()
    other = second_manager(world)
    Worker.objects.filter(pk=other.pk).update(email="TM.One@Example.org")
    other.refresh_from_db()
    query = ask(world)
    assert query.routed_to == world.admin
    # Routed to that account before this rule (or by hand): it answers no more, and the
    # request goes on as if that account had moved on.
    IdentifierQuery.objects.filter(pk=query.pk).update(routed_to=other)
    assert not routed_answerer_may_answer(IdentifierQuery.objects.get(pk=query.pk))
    with pytest.raises(NotPermitted):
        identifier_query_close(
            actor=other, query=query, note="A different child", outcome=QueryOutcome.DIFFERENT
        )
    assert IdentifierQuery.objects.get(pk=query.pk).closed_at is None
    client = client_for(other)
    assert client.get(reverse("identifier-query", args=[query.pk])).status_code == 404
    closed = identifier_query_close(
        actor=world.admin, query=query, note="The same child", outcome=QueryOutcome.SAME
    )
    assert closed.routed_to == world.admin  # routed on first, as to a manager who moved on
