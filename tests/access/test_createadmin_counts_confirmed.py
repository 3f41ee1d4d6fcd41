"""``locus createadmin`` makes the first administrator only: one who may act as one.

Was: it refused whenever an active administrator existed, counting one whose access waits
for a second person. A site whose only administrator waits (made on the admin site by one
who has since left, say) then had nobody who could confirm them, and could never get one."""

from __future__ import annotations

import io

import pytest

from locus import cli
from locus.access import provisioning
from locus.access.models import Role, Scope, Worker
from locus.access.selectors import administrator_exists
from locus.common import clock
from tests.factories import World, make_worker

pytestmark = pytest.mark.django_db


def _waits(worker: Worker) -> None:
    Worker.objects.filter(pk=worker.pk).update(access_awaiting_since=clock.now())


def test_an_administrator_whose_access_waits_is_not_one_that_exists(world: World) -> None:
    assert administrator_exists()
    _waits(world.admin)
    assert not administrator_exists()
    # Nor is an administrator's account at a narrower scope: it confirms nobody.
    make_worker(world.system, team=None, role=Role.ADMINISTRATOR, scope=Scope.TEAM)
    assert not administrator_exists()


def test_createadmin_makes_one_who_can_confirm_the_administrator_who_waits(
    world: World, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "locus-data"))
    monkeypatch.setenv("LOCUS_ADMIN_PASSWORD", "river-otter-lantern-7")
    argv = ["createadmin", "--username", "ops.admin", "--email", "ops@example.org"]
    assert cli.main(argv, out=io.StringIO()) == 2  # a confirmed administrator exists
    assert "Not created: an administrator exists" in capsys.readouterr().err
    _waits(world.admin)
    assert cli.main(argv, out=io.StringIO()) == 0
    made = Worker.objects.get(username="ops.admin")
    assert made.access_awaiting_since is None and made.role == Role.ADMINISTRATOR
    assert provisioning.may_decide(made, Worker.objects.get(pk=world.admin.pk))
