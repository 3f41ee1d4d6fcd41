"""The data migration that keeps an administrator's reason on each token they revoked before
the reason left the holder's notification: the holder's tokens page shows it from the token,
taken back from the end note of the token's sharing-register row. A token its worker revoked
themselves keeps none; the copy is in the change trail as the command line's account's, and a
second run changes nothing.

The migration's function runs here on today's models (as the earlier migrations' tests do);
tests/api/test_upgrade_migrations.py runs the migrations on their own historical models."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from locus.api.models import ApiToken
from locus.api.services import token_revoke, token_revoke_any
from locus.audit.models import ChangeEvent
from locus.audit.verify import verify
from tests.api.conftest import api_as
from tests.factories import World, changes_for, client_for

pytestmark = pytest.mark.django_db

REASON = "Left the council on Friday"


def migrate() -> None:
    migration = importlib.import_module("locus.api.migrations.0006_revoked_reason")
    migration.reasons_from_the_register(apps, None)


def test_a_token_an_administrator_revoked_before_shows_its_reason_to_its_holder(
    world: World,
) -> None:
    api_as(world.social_worker)
    api_as(world.teammate)
    by_admin = ApiToken.objects.get(worker=world.social_worker)
    by_holder = ApiToken.objects.get(worker=world.teammate)
    token_revoke_any(actor=world.admin, token=by_admin, reason=REASON)
    token_revoke(actor=world.teammate, token=by_holder)
    ApiToken.objects.update(revoked_reason="")  # as before the field
    migrate()
    by_admin.refresh_from_db()
    by_holder.refresh_from_db()
    assert (by_admin.revoked_reason, by_holder.revoked_reason) == (REASON, "")
    copied = changes_for(by_admin)[-1]
    assert copied.actor == world.system
    assert copied.after == {"revoked_reason": REASON}
    assert "secret_hash" not in copied.before | copied.after
    page = client_for(world.social_worker).get("/account/api-tokens/").content.decode()
    assert f"by an administrator: {REASON}" in page
    assert verify().ok
    trail = ChangeEvent.objects.count()
    migrate()
    assert ChangeEvent.objects.count() == trail
