"""The data migration that routes again the open requests an older release routed to their
own requester (nobody answers their own request, recording.md): each goes where a new one
would go now (another manager of the holding team, else an administrator other than the
requester, else nobody), in the change trail as the command line's account's. Closed
requests and those routed right are untouched; a second run changes nothing.

The migration's function runs here on today's models (as the earlier migrations' tests do);
tests/api/test_upgrade_migrations.py runs it on its own historical models."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.audit.verify import verify
from locus.common import clock
from locus.people.models import IdentifierQuery, QueryOutcome
from locus.people.services import identifier_query_close
from tests.factories import World, changes_for, client_for
from tests.people.test_query_answers import ask, second_manager

pytestmark = pytest.mark.django_db

REASON = "Routed again on upgrade: nobody answers their own request"


def migrate() -> None:
    migration = importlib.import_module("locus.people.migrations.0009_route_own_requests_again")
    migration.route_own_requests_again(apps, None)


def routed_to_self(world: World, actor: Worker | None = None) -> IdentifierQuery:
    """An open request as an older release routed it: to the manager who asked it."""
    query = ask(world, actor=actor)
    requester = query.requested_by
    IdentifierQuery.objects.filter(pk=query.pk).update(routed_to=requester)
    return query


def routed(query: IdentifierQuery) -> Worker | None:
    return IdentifierQuery.objects.get(pk=query.pk).routed_to


def test_an_open_request_routed_to_its_requester_goes_to_another_manager(world: World) -> None:
    other = second_manager(world)
    query = routed_to_self(world)
    migrate()
    assert routed(query) == other
    change = changes_for(query)[-1]
    assert change.actor.username == "locus.system" and change.action == ChangeAction.UPDATE
    assert change.before == {"routed_to_id": world.team_manager.pk, "reason": None}
    assert change.after == {"routed_to_id": other.pk, "reason": REASON}
    # The change row is about the request's child, and sealed into the chain.
    assert f",{world.team_child.pk}," in change.people
    result = verify()
    assert result.ok, [p.line() for p in result.problems[:5]]
    # The auditor reads it on the trail's page: by the command line's account, which fields.
    url = reverse("audit") + "?show=changes&record_type=people.identifierquery"
    page = client_for(world.auditor).get(url).content.decode()
    # (In the order the database keeps the row's JSON keys: PostgreSQL's jsonb sorts them.)
    assert "Locus system (locus.system)" in page
    assert "changed: routed to, reason" in page or "changed: reason, routed to" in page


def test_the_new_answerer_sees_and_answers_it(world: World) -> None:
    other = second_manager(world)
    query = routed_to_self(world)
    migrate()
    page = client_for(other).get(reverse("identifier-queries"))
    assert reverse("identifier-query", args=[query.pk]) in page.content.decode()
    closed = identifier_query_close(
        actor=other, query=query, note="Checked: a different child", outcome=QueryOutcome.DIFFERENT
    )
    assert closed.closed_by == other


def test_with_no_other_manager_it_goes_to_an_administrator(world: World) -> None:
    query = routed_to_self(world)
    migrate()
    assert routed(query) == world.admin


def test_with_nobody_to_answer_it_is_left_unrouted_as_the_service_leaves_one(
    world: World,
) -> None:
    query = routed_to_self(world)
    # No other manager of the holding team, and the only administrator no longer active.
    Worker.objects.filter(pk=world.admin.pk).update(is_active=False)
    migrate()
    assert routed(query) is None
    assert changes_for(query)[-1].after == {"routed_to_id": None, "reason": REASON}


def test_requests_that_were_right_are_untouched_and_a_second_run_changes_nothing(
    world: World,
) -> None:
    other = second_manager(world)
    closed = routed_to_self(world)
    IdentifierQuery.objects.filter(pk=closed.pk).update(closed_at=clock.now())
    elsewhere = ask(world, actor=world.social_worker)  # routed by today's rule
    unrouted = ask(world, actor=world.teammate)
    IdentifierQuery.objects.filter(pk=unrouted.pk).update(routed_to=None)
    own = routed_to_self(world)
    before = dict(IdentifierQuery.objects.values_list("pk", "routed_to"))
    migrate()
    after = dict(IdentifierQuery.objects.values_list("pk", "routed_to"))
    assert after == {**before, own.pk: other.pk}
    assert after[closed.pk] == world.team_manager.pk  # closed: history, kept as it was
    for query in (closed, elsewhere, unrouted):
        assert all(c.actor.username != "locus.system" for c in changes_for(query))
    rows = ChangeEvent.objects.count()
    migrate()
    assert ChangeEvent.objects.count() == rows
    assert dict(IdentifierQuery.objects.values_list("pk", "routed_to")) == after


def test_the_command_lines_account_is_made_when_the_database_has_none(world: World) -> None:
    # An upgraded database whose command line never ran: no account to act as yet.
    Worker.objects.filter(pk=world.system.pk).update(username="renamed.system")
    query = routed_to_self(world)
    migrate()
    system = Worker.objects.get(username="locus.system")
    assert (system.role, system.scope) == ("administrator", "all")
    assert not system.has_usable_password()
    made = changes_for(system)[-1]
    assert made.action == ChangeAction.CREATE and made.actor == system
    assert "password" not in made.after
    assert changes_for(query)[-1].actor == system
    assert verify().ok
