"""The CIN census import writes the same rows, audit rows and reports as it always has.

Two fixed returns (synthetic children, the benchmark's generator at a fixed seed) are
checked and imported: the first creates every child; the second, the same children with
changes and some new ones, updates some, rejects some (a date of birth unlike the one held, a
wrong UPN check letter, a UPN twice in the file, a UPN held by another child) and creates
the rest. Everything the two passes wrote (every column of every record, every audit row
but its place in the hash chain) and both passes' reports are compared with
``data/cin-rows.json``, written by the import before it was made faster: a change to how
rows are built that changes a single value fails here. Ids are given as their order among
the rows the test made, so the comparison does not hang on what else the database holds.

To write the expectation again (only for a change meant to alter what is imported):
``LOCUS_WRITE_CIN_ROWS=1 pytest tests/interchange/test_cin_rows.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from benchmarks import imports
from locus.access.models import Worker
from locus.audit.models import ChangeEvent
from locus.interchange.cin import PART_MODELS, CinImporter
from locus.people.models import Person
from locus.statutory.models import CensusChild, CINEpisode
from tests.frozen_clock import FrozenClock
from tests.interchange.conftest import DATA

pytestmark = pytest.mark.django_db

EXPECTED = DATA / "cin-rows.json"
# What the import writes: people, their census details, episodes and the episodes' parts.
MODELS: tuple[type[models.Model], ...] = (Person, CensusChild, CINEpisode, *PART_MODELS.values())
# Foreign keys, by the model whose ids they hold.
POINTS_TO = {"person_id": Person, "episode_id": CINEpisode}
CHAIN = ("seq", "prev_hash", "row_hash", "content_digest")


def _returns(folder: Path) -> tuple[Path, Path]:
    """The first return (24 children) and the second (the same 24 and 12 more, changed)."""
    first, second = folder / "first.xml", folder / "second.xml"
    imports.write_return(first, 24, seed=5)
    imports.write_return(second, 36, seed=5)  # the same seed: its first 24 are the same
    lines = second.read_text(encoding="utf-8").split("\n")
    header, children = lines[:2], lines[2:38]
    assert all(c.startswith("<Child>") for c in children)

    def upn(n: int) -> str:
        return children[n].split("<UPN>")[1].split("</UPN>")[0]

    children = [c.replace("<Ethnicity>WBRI<", "<Ethnicity>WOTH<") for c in children]
    children = [c.replace("<ICPCnotRequired>false<", "<ICPCnotRequired>true<") for c in children]
    children = [c.replace("<PrimaryNeedCode>N1<", "<PrimaryNeedCode>N2<") for c in children]
    born = children[2].split("<PersonBirthDate>")[1][:10]
    children[2] = children[2].replace(born, "2015-06-01", 1)  # unlike the date held
    held = upn(5)
    children[5] = children[5].replace(held, ("B" if held[0] == "A" else "A") + held[1:])
    children[7] = children[7].replace(upn(7), upn(8))  # another's, and twice in the file
    children[30] = children[30].replace(upn(30), held)  # a new child, with the 5th's UPN
    second.write_text("\n".join([*header, *children, *lines[38:]]), encoding="utf-8")
    return first, second


class _Ids:
    """Every id the test made, as "Model#n" (its order among that model's new rows)."""

    def __init__(self, admin: Worker) -> None:
        self.admin = admin
        self.by_model: dict[type[models.Model], dict[int, str]] = {}

    def number(self, model: type[models.Model], pks: list[int]) -> None:
        self.by_model[model] = {pk: f"{model.__name__}#{n}" for n, pk in enumerate(sorted(pks))}

    def of(self, model: type[models.Model], pk: Any) -> Any:
        if pk is None:
            return None
        return self.by_model[model].get(int(pk), f"{model.__name__} held before")

    def values(self, row: dict[str, Any], model: type[models.Model] | None = None) -> dict:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if key == "id" and model is not None:
                value = self.of(model, value)
            elif key in POINTS_TO:
                value = self.of(POINTS_TO[key], value)
            elif key in ("actor_id", "recorded_by_id") and value == self.admin.pk:
                value = "admin"
            elif key == "agency_id" and value is not None and value == self.admin.agency_id:
                value = "the admin's agency"
            elif isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()
            out[key] = value
        return out

    def people(self, text: str) -> list[Any]:
        return [self.of(Person, pk) for pk in text.strip(",").split(",") if pk]

    def report(self, report: dict[str, Any]) -> dict[str, Any]:
        report = dict(report)
        report["people"] = [self.of(Person, pk) for pk in report["people"]]
        report["problems"] = [
            {**p, "about": self.of(Person, p["about"])} for p in report["problems"]
        ]
        return report


def _last_ids() -> dict[type[models.Model], int]:
    """The highest id of each model (and of the audit trail) before the test imports."""
    return {
        m: m._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
        for m in (*MODELS, ChangeEvent)
    }


def _dump(
    admin: Worker, before: dict[type[models.Model], int], reports: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the test's imports wrote (rows past ``before``'s ids) and reported."""
    ids = _Ids(admin)
    tables = {
        m: list(m._default_manager.filter(pk__gt=before[m]).order_by("pk").values()) for m in MODELS
    }
    for model, rows in tables.items():
        ids.number(model, [row["id"] for row in rows])
    labels = {m._meta.label_lower: m for m in MODELS}
    events = []
    for row in ChangeEvent.objects.filter(pk__gt=before[ChangeEvent]).order_by("pk").values():
        model = labels[row["record_type"]]
        row = {k: v for k, v in row.items() if k not in (*CHAIN, "id")}
        row["record_id"] = ids.of(model, row["record_id"])
        row["people"] = ids.people(row["people"])
        row["before"] = ids.values(row["before"])
        row["after"] = ids.values(row["after"])
        events.append(ids.values(row))
    return {
        "reports": [ids.report(r) for r in reports],
        "rows": {m.__name__: [ids.values(r, m) for r in rows] for m, rows in tables.items()},
        "audit": events,
    }


def test_two_returns_write_the_rows_and_audit_they_always_have(
    frozen_clock: FrozenClock, admin: Worker, tmp_path: Path
) -> None:
    frozen_clock.at(dt.datetime(2024, 6, 3, 9, 30, tzinfo=dt.UTC))
    first, second = _returns(tmp_path)
    before = _last_ids()
    importer = CinImporter()
    reports = [importer.check(first).as_dict(), importer.apply(first, by=admin).as_dict()]
    frozen_clock.advance(days=1)
    reports.append(importer.check(second).as_dict())
    reports.append(importer.apply(second, by=admin, valid_only=True).as_dict())
    got = _dump(admin, before, reports)
    if os.environ.get("LOCUS_WRITE_CIN_ROWS"):
        EXPECTED.write_text(json.dumps(got, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    # The second return did each thing it is here for.
    assert got["reports"][3]["counts"]["child"] == {
        "created": 11,
        "updated": 1,
        "unchanged": 19,
        "rejected": 5,
    }
    assert got == json.loads(json.dumps(got))  # JSON throughout, as stored
    for part in ("reports", "rows", "audit"):
        assert got[part] == expected[part], part
