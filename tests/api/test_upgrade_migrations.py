"""The two data migrations for rows an older release left in a state a tightened rule forbids
(people 0009: open requests routed to their own requester; api 0004: live tokens of inactive
workers), run as an upgrade runs them: on their historical models, in ``migrate``, on a
database holding such rows, and the audit chain verifying after. What each does row by row
is in tests/people/test_route_again_migration.py and tests/api/test_inactive_tokens_migration.py.

Run in a child process on a copy of the database the migrations build (tests/databases.py)."""

from __future__ import annotations

import pytest

from tests.databases import migrated_database, migrated_original  # noqa: F401 (fixtures)
from tests.scripts import run_script

_MIGRATE = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "locus.config.settings"
import django
django.setup()
from django.core.management import call_command

def migrate(*target):
    call_command("migrate", *target, verbosity=0, interactive=False)

migrate()  # a copy of the database every migration built: nothing left to do

from locus.access.models import Role, Worker
from locus.api.models import ApiToken
from locus.audit.models import ChangeEvent
from locus.audit.verify import verify
from locus.people.models import IdentifierQuery
from locus.sharing.models import Share
from tests.api.conftest import ApiClient
from tests.factories import build_world, make_worker
from tests.people.test_query_answers import ask

world = build_world()
other = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m2")
own = ask(world)
IdentifierQuery.objects.filter(pk=own.pk).update(routed_to=world.team_manager)
ApiClient(world.social_worker)
Worker.objects.filter(pk=world.social_worker.pk).update(is_active=False)
token = ApiToken.objects.get(worker=world.social_worker)

# The release before: both data steps not yet run. The rows are written first, by today's
# code (a later migration adds a column that code writes); going back keeps them.
migrate("people", "0008_episode_one_open_per_status")
migrate("api", "0003_expiry_required")
migrate()
share = Share.objects.get(source_type="api.apitoken", source_id=str(token.pk))
token.refresh_from_db()
print(json.dumps({
    "routed_to": IdentifierQuery.objects.get(pk=own.pk).routed_to_id,
    "other": other.pk,
    "revoked": token.revoked_at is not None,
    "until_note": share.until_note,
    "actors": sorted(set(
        ChangeEvent.objects.filter(record_type__in=["people.identifierquery", "api.apitoken"])
        .filter(before__has_key="reason").values_list("actor__username", flat=True)
    )),
    "chain": [p.line() for p in verify().problems[:5]],
}))
"""


@pytest.mark.django_db
def test_both_migrations_run_on_their_historical_models_and_the_chain_verifies(
    migrated_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=migrated_database)
    assert migrated["routed_to"] == migrated["other"]
    assert migrated["revoked"] and migrated["until_note"] == "Holder no longer active"
    assert migrated["actors"] == ["locus.system"]
    assert migrated["chain"] == []
