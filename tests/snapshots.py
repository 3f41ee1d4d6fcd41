"""The test world, built through services once and put back for each test in a few INSERTs.

``build_world`` makes about 230 queries (every row validated and audited) and most tests ask
for it, so building it afresh for each test was about a third of the suite's time. Instead a
test that asks builds it once inside a savepoint, keeps a copy of every row it added (audit
trail included) and rolls the savepoint back; each later test writes those rows again, one
multi-row INSERT per table, and gets its own deep copy of the ``World`` objects. The database
a test sees is the one ``build_world`` would have left, row for row.

The copy is used only when it is certain to be what ``build_world`` would give:

* every table the world writes to is empty (it was when the copy was taken, and nothing the
  world holds points at a row outside it), so a test whose own fixtures wrote first gets a
  world built on top of them, as before;
* the clock (``locus.common.clock``) is not set: a test that fixes the time gets a world
  built at that time;
* it is younger than ``MAX_AGE``, so the timestamps in it stay close to the test's "now".
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from locus.common import clock
from tests.factories import World

MAX_AGE = 60.0  # seconds

Rows = list[tuple[type[models.Model], list[models.Model]]]


def _tables() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model: type[models.Model]) -> dict[object, tuple[object, ...]]:
    fields = [f.attname for f in model._meta.local_concrete_fields]
    return {row[0]: row for row in model._base_manager.values_list("pk", *fields)}


def _all_empty(tables: list[type[models.Model]]) -> bool:
    """One query: does none of ``tables`` hold a row?"""
    qn = connection.ops.quote_name
    # Table names from the models' own metadata, quoted: nothing here comes from input.
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {qn(m._meta.db_table)})" for m in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 WHERE {exists}")
        return cursor.fetchone() is None


def _self_contained(added: Rows) -> bool:
    """Does every foreign key in ``added`` point at a row that is also in ``added``?"""
    kept = {model: objs for model, objs in added}
    for objs in kept.values():
        for field in objs[0]._meta.local_concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model._meta.concrete_model
            values = {getattr(o, field.target_field.attname) for o in kept.get(target, [])}
            if any(getattr(o, field.attname) not in values | {None} for o in objs):
                return False
    return True


@dataclass
class Snapshot:
    world: World
    added: Rows
    taken_at: float

    @property
    def tables(self) -> list[type[models.Model]]:
        return [model for model, _ in self.added]

    def restore(self) -> World:
        """Write the world's rows again and hand out a fresh copy of its objects."""
        with transaction.atomic():  # foreign keys are checked at commit, so order is free
            for model, objs in self.added:
                fields = model._meta.local_concrete_fields
                size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
                for start in range(0, len(objs), size):
                    model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
            # PostgreSQL: rows written with their ids leave the sequences where they were,
            # which may be behind them after a browser test's flush: move them past.
            if sql := connection.ops.sequence_reset_sql(no_style(), self.tables):
                with connection.cursor() as cursor:
                    cursor.execute(";".join(sql))
        return copy.deepcopy(self.world)


def take(build: Callable[[], World]) -> Snapshot | None:
    """Build the world in a savepoint that is rolled back, and keep what it added.

    None when a snapshot cannot stand for ``build``: it changed or deleted a row that was
    there, or the world points at rows outside itself (reference data, say).
    """
    tables = _tables()
    before = {model: _rows(model) for model in tables}
    with transaction.atomic():
        world = build()
        added: Rows = []
        replayable = True
        for model in tables:
            after = _rows(model)
            if new := after.keys() - before[model].keys():
                added.append((model, list(model._base_manager.filter(pk__in=new).order_by("pk"))))
            replayable = replayable and all(after[pk] == row for pk, row in before[model].items())
        transaction.set_rollback(True)
    if not replayable or not _self_contained(added):
        return None
    return Snapshot(world=world, added=added, taken_at=time.monotonic())


_snapshot: Snapshot | None = None
_replayable = True
_world_tables: list[type[models.Model]] = []  # the tables the last build wrote to


def _clock_is_real() -> bool:
    return abs(clock.now() - timezone.now()) < dt.timedelta(seconds=1)  # noqa: TID251 (is the clock set? compare with the real time)


def world_for_test(build: Callable[[], World]) -> World:
    """What ``build()`` would give here, from the snapshot when it can stand for it."""
    global _snapshot, _replayable, _world_tables
    if not _replayable or not _clock_is_real():
        return build()
    if _world_tables and not _all_empty(_world_tables):
        return build()  # this test wrote first: its world goes on top, as before
    if _snapshot is not None and time.monotonic() - _snapshot.taken_at <= MAX_AGE:
        return _snapshot.restore()
    snapshot = take(build)
    if snapshot is None:
        _replayable = False  # never again this session
        return build()
    _world_tables = snapshot.tables
    if not _all_empty(_world_tables):
        return build()  # built on rows this test wrote first: not one to keep
    _snapshot = snapshot
    return snapshot.restore()
