"""Recovery codes are kept like passwords: only a keyed, salted hash is in the database, so a
copy of it (a backup, a replica, the admin site) holds no working second factor. A code still
signs in once, and the codes printed before they were hashed still work.

The models are imported inside the tests that need them: the storage test reads the
database directly and must fail (not error) on the code that kept codes in plain text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from locus.signin.models import SecondFactorKind
from locus.signin.services import Outcome, verify_second_factor
from tests.factories import World, client_for
from tests.signin.test_second_factor import ADDRESS, enrolled, kinds, password_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_required(settings: Any) -> None:
    settings.LOCUS_REQUIRE_OTP = True


def _every_stored_value() -> str:
    """Every row of every table, as text: what a copy of the database would give."""
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(cursor.fetchall())
    return "\n".join(" ".join(str(value) for value in row) for row in rows).lower()


def test_no_recovery_code_is_stored_in_plain_text(world: World) -> None:
    _, codes = enrolled(world.social_worker)
    assert len(codes) == 10
    stored = _every_stored_value()
    assert not [code for code in codes if code in stored]


def test_what_is_kept_is_a_salted_keyed_hash(world: World) -> None:
    from locus.signin.models import RecoveryCode

    _, codes = enrolled(world.social_worker)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(RecoveryCode._meta.db_table)
        cursor.execute(f"SELECT salt, digest FROM {table}")  # noqa: S608
        kept = cursor.fetchall()
    assert len(kept) == 10
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for _, digest in kept)
    assert len({salt for salt, _ in kept}) == 10  # a salt of each code's own
    # The same code kept twice is two different hashes: nothing to match across rows.
    from locus.signin.recovery import kept_form

    assert kept_form(codes[0]) != kept_form(codes[0])


def test_a_right_code_verifies_once_and_then_no_more(world: World) -> None:
    _, codes = enrolled(world.social_worker)
    first = verify_second_factor(worker=world.social_worker, code=codes[3], ip_address=ADDRESS)
    assert (first.outcome, first.recovery_codes_left) == (Outcome.PASSED, 9)
    again = verify_second_factor(worker=world.social_worker, code=codes[3], ip_address=ADDRESS)
    assert again.outcome is Outcome.WRONG
    # The others are untouched, typed any way.
    typed = f" {codes[4][:4].upper()} - {codes[4][4:]}"
    other = verify_second_factor(worker=world.social_worker, code=typed, ip_address=ADDRESS)
    assert (other.outcome, other.recovery_codes_left) == (Outcome.PASSED, 8)


def test_a_wrong_code_fails_and_a_kept_hash_is_no_code(world: World) -> None:
    from locus.signin.models import RecoveryCode
    from locus.signin.recovery import new_code

    _, codes = enrolled(world.social_worker)
    kept = RecoveryCode.objects.filter(device__user=world.social_worker).first()
    assert kept is not None
    for wrong in (new_code(), codes[0][:-1], "", kept.digest, kept.salt):
        if wrong in codes:
            continue  # a fresh random code that happens to be issued (1 in 10**11)
        result = verify_second_factor(worker=world.social_worker, code=wrong, ip_address=ADDRESS)
        assert result.outcome is Outcome.WRONG
    assert RecoveryCode.objects.filter(device__user=world.social_worker).count() == 10


def test_the_migrations_hash_turns_a_printed_code_into_one_that_verifies() -> None:
    from locus.signin.recovery import code_matches, kept_form

    salt, digest = kept_form("mfrggzdf")
    assert "mfrggzdf" not in salt + digest
    assert code_matches("mfrggzdf", salt, digest)
    assert code_matches("MFRG-GZDF", salt, digest)
    assert not code_matches("mfrggzdg", salt, digest)


def test_a_code_made_before_the_key_was_replaced_still_works(settings: Any) -> None:
    from locus.signin.recovery import code_matches, kept_form

    salt, digest = kept_form("mfrggzdf")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-for-the-test-" + "x" * 40
    assert not code_matches("mfrggzdf", salt, digest)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert code_matches("mfrggzdf", salt, digest)


def test_the_migration_keeps_printed_codes_and_removes_the_plain_ones(world: World) -> None:
    """Codes a worker printed before the change, kept in plain text by django-otp's static
    device, are hashed in place by the migration and still sign in, once."""
    from importlib import import_module

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from locus.signin.models import RecoveryCodeDevice

    migration = import_module("locus.signin.migrations.0003_hash_plain_recovery_codes")
    enrolled(world.social_worker)
    # The worker's codes as they were kept before: remove the new ones, make the old kind.
    RecoveryCodeDevice.objects.filter(user=world.social_worker).delete()
    old = StaticDevice.objects.create(user=world.social_worker, name="Recovery codes")
    printed = ["abcdefgh", "ijklmnop", "qrstuv23"]
    StaticToken.objects.bulk_create(StaticToken(device=old, token=code) for code in printed)

    migration.hash_plain_codes(apps, None)

    assert not StaticDevice.objects.exists() and not StaticToken.objects.exists()
    new = RecoveryCodeDevice.objects.get(user=world.social_worker)
    assert (new.name, new.confirmed, new.codes.count()) == ("Recovery codes", True, 3)
    assert not [code for code in printed if code in _every_stored_value()]
    # The whole sign-in, with a printed code: in once, then refused.
    client = password_only(world.social_worker)
    response = client.post(
        reverse("second-factor-verify"), {"code": "IJKL-MNOP", "next": "/"}, follow=True
    )
    assert "Recovery codes left: 2" in response.content.decode()
    assert client.get("/").status_code == 200
    again = password_only(world.social_worker)
    used = again.post(reverse("second-factor-verify"), {"code": "ijklmnop", "next": "/"})
    assert "Enter a correct code" in used.content.decode()
    assert kinds(world.social_worker)[-2:] == [
        SecondFactorKind.RECOVERY_CODE_USED,
        SecondFactorKind.FAILED,
    ]


def test_the_admin_site_shows_no_code_salt_or_hash(world: World, settings: Any) -> None:
    from django.contrib import admin

    from locus.signin.models import RecoveryCode, RecoveryCodeDevice

    settings.LOCUS_REQUIRE_OTP = False  # the admin's own sign-in is not what is tested here
    _, codes = enrolled(world.social_worker)
    assert not admin.site.is_registered(RecoveryCodeDevice)
    assert not admin.site.is_registered(RecoveryCode)
    kept = list(RecoveryCode.objects.values_list("salt", "digest"))
    client = client_for(world.admin)
    pages = [
        "/admin/",
        f"/admin/access/worker/{world.social_worker.pk}/change/",
        "/admin/signin/secondfactorevent/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert not [code for code in codes if code in html]
        assert not [pair for pair in kept if pair[0] in html or pair[1] in html]
    for model in ("recoverycode", "recoverycodedevice"):
        assert client.get(f"/admin/signin/{model}/").status_code == 404
