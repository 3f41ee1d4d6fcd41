"""The system check that names the accounts without a work email (``access.W001``)."""

from __future__ import annotations

from django.core import checks

from locus.access.models import Worker
from tests.factories import World


def _warnings(databases: list[str] | None) -> list[checks.CheckMessage]:
    found = checks.run_checks(tags=[checks.Tags.database], databases=databases)
    return [w for w in found if w.id == "access.W001"]


def test_the_check_names_the_active_accounts_without_a_work_email(world: World) -> None:
    """An administrator upgrading Locus is told which accounts, made before every account had
    a work email, separation of duties cannot tell from a second account of the same person
    (they keep working). Was: nothing said so; an inactive account and the system account,
    which nobody signs in with, are not named."""
    assert _warnings(["default"]) == []
    blank = [world.yjs_worker.pk, world.teammate.pk, world.school_dsl.pk]
    Worker.objects.filter(pk__in=blank).update(email="")
    Worker.objects.filter(pk=world.school_dsl.pk).update(is_active=False)
    Worker.objects.filter(pk=world.yjs_worker.pk).update(email="  ")
    [warning] = _warnings(["default"])
    assert warning.level == checks.WARNING
    assert warning.msg.startswith("2 active accounts have no work email: teammate, yjs_worker.")
    assert "No work email" in (warning.hint or "")
    assert _warnings(None) == []  # a database check: run only when a database is named
