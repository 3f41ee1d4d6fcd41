"""An upgraded database verifies (its old rows chained in the order they were written),
and writers at the same moment take turns at each stream's head."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, connections

from locus.audit.models import AccessEvent, ChainHead
from locus.audit.services import record_access
from locus.audit.verify import verify
from tests.factories import World

pytestmark = pytest.mark.django_db

upgrade = importlib.import_module("locus.audit.migrations.0006_chain_existing")


def test_the_migration_chains_rows_written_before_the_chain_in_id_order(world: World) -> None:
    AccessEvent.objects.all().delete()
    ChainHead.objects.filter(stream="access").delete()
    # Rows as an older release wrote them: no place in any chain.
    old = [
        AccessEvent(
            actor=world.social_worker,
            at=world.csc_child.created_at,
            action="view",
            record_type="people.person",
            record_id=str(i),
            detail={"n": i},
        )
        for i in range(2500)  # more than one batch of the migration
    ]
    AccessEvent._base_manager.bulk_create(old)
    assert [p.kind for p in verify().problems if p.stream == "access"] == ["inserted"] * 2500
    upgrade.chain_existing(apps, None)
    result = verify()
    assert result.ok, [p.line() for p in result.problems[:5]]
    by_id = list(AccessEvent.objects.order_by("id").values_list("seq", flat=True))
    assert by_id == list(range(1, 2501))
    # New rows chain on from them.
    new = record_access(actor=world.admin, obj=world.csc_child)
    assert new.seq == 2501 and verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_take_turns_and_the_chain_verifies(world: World) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for _ in range(n):
                record_access(actor=world.social_worker, obj=world.csc_child)
        except BaseException as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(25,)) for _ in range(4)]
    # The in-memory SQLite test database takes one connection at a time (a file database
    # waits for its write lock instead): there the writers run one after another.
    together = connection.vendor == "postgresql"
    for t in threads:
        t.start()
        if not together:
            t.join()
    for t in threads:
        t.join()
    assert errors == []
    assert AccessEvent.objects.filter(record_id=str(world.csc_child.pk)).count() >= 100
    result = verify()
    assert result.ok, [p.line() for p in result.problems[:5]]
