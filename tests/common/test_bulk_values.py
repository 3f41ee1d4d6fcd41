"""``insert_values``: new rows from plain values, numbered as ``bulk_insert`` numbers them."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum

import pytest
from django.db import DataError, IntegrityError, connection, models, transaction

from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.common.bulk import insert_values
from locus.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def rows(*names: str) -> list[dict[str, object]]:
    return [
        {
            "given_name": "Child",
            "family_name": name,
            "la_child_id": name,
            "date_of_birth": dt.date(2010, 1, 2),
            "created_at": clock.now(),
        }
        for name in names
    ]


@pytest.mark.parametrize("in_transaction", [True, False])
def test_rows_get_their_ids_and_defaults_and_land_as_given(in_transaction: bool) -> None:
    # In a transaction the rows are numbered here; outside one they go through bulk_create.
    given = rows("A1", "A2", "A3")
    if in_transaction:
        with transaction.atomic():
            insert_values(Person, given)
    else:
        insert_values(Person, given)
    ids = [row["id"] for row in given]
    assert ids == sorted(ids) and len(set(ids)) == 3
    for row in given:
        person = Person.objects.get(pk=row["id"])
        assert (person.la_child_id, person.date_of_birth) == (
            row["la_child_id"],
            dt.date(2010, 1, 2),
        )
        # The fields left out took their defaults, in the row too.
        assert person.kind == row["kind"] == "young_person"
        assert (
            person.upn is None and row["upn"] is None and person.known_as == row["known_as"] == ""
        )


def test_a_name_that_is_not_a_field_is_refused_before_anything_is_written() -> None:
    bad = rows("B1")
    bad[0]["nickname"] = "x"
    with pytest.raises(ValueError, match=r"rows: .*nickname"), transaction.atomic():
        insert_values(Person, bad)
    assert not Person.objects.filter(la_child_id="B1").exists()


def test_values_written_once_each_still_land_as_each_row_gave_them() -> None:
    # Equal values are converted once (dates, lists of codes): 1 and True, and lists alike
    # but for a type, must still land as given.
    from locus.statutory.models import CensusChild

    people = rows("C1", "C2", "C3", "C4", "C5")
    people[1]["date_of_birth"] = None
    with transaction.atomic():
        insert_values(Person, people)
        lists: list[list[object]] = [["NONE"], ["NONE"], [1], [True], ["HAND", "HEAR"]]
        census = [
            {"person_id": p["id"], "disabilities": d, "census_year": 2024}
            for p, d in zip(people, lists, strict=True)
        ]
        insert_values(CensusChild, census)
    for person, given in zip(people, lists, strict=True):
        assert Person.objects.get(pk=person["id"]).date_of_birth == person["date_of_birth"]
        saved = CensusChild.objects.get(person_id=person["id"]).disabilities
        assert saved == given and [type(x) for x in saved] == [type(x) for x in given]


class Kind(StrEnum):
    A = "a"


# Audit snapshots as an import writes them, and values that are not plain JSON.
JSON_VALUES: list[object] = [
    {"name": "Zoë", "n": 3, "ok": True, "none": None, "x": 1.5, "list": ["N1", 2, None]},
    {"nested": {"deep": [{"a": "b"}, (1, 2)]}, "quote": 'say "hi"\n'},
    [1, "two", [3.25, False]],
    {},
]
NOT_PLAIN: list[object] = [
    {"big": 2**70},  # orjson refuses
    {1: "key that is not a string"},  # orjson refuses
    {"kind": Kind.A},  # a subclass of str
]


def _audit_rows(values: list[object]) -> list[dict[str, object]]:
    from locus.access.services import system_worker

    actor = system_worker()
    return [
        {
            "actor_id": actor.pk,
            "at": clock.now(),
            "action": "create",
            "record_type": "people.person",
            "record_id": str(n),
            "people": "",
            "before": {},
            "after": value,
        }
        for n, value in enumerate(values)
    ]


def _stored(rows: list[dict[str, object]]) -> list[str]:
    # The text as stored, not as Django reads it back.
    with connection.cursor() as cursor:
        texts = []
        for row in rows:
            cursor.execute("SELECT after FROM audit_changeevent WHERE id = %s", [row["id"]])
            texts.append(cursor.fetchone()[0])
        return texts


@pytest.mark.parametrize("odd", [None, *NOT_PLAIN])
def test_json_values_are_stored_as_text_that_reads_back_as_json_dumps_text_does(
    odd: object,
) -> None:
    # Plain JSON goes through orjson (its own spacing); with one value in the column that
    # orjson would write otherwise, or refuse, the column is written by json.dumps.
    values = JSON_VALUES + ([] if odd is None else [odd])
    given = _audit_rows(values)
    with transaction.atomic():
        insert_values(ChangeEvent, given)
    stored = _stored(given)
    for value, text in zip(values, stored, strict=True):
        expected = json.dumps(value)
        assert json.loads(text) == json.loads(expected)
        if odd is not None and connection.vendor == "sqlite":
            # The fallback's own text (PostgreSQL's jsonb keeps no text, only the value).
            assert text == expected
    if odd is not None and connection.vendor == "sqlite":
        assert stored[-1] == json.dumps(odd)
    assert ChangeEvent.objects.get(pk=given[0]["id"]).after == values[0]


def test_a_json_value_that_is_not_a_number_is_refused_as_django_refuses_it() -> None:
    # orjson would write NaN as null, a different value: json.dumps writes NaN, which the
    # column's JSON check refuses, and nothing is written.
    given = _audit_rows([*JSON_VALUES, {"x": float("nan")}])
    before = ChangeEvent.objects.count()
    refused = (IntegrityError, DataError)  # SQLite's JSON check; PostgreSQL's json input
    with (
        pytest.raises(refused, match=r"JSON_VALID|invalid input syntax for type json"),
        transaction.atomic(),
    ):
        insert_values(ChangeEvent, given)
    assert ChangeEvent.objects.count() == before


def test_a_default_not_made_by_a_call_is_read_once_not_once_a_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field with no default (NOT_PROVIDED, a class, so callable) or a plain one gives
    the same value for every row: it is read once for the rows, not once for each (which
    was a tenth of the CIN import's writing). Each row still holds it."""
    calls: dict[str, int] = {}
    get_default = models.Field.get_default

    def counted(field: models.Field) -> object:
        calls[field.name] = calls.get(field.name, 0) + 1
        return get_default(field)

    monkeypatch.setattr(models.Field, "get_default", counted)
    given = rows(*(f"D{n}" for n in range(40)))
    with transaction.atomic():
        insert_values(Person, given)
    # The primary key is Django's to fill: on PostgreSQL its bulk insert asks the id's
    # default of each row itself (``get_pk_value_on_save``), whatever the code under test does.
    calls.pop(Person._meta.pk.name, None)
    assert calls and max(calls.values()) == 1, calls
    assert all(row["upn"] is None and row["known_as"] == "" for row in given)
    assert Person.objects.filter(la_child_id__startswith="D", upn__isnull=True).count() == 40
