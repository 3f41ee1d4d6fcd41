"""The data migration that ends the tokens of workers made inactive before deactivating ended
them (or made inactive some other way): they no longer worked, but their sharing-register rows
stayed open until expiry. Each is ended as deactivation ends one, with the note "Holder no
longer active", in the change trail as the command line's account's. Active workers' tokens
and tokens already ended are untouched; a second run changes nothing.

The migration's function runs here on today's models (as the earlier migrations' tests do);
tests/api/test_upgrade_migrations.py runs it on its own historical models."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from locus.access.api import secret_hash
from locus.access.models import Worker
from locus.api.models import ApiToken
from locus.api.services import token_revoke
from locus.audit.models import ChangeEvent
from locus.audit.verify import verify
from locus.common import clock
from locus.sharing.models import Share
from tests.api.conftest import ApiClient, api_as, assert_ended
from tests.factories import World, changes_for

pytestmark = pytest.mark.django_db

NOTE = "Holder no longer active"


def migrate() -> None:
    migration = importlib.import_module("locus.api.migrations.0004_end_inactive_holders_tokens")
    migration.end_inactive_holders_tokens(apps, None)


def made_inactive_outside_the_admin(worker: Worker) -> None:
    # As an older release, a script or a directory sync did: no service, no token ended.
    Worker.objects.filter(pk=worker.pk).update(is_active=False)


def token_of(program: ApiClient) -> ApiToken:
    return ApiToken.objects.get(secret_hash=secret_hash(program.secret))


def share_of(token: ApiToken) -> Share:
    return Share.objects.get(source_type="api.apitoken", source_id=str(token.pk))


def test_an_inactive_workers_live_token_is_ended_and_its_register_row_closed(
    world: World,
) -> None:
    program = api_as(world.social_worker)
    made_inactive_outside_the_admin(world.social_worker)
    token = token_of(program)
    assert share_of(token).until == token.expires_at  # open until expiry: the old state
    migrate()
    token = assert_ended(program, NOTE, world.system)
    share = share_of(token)
    assert share.until_note == NOTE
    closed = changes_for(share)[-1]
    assert closed.actor == world.system
    assert closed.after == {"until": share.until.isoformat(), "until_note": NOTE}
    result = verify()
    assert result.ok, [p.line() for p in result.problems[:5]]


def test_active_workers_and_ended_tokens_are_untouched_and_a_second_run_changes_nothing(
    world: World,
) -> None:
    active = api_as(world.teammate)
    revoked = api_as(world.other_social_worker)
    token_revoke(actor=world.other_social_worker, token=token_of(revoked))
    expired = api_as(world.yjs_worker)
    for worker in (world.other_social_worker, world.yjs_worker):
        made_inactive_outside_the_admin(worker)
    # The expired token's register row ended with its expiry: it stays so.
    passed = clock.now() - dt.timedelta(days=1)
    ApiToken.objects.filter(pk=token_of(expired).pk).update(expires_at=passed)
    Share.objects.filter(source_id=str(token_of(expired).pk)).update(until=passed)
    kept = {t.pk: t.revoked_at for t in (token_of(active), token_of(revoked))}
    migrate()
    assert {pk: ApiToken.objects.get(pk=pk).revoked_at for pk in kept} == kept
    assert active.get("/people").status_code == 200  # an active worker's program reads on
    assert changes_for(token_of(active))[-1].actor == world.teammate
    assert share_of(token_of(revoked)).until_note == "Token revoked"
    # An expired token of an inactive worker is ended in the trail; its row keeps its date.
    assert token_of(expired).revoked_at is not None
    assert changes_for(token_of(expired))[-1].after["reason"] == NOTE
    expired_share = share_of(token_of(expired))
    assert (expired_share.until, expired_share.until_note) == (passed, "Token expiry")
    rows = ChangeEvent.objects.count()
    migrate()
    assert ChangeEvent.objects.count() == rows
