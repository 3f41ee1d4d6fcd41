"""Inserting many new rows at once: what ``bulk_create`` does, without its per-row cost.

The demo generator writes about a hundred thousand rows (people, places, school
rolls, caseloads, associations, incidents and an audit row for each). Through
``bulk_create`` most of that time was Django compiling INSERT statements: on
SQLite a statement may carry at most 999 values, so it is one statement per
fifty-odd rows, each assembled value by value. :func:`bulk_insert` makes the
checks ``bulk_create`` makes (no unsaved related object), turns each value into
what ``Field.get_db_prep_save`` would give (:func:`writer`), and hands every
row to one prepared statement.

SQLite gives the rows of one ``INSERT`` no ids back through ``executemany``, so
they are numbered first: after the highest id the table has ever had (its
``AUTOINCREMENT`` sequence), in list order, which are the ids SQLite itself
would give them in that order. That holds while no other connection inserts,
so it runs only inside a transaction, which on SQLite here takes the write lock
when it begins (``transaction_mode = IMMEDIATE`` in the settings); without that
lock a writer that got in first would make the insert fail (a taken id, or a
stale snapshot), never number a row twice. Other databases, and models this
does not handle, go through ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, compress
from operator import itemgetter
from typing import Any

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import NOT_PROVIDED, AutoField, BigAutoField, Model, SmallAutoField
from django.utils import timezone

_AUTO = (AutoField, BigAutoField, SmallAutoField)

# Django's own field classes (exactly these, not subclasses, which may prepare values
# their own way) whose get_db_prep_save gives a value of these types back as it is.
_AS_GIVEN: dict[type[models.Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.FloatField: (float,),
    AutoField: (int,),
    BigAutoField: (int,),
    SmallAutoField: (int,),
}


def writer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """What ``field.get_db_prep_save`` gives on SQLite, with short cuts for plain values.

    ``get_db_prep_save`` walks four or five calls a value, which for a million values is
    most of a bulk insert's time. For Django's own field classes the result is known: a
    string, number or flag as it is, a date as ISO text, an aware datetime as naive UTC
    text, JSON as ``json.dumps`` with the field's encoder. Any other value, and any other
    field class, goes through ``get_db_prep_save`` (tests/common/test_bulk.py holds the
    two equal).
    """
    slow = partial(field.get_db_prep_save, connection=connection)
    kind = type(field)
    if kind in (models.ForeignKey, models.OneToOneField) and isinstance(field, models.ForeignKey):
        return writer(field.target_field, connection)  # the target's value, as Django does
    if kind in _AS_GIVEN:
        plain = _AS_GIVEN[kind]
        return lambda value: value if value is None or type(value) in plain else slow(value)
    if kind is models.DateField:
        return lambda value: value.isoformat() if type(value) is dt.date else slow(value)
    if kind is models.DateTimeField and settings.USE_TZ:
        zone = connection.timezone
        return lambda value: (
            str(timezone.make_naive(value, zone))
            if type(value) is dt.datetime and timezone.is_aware(value)
            else slow(value)
        )
    if kind is models.JSONField and isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: (
            json.dumps(value, cls=encoder) if type(value) in (dict, list) else slow(value)
        )
    return slow


def _numbered_here(model: type[Model], objs: Sequence[Model], using: str) -> bool:
    """True when this module may insert ``objs`` itself (see the module's notes)."""
    return _numbers_rows(model, using) and all(obj.pk is None for obj in objs)


def _numbers_rows(model: type[Model], using: str) -> bool:
    """True when rows of ``model`` may be numbered here (see the module's notes)."""
    opts = model._meta
    connection = connections[using]
    return (
        connection.vendor == "sqlite"
        and connection.in_atomic_block
        and isinstance(opts.pk, _AUTO)
        and not opts.parents  # one table per row
        and not any(f.generated or f.db_default is not NOT_PROVIDED for f in opts.concrete_fields)
    )


def _next_id(connection: BaseDatabaseWrapper, cursor: Any, opts: Any) -> int:
    """The next id SQLite would give: past every id the table has had, deleted ones too."""
    quote = connection.ops.quote_name
    cursor.execute(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 (a model's own table name)
        f"coalesce((SELECT max({quote(opts.pk.column)}) FROM {quote(opts.db_table)}), 0))",
        [opts.db_table],
    )
    return int(cursor.fetchone()[0]) + 1


# A model may ask to see its new rows before they are written (the audit trail seals
# them into its hash chain): a classmethod of this name, given the instances or the
# ``{attname: value}`` dicts, called in the transaction that inserts them.
SEAL = "seal_new_rows"


def bulk_insert(model: type[Model], objs: Sequence[Model], *, batch_size: int = 2000) -> None:
    """Insert ``objs``, new instances of ``model``, and set their ids (like ``bulk_create``)."""
    if not objs:
        return
    seal = getattr(model, SEAL, None)
    if seal is None:
        _bulk_insert(model, objs, batch_size)
        return
    with transaction.atomic(using=router.db_for_write(model), savepoint=False):
        seal(objs)
        _bulk_insert(model, objs, batch_size)


def _bulk_insert(model: type[Model], objs: Sequence[Model], batch_size: int) -> None:
    using = router.db_for_write(model)
    if not _numbered_here(model, objs, using):
        model._default_manager.db_manager(using).bulk_create(objs, batch_size=batch_size)
        return
    connection = connections[using]
    opts = model._meta
    table = opts.db_table
    quote = connection.ops.quote_name
    for obj in objs:  # refuses an unsaved related object, as bulk_create does, before writing
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        next_id = _next_id(connection, cursor, opts)
        fields = list(opts.concrete_fields)
        writers = [writer(field, connection) for field in fields]
        rows: list[list[Any]] = []
        for number, obj in enumerate(objs, start=next_id):
            obj.pk = number
            rows.append(
                [
                    write(field.pre_save(obj, True))
                    for field, write in zip(fields, writers, strict=True)
                ]
            )
        columns = ", ".join(quote(field.column) for field in fields)
        values = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({values})"  # noqa: S608
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def insert_values(
    model: type[Model], rows: Sequence[dict[str, Any]], *, batch_size: int = 2000
) -> None:
    """Insert new rows of ``model`` given as ``{attname: value}`` dicts, without a model
    instance per row: for a bulk path that holds its values already (an importer writing
    a hundred thousand children, where building the instances was a quarter of the time).

    Each dict is completed in place: the fields it leaves out take their defaults, and its
    new id goes under the primary key's attname, as :func:`bulk_insert` sets ``obj.pk``.
    Foreign keys are given by id (``person_id``), never as objects. Where
    :func:`bulk_insert` would not number the rows itself (another database, a model it does
    not handle), the rows go through model instances and ``bulk_insert``.
    """
    if not rows:
        return
    if getattr(model, SEAL, None) is None:
        _insert_values(model, rows, batch_size)
        return
    with transaction.atomic(using=router.db_for_write(model), savepoint=False):
        _insert_values(model, rows, batch_size)


def _insert_values(model: type[Model], rows: Sequence[dict[str, Any]], batch_size: int) -> None:
    opts = model._meta
    fields = list(opts.concrete_fields)
    names = {f.attname for f in fields}
    given = set().union(*rows)  # every name any row gives
    unknown = given - names
    if unknown:
        raise ValueError(f"rows: {sorted(unknown)} are not fields of {opts.label}")
    pk = opts.pk.attname
    if pk in given and any(row.get(pk) is not None for row in rows):
        raise ValueError(f"rows: a new row of {opts.label} has no id yet")
    using = router.db_for_write(model)
    connection = connections[using]
    # A field pre_save sets (auto_now) needs an instance: insert_values calls no pre_save.
    plain = _numbers_rows(model, using) and not any(
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields
    )
    others = [f for f in fields if not f.primary_key]
    # A default made by a call (a new list, say) is made again for every row; any other
    # (a value, or none: NOT_PROVIDED is a class, so callable, and gives None or "") once.
    made = [
        f
        for f in others
        if f.db_default is not NOT_PROVIDED or (f.has_default() and callable(f.default))
    ]
    fixed = {f.attname: f.get_default() for f in others if not any(f is m for m in made)}
    complete = len(others)
    made_names = [(f.attname, f.get_default) for f in made]
    for row in rows:
        if len(row) >= complete and pk not in row:
            continue  # every field given (an audit row, say)
        row.update({**fixed, **row})  # the defaults under what the row gives
        for name, default in made_names:
            if name not in row:
                row[name] = default()
    seal = getattr(model, SEAL, None)
    if seal is not None:
        seal(rows)  # complete rows, as they will be written
    if not plain:
        objs = [model(**row) for row in rows]
        bulk_insert(model, objs, batch_size=batch_size)
        for row, obj in zip(rows, objs, strict=True):
            row[pk] = obj.pk
        return
    table = opts.db_table
    quote = connection.ops.quote_name
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        for number, row in enumerate(rows, start=_next_id(connection, cursor, opts)):
            row[pk] = number
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, _db_rows(fields, rows[start : start + batch_size], connection))


def _db_rows(
    fields: list[Any], rows: Sequence[dict[str, Any]], connection: BaseDatabaseWrapper
) -> list[tuple[Any, ...]]:
    """``rows`` as the database takes them, a column at a time: a column of plain values
    (every value a string in a text column, say) goes as it is; any other through
    :func:`writer`, as :func:`bulk_insert` does, once for each distinct value."""
    columns = [list(map(itemgetter(f.attname), rows)) for f in fields]
    for i, field in enumerate(fields):
        column = columns[i]
        types = set(map(type, column))
        if types <= {type(None), *_given_types(field)}:
            continue  # None, and plain values, go as they are
        if types <= {dict, list} and _orjson_writes(field):
            if len(set(map(id, column))) == 1:
                # One object in every row (an audit row's empty "before"): written once.
                fast = _orjson_column(column[:1])
                if fast is not None:
                    columns[i] = fast * len(column)
                    continue
            fast = _orjson_column(column)
            if fast is not None:
                columns[i] = fast
                continue
        columns[i] = _written(column, types, writer(field, connection))
    return list(zip(*columns, strict=True))


def _written(column: list[Any], types: set[type], write: Callable[[Any], Any]) -> list[Any]:
    """``write`` of each value, called once for each distinct one: an import's rows share
    their dates, their "created at" and (the very same object) an audit row's "before"."""
    kinds = types - {type(None)}
    if len(kinds) == 1 and kinds <= _BY_VALUE:
        # One kind of value (1 and True are equal, and written differently): by value.
        memo = {value: write(value) for value in set(column)}
        return list(map(memo.__getitem__, column))
    keys: list[Any] = list(map(id, column))  # by the object (a dict has no hash)
    if types == {list}:
        # Lists of strings (a child's disabilities, an assessment's factors) by their items:
        # lists alike are written alike, and an import's repeat.
        items = list(map(tuple, column))
        if set(map(type, chain.from_iterable(items))) <= {str}:
            keys = items
    distinct = dict(zip(keys, column, strict=True))
    if len(distinct) > len(column) // 2:
        return list(map(write, column))  # mostly different objects: no memo to gain
    memo = {key: write(value) for key, value in distinct.items()}
    return list(map(memo.__getitem__, keys))


def _orjson_writes(field: Any) -> bool:
    """True for a JSON field ``json.dumps`` writes with Django's encoder, or none."""
    return type(field) is models.JSONField and field.encoder in (None, DjangoJSONEncoder)


# Value types orjson writes as json.dumps does, to text that reads back the same (orjson's
# is compact and keeps non-ASCII as it is): exactly these, not subclasses (a str enum, say,
# or a lazy string, which Django's encoder writes its own way).
_JSON_SAME = frozenset({str, int, bool, type(None), float, list, tuple, dict})


def _json_same(values: list[Any]) -> bool:
    """True when ``values`` and all they hold are of :data:`_JSON_SAME`, every float finite
    (orjson writes NaN as null, json.dumps as NaN): checked a level at a time over a whole
    column, not value by value (which cost as much as ``json.dumps`` itself)."""
    types = set(map(type, values))
    if not types <= _JSON_SAME:
        return False
    if float in types and not all(map(math.isfinite, [v for v in values if type(v) is float])):
        return False
    # What the dicts and lists hold, picked out with C-level iterators (compress, map).
    inner: list[Any] = []
    if dict in types:
        dicts = (
            values
            if len(types) == 1
            else compress(values, map(_DICT.__contains__, map(type, values)))
        )
        inner.extend(chain.from_iterable(map(dict.values, dicts)))
    if list in types or tuple in types:
        inner.extend(
            chain.from_iterable(compress(values, map(_SEQUENCES.__contains__, map(type, values))))
        )
    return not inner or _json_same(inner)


_DICT = frozenset({dict})
_SEQUENCES = frozenset({list, tuple})


def _orjson_column(column: list[Any]) -> list[str] | None:
    """A column of dicts and lists as ``json.dumps`` text that reads back the same, through
    orjson (several times faster: an import audits a hundred thousand snapshots); None
    when a value is not plain JSON (:func:`_json_same`) or orjson refuses one (a key that
    is not a string, an int past 64 bits), for the caller to write as before."""
    if not _json_same(column):
        return None
    try:
        return list(map(bytes.decode, map(orjson.dumps, column)))
    except TypeError:  # orjson.JSONEncodeError is one
        return None


# Value types compared by value when written once each (equal values write the same).
_BY_VALUE = frozenset({str, int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta})


def _given_types(field: Any) -> tuple[type, ...]:
    """The value types ``field`` writes as they are (see :func:`writer`), () for none."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _given_types(field.target_field)
    return _AS_GIVEN.get(type(field), ())
