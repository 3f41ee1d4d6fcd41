"""bulk_insert writes what bulk_create writes, numbered as SQLite numbers rows, in one statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazystr

from locus.audit.chain import CHAIN_FIELDS
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common.bulk import bulk_insert, writer
from locus.peers.models import Association
from locus.people.models import Person
from locus.places.models import Context
from tests.factories import World, nothing_written

pytestmark = pytest.mark.django_db

LONDON = dt.timezone(dt.timedelta(hours=1))  # a summer offset, so stored UTC text differs


def associations(world: World, count: int) -> list[Association]:
    """``count`` new rows with a value of every kind the demo writes (text, dates, flags...)."""
    return [
        Association(
            person=world.csc_child,
            other=world.team_child if i % 2 else None,
            other_label="" if i % 2 else f"a peer {i}",
            relationship="friend",
            nature="risk",
            valid_from=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
            valid_until=dt.date(2026, 1, 1) if i % 3 == 0 else None,
            peer_role="core" if i % 2 else "",
            source="professional",
            confidence="high",
            recorded_by=world.social_worker,
            recorded_at=dt.datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=LONDON),
            open_to_social_care=None if i % 2 else (None, True, False)[i % 3],  # unnamed peers
        )
        for i in range(count)
    ]


def events(world: World, count: int) -> list[ChangeEvent]:
    return [
        ChangeEvent(
            actor=world.system,
            at=dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=i),
            action=ChangeAction.CREATE,
            record_type="peers.association",
            record_id=str(i),
            after={"valid_from": "2025-01-01", "note": 'é and "quotes"', "n": i, "x": None},
            people=f",{i},",
        )
        for i in range(count)
    ]


def stored(model: type[models.Model], objs: list[Any]) -> list[tuple[Any, ...]]:
    """The rows as SQLite holds them (text as written, not parsed back), without their ids
    (nor an audit row's place in its hash chain, the next seq of each run)."""
    columns = [
        f.column
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in CHAIN_FIELDS
    ]
    ids = ", ".join(str(o.pk) for o in objs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {model._meta.db_table} "  # noqa: S608 (test's own)
            f"WHERE id IN ({ids}) ORDER BY id"
        )
        return cursor.fetchall()


@pytest.mark.parametrize("make", [associations, events])
def test_bulk_insert_writes_the_rows_bulk_create_writes(world: World, make: Any) -> None:
    theirs, ours = make(world, 40), make(world, 40)
    model = type(theirs[0])
    model._default_manager.bulk_create(theirs)
    bulk_insert(model, ours)
    assert stored(model, ours) == stored(model, theirs)
    assert all(o.pk is not None and not o._state.adding for o in ours)
    if model is ChangeEvent:  # both sealed, one run after the other
        seqs = [o.seq for o in theirs + ours]
        assert seqs == list(range(seqs[0], seqs[0] + 80))


def test_rows_are_numbered_as_sqlite_numbers_them(world: World) -> None:
    first = associations(world, 3)
    Association.objects.bulk_create(first)
    last = first[-1].pk
    Association.objects.filter(pk=last).delete()  # SQLite never gives a deleted id again
    ours = associations(world, 4)
    bulk_insert(Association, ours)
    assert [o.pk for o in ours] == [last + 1, last + 2, last + 3, last + 4]
    after = associations(world, 1)
    Association.objects.bulk_create(after)
    assert after[0].pk == last + 5
    assert Association.objects.get(pk=last + 2).other_label == ours[1].other_label


def test_many_rows_go_in_one_statement(world: World) -> None:
    objs = associations(world, 500)
    with CaptureQueriesContext(connection) as queries:
        bulk_insert(Association, objs)
    inserts = [q["sql"] for q in queries if "INSERT INTO" in q["sql"]]
    # bulk_create takes one statement per 49 rows here (SQLite's 999 values, 20 columns).
    assert len(inserts) == 1
    assert Association.objects.filter(pk__in=[o.pk for o in objs]).count() == 500


def test_an_unsaved_related_object_is_refused_as_bulk_create_refuses_it(world: World) -> None:
    objs = associations(world, 2)
    objs[1].other = Person(given_name="Not", family_name="Saved", date_of_birth=dt.date(2010, 1, 1))
    with nothing_written(Association), pytest.raises(ValueError, match="unsaved related object"):
        bulk_insert(Association, objs)


def test_ids_given_already_go_through_bulk_create(world: World) -> None:
    context = Context(
        kind="park",
        name="A park with an id",
        created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        recorded_by=world.system,
    )
    context.pk = 987654
    bulk_insert(Context, [context])
    assert Context.objects.filter(pk=987654, name="A park with an id").exists()


SQLITE = ConnectionHandler(
    {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)["default"]

FIELDS = {
    "char": Association._meta.get_field("other_label"),
    "text": Association._meta.get_field("note"),
    "flag": Association._meta.get_field("open_to_social_care"),
    "date": Association._meta.get_field("valid_from"),
    "moment": Association._meta.get_field("recorded_at"),
    "fk": Association._meta.get_field("person"),
    "json": ChangeEvent._meta.get_field("after"),
    "float": Context._meta.get_field("latitude"),
    "integer": models.PositiveIntegerField(),
    "id": Association._meta.pk,
}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("char", "Mia"),
        ("char", ""),
        ("char", None),
        ("char", 12),  # not a string: Django's way
        ("char", lazystr("lazy")),
        ("text", "a\nnote"),
        ("flag", True),
        ("flag", False),
        ("flag", None),
        ("flag", 1),
        ("date", dt.date(2024, 2, 29)),
        ("date", None),
        ("date", dt.datetime(2024, 2, 29, 23, 30, tzinfo=dt.UTC)),
        ("moment", dt.datetime(2025, 6, 1, 0, 30, tzinfo=LONDON)),
        ("moment", dt.datetime(2025, 12, 1, 9, 0, 0, 5, tzinfo=dt.UTC)),
        ("moment", None),
        ("fk", 7),
        ("fk", None),
        ("fk", "7"),
        ("json", {"a": [1, "b", None], "c": "é"}),
        ("json", [1, 2]),
        ("json", {}),
        ("json", None),
        ("json", "text"),
        ("float", 51.5),
        ("float", None),
        ("float", 3),
        ("float", Decimal("1.25")),
        ("integer", 2**40),
        ("integer", True),
        ("integer", "8"),
        ("id", 12),
    ],
)
def test_the_short_cuts_give_what_django_gives(kind: str, value: Any) -> None:
    # The short cuts are SQLite's (other databases take bulk_create): compare them with what
    # Django's SQLite backend gives, whichever database the suite runs on. Preparing a value
    # opens no connection.
    field = FIELDS[kind]
    ours = writer(field, SQLITE)(value)
    theirs = field.get_db_prep_save(value, SQLITE)
    assert (type(ours), ours) == (type(theirs), theirs)
