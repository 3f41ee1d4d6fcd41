"""An identifier or possible-duplicate request goes only to someone who may answer it: a
manager or an administrator whose access is confirmed (``access/provisioning.py``). Was: a
manager moved into the holding team, whose access waited for a second person and who could
open none of its records, was asked first (the first manager by id), and the request sat with
them; a team whose only other manager waited did not send it on to the data team.

The upgrade migration that routed requests again (``people`` 0009) keeps the rule as it stood
when it was written, so it replays the same on an old database."""

from __future__ import annotations

import importlib

import pytest
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.urls import reverse

from locus.access import policies
from locus.access.models import Role, Scope, Worker
from locus.access.services import worker_access_confirm
from locus.common.errors import NotPermitted
from locus.people.models import IdentifierQuery, QueryOutcome
from locus.people.selectors import identifier_query_route
from locus.people.services import identifier_query_close
from tests.access.test_provisioning import _admin_makes, _admin_saves
from tests.factories import World, client_for, make_worker
from tests.people.test_query_answers import ask, second_manager

pytestmark = pytest.mark.django_db

MIGRATION = "0009_route_own_requests_again"


def waiting_manager(world: World) -> Worker:
    """A manager the admin site put into the holding team (team A), waiting to be confirmed."""
    fields = {"team": world.csc_team_a.pk, "role": Role.MANAGER, "scope": Scope.TEAM}
    waiting = _admin_makes(world, "new.manager", first_name="Nia", last_name="Newcomer", **fields)
    assert waiting.access_awaiting_since is not None
    return waiting


def test_a_request_passes_over_a_waiting_manager_to_a_confirmed_one(world: World) -> None:
    waiting = waiting_manager(world)
    confirmed = second_manager(world)
    assert waiting.pk < confirmed.pk  # the first by id, were waiting not looked at
    assert ask(world).routed_to == confirmed


def test_with_only_a_waiting_manager_it_goes_to_the_data_team(world: World) -> None:
    """As a team with no other manager: to an administrator."""
    waiting = waiting_manager(world)
    query = ask(world)
    assert query.routed_to == world.admin
    assert not policies.answers_identifier_queries(waiting)
    with pytest.raises(NotPermitted):
        identifier_query_close(actor=waiting, query=query, note="Different", outcome="different")
    # Once confirmed, the manager answers the other manager's next request, as any does.
    worker_access_confirm(actor=world.team_manager, worker=waiting)
    route = identifier_query_route(world.team_child, requester=world.team_manager)
    assert route == Worker.objects.get(pk=waiting.pk)


def test_a_manager_whose_access_waits_again_answers_no_more_and_it_goes_on(
    world: World,
) -> None:
    """A request routed to a manager whose access then waits (an administrator widened their
    scope) goes on as when they move on: to the next confirmed manager of the team."""
    routed = second_manager(world)
    query = ask(world)
    assert query.routed_to == routed
    _admin_saves(client_for(world.admin), routed, scope=Scope.AGENCY)
    routed = Worker.objects.get(pk=routed.pk)
    assert routed.access_awaiting_since is not None
    assert not policies.routed_answerer_may_answer(IdentifierQuery.objects.get(pk=query.pk))
    url = reverse("identifier-query", args=[query.pk])
    assert client_for(routed).get(url).status_code == 404
    third = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m3")
    page = client_for(third).get(reverse("identifier-queries")).content.decode()
    assert url in page
    closed = identifier_query_close(
        actor=third, query=query, note="Checked", outcome=QueryOutcome.DIFFERENT
    )
    assert closed.closed_by == third and closed.routed_to == third


def test_the_upgrade_migration_keeps_the_rule_it_was_written_with(world: World) -> None:
    """It runs on its own historical models (a worker of that release has no waiting field)
    and routes as the rule stood then: to the first active manager of the holding team."""
    waiting = waiting_manager(world)
    second_manager(world)
    query = ask(world)
    IdentifierQuery.objects.filter(pk=query.pk).update(routed_to=world.team_manager)
    with override_settings(MIGRATION_MODULES={}):  # the tests' database is made without them
        loader = MigrationLoader(None)
    state = loader.project_state(("people", MIGRATION), at_end=False)
    assert "access_awaiting_since" not in {
        f.name for f in state.apps.get_model("access", "Worker")._meta.get_fields()
    }
    migration = importlib.import_module(f"locus.people.migrations.{MIGRATION}")
    migration.route_own_requests_again(state.apps, None)
    assert IdentifierQuery.objects.get(pk=query.pk).routed_to_id == waiting.pk
