"""The data migration that gives every token made without an expiry one (docs/api.md): a year
(MAX_DAYS) after it was made or 30 days from today, whichever is later, so no program is cut
off without warning; its sharing-register row says the same date. Nothing is closed.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("api", "0001_initial"), ("sharing", "0001_initial"))
    + r"""
ApiToken = old.get_model("api", "ApiToken")
Share = old.get_model("sharing", "Share")
now = timezone.now()
worker = Worker.objects.create(username="old.worker", password="!")
made = {
    "recent": (now - dt.timedelta(days=10), None, None),
    "old": (now - dt.timedelta(days=400), None, None),
    "dated": (now - dt.timedelta(days=10), now + dt.timedelta(days=5), None),
    "revoked": (now - dt.timedelta(days=10), None, now - dt.timedelta(days=1)),
}
for name, (created, expires, revoked) in made.items():
    token = ApiToken.objects.create(
        worker=worker, name=name, prefix=name, secret_hash=name * 8, created_at=created,
        expires_at=expires, revoked_at=revoked,
    )
    Share.objects.create(
        kind="api_token", purpose="A dashboard", record_ref=name, by=worker, at=created,
        article6="6_1_e", condition="sch1_18", duty="ca1989_s47",
        until=revoked or expires, until_note="Token revoked" if revoked else "",
        source_type="api.apitoken", source_id=str(token.pk),
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.api.models import ApiToken as NewToken
from locus.sharing.models import Share as NewShare
print(json.dumps({
    "today": timezone.localdate().isoformat(),
    "tokens": {
        t.name: {
            "made": timezone.localdate(t.created_at).isoformat(),
            "expires": timezone.localtime(t.expires_at).isoformat(),
            "revoked": t.revoked_at is not None,
            "until": timezone.localtime(s.until).isoformat() if s.until else None,
            "until_note": s.until_note,
        }
        for t in NewToken.objects.all()
        for s in NewShare.objects.filter(source_id=str(t.pk))
    },
}))
"""
)


def _day_after(day: dt.date) -> str:
    """The end of ``day`` in the borough's time, as token_create sets an expiry."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min).isoformat()


@pytest.mark.django_db
def test_each_token_without_an_expiry_gets_one_and_none_is_closed(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    today = dt.date.fromisoformat(migrated["today"])
    tokens = migrated["tokens"]
    recent = tokens["recent"]
    # A year after it was made, to the end of that day; the register says the same.
    year_on = dt.date.fromisoformat(recent["made"]) + dt.timedelta(days=366)
    assert recent["expires"].startswith(_day_after(year_on))
    assert recent["until"] == recent["expires"] and recent["until_note"] == "Token expiry"
    assert not recent["revoked"]
    # Made over a year ago: 30 days' warning, not cut off today.
    old = tokens["old"]
    assert old["expires"].startswith(_day_after(today + dt.timedelta(days=30)))
    assert not old["revoked"] and old["until"] == old["expires"]
    # A token that had an expiry keeps it; a revoked one stays revoked, its row ended.
    assert tokens["dated"]["until"] == tokens["dated"]["expires"]
    assert tokens["dated"]["until_note"] == ""
    assert tokens["revoked"]["revoked"] and tokens["revoked"]["until_note"] == "Token revoked"
