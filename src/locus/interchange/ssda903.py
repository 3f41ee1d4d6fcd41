"""The SSDA903 importer: looked-after children from the Header, Episodes and Missing tables.

What lands where (docs/imports-ssda903.md says it for the data team):

- a Header row is a :class:`~locus.people.models.Person`, matched on CHILD (the LA child
  ID), then on UPN (never an adult's record, nor one born on another day than the row's
  DOB, whether found by its UPN alone or by its LA child ID: ``matching.unlike`` and
  ``born_unlike``, the CIN import's rules); date of birth, sex, ethnicity and UPN come from
  it (a date of birth Locus is to hold, a new child's or one for a record holding none, is
  a young person's, under 25: ``birth_unheld``, as in CIN). The return carries no names: a
  new person is "Child <CHILD>" until the case system's name is recorded;
- Episodes are cut into runs (an episode beginning the day the one before it ended
  continues it): a run of one legal status is a looked-after
  :class:`~locus.people.models.LegalStatusEpisode` (LS; DECOM, DEC and REC), held by the
  importing administrator's agency, sharing no day with another looked-after episode
  Locus holds (the episode form's rule, ``people.services.overlap_field``); a run in one
  placement is an :class:`~locus.people.models.AddressPeriod` at a home context for the
  placement (PLACE, PLACE_PROVIDER, PL_POST, URN), located when the postcode is a real one;
- a Missing row is an :class:`~locus.incidents.models.Incident` of kind "missing" naming the
  child as the one who went missing, at the placement their first day falls in, or with no
  place when no placement with a postcode covers that day (a missing episode is the one
  incident Locus records without a place).

Re-importing the same or the next year's tables finds what an earlier import wrote (a run
overlapping one already held, a missing episode starting the same day) and updates it.
Imported children get no allocation: nobody's caseload changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils import timezone

from locus.access import policies
from locus.access.models import Agency, AgencyKind
from locus.audit.models import ChangeAction
from locus.audit.services import record_creations
from locus.common import clock
from locus.common.bulk import bulk_insert
from locus.common.errors import NotPermitted
from locus.common.models import Confidence, Source
from locus.common.services import write_fields
from locus.common.validators import upn_problem
from locus.incidents.models import (
    Incident,
    IncidentKind,
    Involvement,
    InvolvementRole,
)
from locus.incidents.services import keep_revision_and_amend, validate_incident
from locus.interchange import core
from locus.interchange.core import (
    CREATED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    FileRejected,
    Problem,
    Progress,
    Report,
    no_progress,
)
from locus.interchange.matching import birth_unheld, born_unlike, unlike
from locus.interchange.ssda903_codes import (
    MISSING_LABELS,
    PLACE_LABELS,
    PROVIDER_LABELS,
    REASON_LABELS,
)
from locus.interchange.ssda903_tables import Row, TableFile, find_tables, read_rows, spec, year_for
from locus.people.identifiers import la_child_id_problem
from locus.people.models import (
    AddressPeriod,
    EndReason,
    Ethnicity,
    LegalStatus,
    LegalStatusEpisode,
    Person,
    PersonKind,
)
from locus.people.services import overlap_field, validate_person
from locus.places import postcodes
from locus.places.models import Context, ContextKind

if TYPE_CHECKING:
    from locus.access.models import Worker

M = TypeVar("M", bound=models.Model)
P = TypeVar("P", AddressPeriod, LegalStatusEpisode)

KIND = "ssda903"
PERSON, LEGAL_STATUS, PLACEMENT, MISSING_EPISODE = (
    "person",
    "legal_status",
    "placement",
    "missing_episode",
)
# The codes a Header's UPN takes when the child has none (UN1: not yet allocated... UN7).
NO_UPN = frozenset(f"UN{n}" for n in range(1, 8))
# A placement's URN when the provider has none.
NO_URN = frozenset({"XXXXXXX"})
# Validation messages of people.services.validate_person, by the Header column they are about.
_PERSON_COLUMNS = {
    "date_of_birth": "DOB",
    "sex": "SEX",
    "ethnicity": "ETHNIC",
    "upn": "UPN",
    "la_child_id": "CHILD",
}
# Validation messages of incidents.services.validate_incident, by the Missing column.
_INCIDENT_COLUMNS = {"occurred_at": "MIS_START", "involvements": "CHILD"}


def _date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else "open"


# --- What the file says, cut into the records Locus keeps


@dataclass(frozen=True)
class PlacementKey:
    place: str
    provider: str
    postcode: str
    urn: str

    @property
    def name(self) -> str:
        urn = f", URN {self.urn}" if self.urn else ""
        provider = f" ({self.provider})" if self.provider else ""
        return f"Placement {self.place}{provider} at {self.postcode}{urn}"[:200]

    @property
    def description(self) -> str:
        provider = PROVIDER_LABELS.get(self.provider, "")
        by = f", provided by {provider}" if provider else ""
        return (
            f"A looked-after child's placement from the SSDA903 return: "
            f"{PLACE_LABELS.get(self.place, self.place)}{by}."
        )


@dataclass
class Run:
    """Consecutive episodes of one child with the same legal status, or in one placement."""

    rows: list[Row]
    start: dt.date
    end: dt.date | None

    @property
    def reason(self) -> str:
        last = self.rows[-1].values
        code = last.get("REC") or ""
        if self.end is None or not code:
            return ""
        return f"SSDA903 {code}: {REASON_LABELS.get(code, 'reason not known')}"

    def overlaps(self, start: dt.date, end: dt.date | None) -> bool:
        return (end is None or self.start <= end) and (self.end is None or start <= self.end)


def runs(episodes: Sequence[Row], key: Any) -> list[Run]:
    """``episodes`` (one child's, in order, not overlapping) cut into runs of equal ``key``:
    an episode continues the run when it begins the day the run ended."""
    out: list[Run] = []
    for row in episodes:
        start, end = row.values["DECOM"], row.values["DEC"]
        last = out[-1] if out else None
        if last is not None and last.end == start and key(last.rows[-1]) == key(row):
            last.rows.append(row)
            last.end = end
        else:
            out.append(Run([row], start, end))
    return out


@dataclass
class Child:
    """One child of the return: the Header row and everything hung on it."""

    header: Row
    episodes: list[Row] = field(default_factory=list)
    missing: list[Row] = field(default_factory=list)
    person: Person | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """What an import would do: every write, decided before the first is made."""

    report: Report
    agency: Agency | None
    contexts: dict[PlacementKey, Context] = field(default_factory=dict)
    new_people: list[tuple[Child, Person]] = field(default_factory=list)
    person_changes: list[tuple[Person, dict[str, Any]]] = field(default_factory=list)
    new_episodes: list[LegalStatusEpisode] = field(default_factory=list)
    episode_changes: list[tuple[LegalStatusEpisode, dict[str, Any]]] = field(default_factory=list)
    new_addresses: list[AddressPeriod] = field(default_factory=list)
    address_changes: list[tuple[AddressPeriod, dict[str, Any]]] = field(default_factory=list)
    new_incidents: list[tuple[Incident, Person]] = field(default_factory=list)
    incident_changes: list[tuple[Incident, dict[str, Any]]] = field(default_factory=list)


def _read(path: Path, report: Report, progress: Progress) -> dict[str, list[Row]]:
    files = find_tables(path)
    # The year in a name (SSDA903_2019.zip, SSDA903_2019_episodes.csv) picks its spec.
    year = year_for([path.name, *(f.name for f in files.values())])
    report.details["schema_year"] = year
    report.details["files"] = {t: f.name for t, f in sorted(files.items())}
    columns = spec(year)
    total = sum(len(f.data) for f in files.values())
    done = 0
    tables: dict[str, list[Row]] = {}
    for table in ("Header", "Episodes", "Missing"):
        file: TableFile | None = files.get(table)
        rows = read_rows(file, columns[table], report.problem) if file is not None else []
        report.records_read += len(rows)
        tables[table] = rows
        done += len(file.data) if file is not None else 0
        progress(done, total)
    return tables


def _children(tables: dict[str, list[Row]], report: Report) -> dict[str, Child]:
    """The checks across rows and tables: duplicates, episodes of a child not in Header,
    overlapping episodes, dates out of order. A child whose Header row fails takes every
    row of theirs with it (each named, so that the rejects list is complete)."""

    def problem(row: Row, column: str, rule: str, message: str) -> None:
        report.problem(row.problem(column, rule, message))

    children: dict[str, Child] = {}
    upns: dict[str, Row] = {}
    today = clock.today()
    for row in tables["Header"]:
        child = row.child.replace(" ", "").upper()
        if not child:  # blank: a problem already
            report.count(PERSON, REJECTED)
            continue
        if child in children:
            first = children[child].header
            problem(row, "CHILD", "duplicate", f"CHILD {child} is already in {first.where}")
            if first.ok:
                problem(first, "CHILD", "duplicate", f"CHILD {child} is also in {row.where}")
            report.count(PERSON, REJECTED)  # the first is counted with its child
            continue
        if reason := la_child_id_problem(child):
            problem(row, "CHILD", "identifier", reason)
        upn = row.values.get("UPN") or ""
        if upn and upn not in NO_UPN:
            if reason := upn_problem(upn):
                problem(row, "UPN", "upn", reason)
            elif upn in upns:
                problem(row, "UPN", "duplicate", f"UPN {upn} is also in {upns[upn].where}")
            else:
                upns[upn] = row
        dob = row.values.get("DOB")
        if dob is not None and dob > today:
            problem(row, "DOB", "date", "The date of birth is in the future")
        children[child] = Child(row)
    for table, attr in (("Episodes", "episodes"), ("Missing", "missing")):
        for row in tables[table]:
            found = children.get(row.child.replace(" ", "").upper())
            if found is None:
                if row.child:  # blank: a problem already
                    problem(row, "CHILD", "child", f"CHILD {row.child} is not in the Header table")
                kinds = (LEGAL_STATUS, PLACEMENT) if table == "Episodes" else (MISSING_EPISODE,)
                for kind in kinds:
                    report.count(kind, REJECTED)
                continue
            getattr(found, attr).append(row)
    for held in children.values():
        _check_episodes(held, problem, today)
        _check_missing(held, problem, today)
    return children


def _check_episodes(child: Child, problem: Any, today: dt.date) -> None:
    dob = child.header.values.get("DOB")
    seen: dict[dt.date, Row] = {}
    for row in child.episodes:
        start = _check_dates(row, "DECOM", "DEC", seen, problem, today)
        if start is None:
            continue
        end = row.values.get("DEC")
        # An end before the start is said already; only one problem with the end.
        if end is not None and start <= end and end > today:
            problem(row, "DEC", "date", "The episode ends in the future")
        if dob is not None and start < dob:
            born = _date(dob)
            problem(row, "DECOM", "date", f"The episode starts before the date of birth ({born})")
    child.episodes.sort(key=lambda r: (r.values.get("DECOM") or dt.date.min, r.line))
    last: Row | None = None
    for row in child.episodes:
        if not row.ok:
            continue
        if last is not None:
            ended = last.values["DEC"]
            if ended is None or ended > row.values["DECOM"]:
                problem(
                    row,
                    "DECOM",
                    "overlap",
                    f"The episode starts before the one in {last.where} ends ({_date(ended)})",
                )
                continue
        last = row


def _check_missing(child: Child, problem: Any, today: dt.date) -> None:
    dob = child.header.values.get("DOB")
    seen: dict[dt.date, Row] = {}
    for row in child.missing:
        if row.values.get("DOB") is not None and dob is not None and row.values["DOB"] != dob:
            header = _date(dob)
            problem(row, "DOB", "dob", f"The date of birth differs from the Header's ({header})")
        _check_dates(row, "MIS_START", "MIS_END", seen, problem, today)


def _check_dates(
    row: Row,
    start_column: str,
    end_column: str,
    seen: dict[dt.date, Row],
    problem: Any,
    today: dt.date,
) -> dt.date | None:
    """What every kind of episode checks of its dates: once a child (by its start, ``seen``
    keeps those so far), not starting in the future, not ending before it starts. The start
    to check further, or None when there is none or the episode is a duplicate."""
    start, end = row.values.get(start_column), row.values.get(end_column)
    if start is None:
        return None
    if start in seen:
        problem(row, start_column, "duplicate", f"The same episode is in {seen[start].where}")
        return None
    seen[start] = row
    if start > today:
        problem(row, start_column, "date", "The episode starts in the future")
    if end is not None and end < start:
        problem(row, end_column, "date", f"The episode ends before it starts ({_date(start)})")
    return start


def _placement(row: Row) -> PlacementKey | None:
    postcode = row.values.get("PL_POST") or ""
    if not postcode:
        return None
    urn = row.values.get("URN") or ""
    return PlacementKey(
        row.values.get("PLACE") or "",
        row.values.get("PLACE_PROVIDER") or "",
        postcodes.normalise(postcode),
        "" if urn.upper() in NO_URN else urn.upper(),
    )


def _chunks(values: Iterable[Any], size: int = 500) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _by(model: type[M], field_name: str, values: Iterable[Any], **filters: Any) -> list[M]:
    found: list[M] = []
    for batch in _chunks(set(values)):
        qs = model._default_manager.filter(**{f"{field_name}__in": batch}, **filters)
        found.extend(qs)
    return found


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


class _Planner:
    def __init__(self, report: Report, agency: Agency | None) -> None:
        self.plan = Plan(report, agency)
        self.report = report
        self.now = clock.now()
        self.placed_at: set[int] = set()

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.report.count(kind, outcome, n)

    def planned(
        self, kind: str, into: list[tuple[M, dict[str, Any]]], held: M, changes: dict[str, Any]
    ) -> None:
        """Count a record the file holds already: updated, its ``changes`` planned ``into``
        the plan's list of changes, or unchanged when there are none."""
        if changes:
            into.append((held, changes))
        self.count(kind, UPDATED if changes else UNCHANGED)

    def problem(
        self, row: Row, column: str, rule: str, message: str, about: Person | None = None
    ) -> None:
        self.report.problem(row.problem(column, rule, message), about=about)

    def build(self, children: dict[str, Child]) -> Plan:
        self._match_people(children)
        for child in children.values():
            if child.header.ok:
                self._check_placements(child)
                continue
            # A rejected child takes every row of theirs with it, each named, so that the
            # rejects list is complete.
            self.count(PERSON, REJECTED)
            for row in (*child.episodes, *child.missing):
                if row.ok:
                    why = f"The child's Header row ({child.header.where}) is rejected"
                    self.problem(row, "CHILD", "child", why)
            self.count(LEGAL_STATUS, REJECTED, len(child.episodes))
            self.count(PLACEMENT, REJECTED, len(child.episodes))
            self.count(MISSING_EPISODE, REJECTED, len(child.missing))
        kept = [c for c in children.values() if c.header.ok]
        self._contexts(kept)
        people = [c.person for c in kept if c.person is not None]
        episodes = defaultdict(list)
        for episode in _by(LegalStatusEpisode, "person", people, status=LegalStatus.LOOKED_AFTER):
            episodes[episode.person_id].append(episode)
        addresses = defaultdict(list)
        for address in _by(AddressPeriod, "person", people):
            addresses[address.person_id].append(address)
        incidents = self._missing_incidents(people)
        for child in kept:
            person = self._person(child)
            good = [row for row in child.episodes if row.ok]
            for row in child.episodes:
                if not row.ok:
                    self.count(LEGAL_STATUS, REJECTED)
                    self.count(PLACEMENT, REJECTED)
            pk = child.person.pk if child.person is not None else 0
            self._legal_status(person, good, episodes.get(pk, []))
            placed = self._placements(child, person, good, addresses.get(pk, []))
            self._missing(child, person, placed, incidents.get(pk, {}))
        return self.plan

    # People

    def _match_people(self, children: dict[str, Child]) -> None:
        by_id = {p.la_child_id: p for p in _by(Person, "la_child_id", children)}
        upns = [
            c.header.values["UPN"]
            for c in children.values()
            if c.header.ok and (c.header.values.get("UPN") or "") not in NO_UPN
        ]
        by_upn = {p.upn: p for p in _by(Person, "upn", upns)}
        for key, child in children.items():
            if not child.header.ok:
                continue
            values = child.header.values
            upn = values.get("UPN") if values.get("UPN") not in NO_UPN else None
            person = by_id.get(key)
            holder = by_upn.get(upn) if upn else None
            if person is None and holder is not None:
                if holder.la_child_id:
                    self.problem(
                        child.header,
                        "UPN",
                        "identifier",
                        f"UPN {upn} is held by the record with LA child ID {holder.la_child_id}",
                        holder,
                    )
                    continue
                person = holder
            elif person is not None and holder is not None and holder.pk != person.pk:
                self.problem(
                    child.header,
                    "UPN",
                    "identifier",
                    f"UPN {upn} is held by another record in Locus: check which is right",
                    holder,
                )
                continue
            child.person = person
            fields: dict[str, Any] = {
                "date_of_birth": values["DOB"],
                "sex": values["SEX"],
                "ethnicity": values["ETHNIC"],
                "la_child_id": key,
            }
            if upn:
                fields["upn"] = upn
            # The CIN import's rule: an adult's record takes no child's return, and a record
            # found by its UPN alone must not be born on another day.
            by_upn_only = key not in by_id
            reason = unlike(person, upn=upn, born=values["DOB"], by_upn_only=by_upn_only)
            if reason:
                column = "UPN" if by_upn_only else "CHILD"
                self.problem(child.header, column, "identifier", reason, person)
                continue
            if self._refused_birth(child, person, key, by_upn_only=by_upn_only):
                continue
            check = {
                "kind": PersonKind.YOUNG_PERSON,
                "given_name": "Child",
                "family_name": key,
                "upn": None,
                **fields,
            }
            for name, messages in validate_person(check, person=person, in_use={}).errors.items():
                for message in messages:
                    self.problem(child.header, _PERSON_COLUMNS.get(name, name), "person", message)
            child.fields = fields

    def _refused_birth(
        self, child: Child, person: Person | None, key: str, *, by_upn_only: bool
    ) -> bool:
        """Whether the Header row is refused for its DOB (said at that column): the CIN
        import's rules. A record found by its LA child ID born on another day is a conflict
        (``born_unlike``: the date a worker recorded is not rewritten; one found by its UPN
        alone is ``unlike``'s), and a date Locus is to hold (a new child's, or one for a
        record holding none) is a young person's, under 25 (``birth_unheld``), as on the
        record page, in the people file and in the CIN import."""
        born = child.header.values["DOB"]
        if not by_upn_only and (reason := born_unlike(person, la_child_id=key, born=born)):
            self.problem(child.header, "DOB", "conflict", reason, person)
            return True
        if bound := birth_unheld(person, born=born):
            self.problem(child.header, "DOB", "date", f"{bound} ({_date(born)})")
            return True
        return False

    def _person(self, child: Child) -> Person:
        if child.person is not None:
            return child.person
        person = Person(
            kind=PersonKind.YOUNG_PERSON,
            given_name="Child",
            family_name=child.fields["la_child_id"],
            created_at=self.now,
            **{"upn": None, "ethnicity": Ethnicity.NOBT, **child.fields},
        )
        self.plan.new_people.append((child, person))
        self.count(PERSON, CREATED)
        child.person = person
        return person

    def _person_home(self, person: Person, given: dict[str, Any], home: Context | None) -> None:
        """Count the person (a new one is counted already) with its fields and home."""
        fields: dict[str, Any] = {}
        for name, value in given.items():
            if getattr(person, name) != value:
                fields[name] = value
        if home is not None and (home.pk is None or person.home_id != home.pk):
            fields["home"] = home
        elif home is None and person.home_id is not None and person.home_id in self.placed_at:
            fields["home"] = None  # the placement it names has ended
        if person.pk is None:
            if "home" in fields:
                person.home = fields["home"]
            return
        self.planned(PERSON, self.plan.person_changes, person, fields)

    # Legal status

    def _legal_status(
        self, person: Person, good: list[Row], held: list[LegalStatusEpisode]
    ) -> None:
        used: set[int] = set()
        planned = len(self.plan.episode_changes)  # this child's changes are appended after
        for run in runs(good, lambda r: r.values["LS"]):
            status = run.rows[0].values["LS"]
            match = next(
                (
                    e
                    for e in held
                    if e.pk not in used
                    and e.lac_legal_status == status
                    and run.overlaps(e.start, e.end)
                ),
                None,
            )
            start = min(match.start, run.start) if match is not None else run.start
            # An open run takes over an open episode begun before it (_takes_over), or is a
            # conflict with one begun after: only those ended are checked here.
            others = [
                e
                for e in held
                if e is not match and (run.end is not None or match is not None or e.end)
            ]
            if self._overlaps_held(person, run, start, others, self.plan.episode_changes[planned:]):
                self.count(LEGAL_STATUS, REJECTED)
                continue
            if match is None:
                # An open episode ends any Locus holds open under another legal status: a
                # child is looked after under one status at a time.
                if run.end is None and not self._takes_over(
                    person,
                    run,
                    [e for e in held if e.pk not in used],
                    self.plan.episode_changes,
                    ("LS", "looked after under another legal status", "this legal status"),
                    f"SSDA903: legal status {status} from {_date(run.start)}",
                ):
                    self.count(LEGAL_STATUS, REJECTED)
                    continue
                self.plan.new_episodes.append(
                    LegalStatusEpisode(
                        person=person,
                        status=LegalStatus.LOOKED_AFTER,
                        lac_legal_status=status,
                        start=run.start,
                        end=run.end,
                        end_reason=run.reason,
                    )
                )
                self.count(LEGAL_STATUS, CREATED)
                continue
            used.add(match.pk)
            wanted = {
                "start": start,
                "end": run.end,
                "end_reason": run.reason,
            }
            self.planned(
                LEGAL_STATUS, self.plan.episode_changes, match, core.differences(match, wanted)
            )

    def _overlaps_held(
        self,
        person: Person,
        run: Run,
        start: dt.date,
        others: list[LegalStatusEpisode],
        changes: list[tuple[LegalStatusEpisode, dict[str, Any]]],
    ) -> bool:
        """Whether the looked-after episode ``run`` makes (from ``start``, to the run's end)
        shares a day with another of the child's looked-after episodes Locus holds
        (``others``, as ``changes`` already planned leave them), whatever its legal status
        and whoever recorded it: the rule of the episode form (``people.services``, "a child
        is open to each status once at a time"), so a return brings in no second
        looked-after episode at once (``overlap_field`` states it: a handover, one ending the
        day the next starts, is no overlap); an episode of another status (child in need, a
        plan) is none either. Said on the row that starts the run (or ends it, when it runs
        into the other), as about ``person``, whose episode it shows."""
        end = run.end
        planned = {id(e): c for e, c in changes}
        for other in others:
            then = planned.get(id(other), {})
            begun, ended = then.get("start", other.start), then.get("end", other.end)
            if (on := overlap_field(start, end, begun, ended)) is None:
                continue
            on_start = on == "start"
            until = f"to {_date(ended)}" if ended else "and still open"
            self.problem(
                run.rows[0] if on_start else run.rows[-1],
                "DECOM" if on_start else "DEC",
                "overlap",
                f"Locus has the child looked after (legal status {other.lac_legal_status}) "
                f"from {_date(begun)} {until}: this episode overlaps it, and a child is "
                "open to each status once at a time (correct whichever is wrong)",
                person,
            )
            return True
        return False

    # Placements

    def _check_placements(self, child: Child) -> None:
        for row in child.episodes:
            postcode = row.values.get("PL_POST") or ""
            if row.ok and postcode and (len(postcode) > 8 or not postcodes.well_formed(postcode)):
                self.problem(row, "PL_POST", "postcode", f"{postcode!r} is not a UK postcode")

    def _contexts(self, children: list[Child]) -> None:
        keys = {k for c in children for r in c.episodes if r.ok and (k := _placement(r))}
        held = _by(Context, "postcode", {k.postcode for k in keys}, kind=ContextKind.HOME)
        by_name = {(c.postcode, c.name): c for c in held}
        for key in sorted(keys, key=lambda k: (k.postcode, k.name)):
            found = by_name.get((key.postcode, key.name))
            if found is None:
                place = postcodes.lookup(key.postcode)
                found = Context(
                    kind=ContextKind.HOME,
                    name=key.name,
                    description=key.description,
                    postcode=key.postcode,
                    latitude=place.latitude if place else None,
                    longitude=place.longitude if place else None,
                    created_at=self.now,
                )
            self.plan.contexts[key] = found
        # The placements already held that this return names: a child whose home is one of
        # them, and who is placed nowhere now, has left it.
        self.placed_at = {c.pk for c in self.plan.contexts.values() if c.pk is not None}
        self.report.details["placement_contexts_new"] = sum(
            1 for c in self.plan.contexts.values() if c.pk is None
        )
        # A count and the first few: a return of made-up postcodes would list thousands.
        unlocated = sorted(
            {k.postcode for k, c in self.plan.contexts.items() if c.latitude is None}
        )
        self.report.details["placement_postcodes_not_located"] = len(unlocated)
        self.report.details["placement_postcodes_not_located_first"] = unlocated[:20]

    def _placements(
        self, child: Child, person: Person, good: list[Row], held: list[AddressPeriod]
    ) -> list[tuple[Run, Context]]:
        placed: list[tuple[Run, Context, AddressPeriod | None]] = []
        used: set[int] = set()
        unplaced = 0
        for run in runs(good, _placement):
            key = _placement(run.rows[0])
            if key is None:
                unplaced += 1
                continue
            home = self.plan.contexts[key]
            match = next(
                (
                    a
                    for a in held
                    if a.pk not in used
                    and home.pk is not None
                    and a.home_id == home.pk
                    and run.overlaps(a.start, a.end)
                ),
                None,
            )
            if match is not None:
                used.add(match.pk)
            placed.append((run, home, match))
        self.report.details["placements_without_postcode"] = (
            self.report.details.get("placements_without_postcode", 0) + unplaced
        )
        open_home: Context | None = None
        for run, home, match in placed:
            ending = EndReason.MOVED if run.end is not None else ""
            if match is not None:
                wanted = {
                    "start": min(match.start, run.start),
                    "end": run.end,
                    "end_reason": ending,
                }
                self.planned(
                    PLACEMENT, self.plan.address_changes, match, core.differences(match, wanted)
                )
                open_home = home if run.end is None else open_home
                continue
            if run.end is None and not self._takes_over(
                person,
                run,
                [a for a in held if a.pk not in used],
                self.plan.address_changes,
                ("DECOM", "at another address", "this placement"),
                EndReason.MOVED,
            ):
                self.count(PLACEMENT, REJECTED)
                continue
            self.plan.new_addresses.append(
                AddressPeriod(
                    person=person, home=home, start=run.start, end=run.end, end_reason=ending
                )
            )
            self.count(PLACEMENT, CREATED)
            open_home = home if run.end is None else open_home
        self._person_home(person, child.fields, open_home)
        return [(run, home) for run, home, _ in placed]

    def _takes_over(
        self,
        person: Person,
        opened: Run,
        others: list[P],
        changes: list[tuple[P, dict[str, Any]]],
        said: tuple[str, str, str],
        reason: str,
    ) -> bool:
        """Whether the open run ``opened`` (a placement, a legal status) can be the child's
        now: a period of ``others`` recorded in Locus and still open ends the day it began
        (into ``changes``, for ``reason``), unless it began later: a problem on ``said``'s
        column (which is right?), about ``person``, whose period it shows. ``said``: the
        column, where Locus has the child, the run."""
        column, where, this = said
        still_open = [o for o in others if o.end is None]
        for other in still_open:
            if other.start > opened.start:
                self.problem(
                    opened.rows[0],
                    column,
                    "conflict",
                    f"Locus has the child {where} from {_date(other.start)}, "
                    f"after {this} began: check which is right",
                    person,
                )
                return False
        for other in still_open:
            changes.append((other, {"end": opened.start, "end_reason": reason}))
        return True

    # Missing episodes

    def _missing_incidents(self, people: list[Person]) -> dict[int, dict[dt.date, Incident]]:
        found: dict[int, dict[dt.date, Incident]] = defaultdict(dict)
        involvements = _by(
            Involvement,
            "person",
            people,
            role=InvolvementRole.MISSING,
            incident__kind=IncidentKind.MISSING,
        )
        incidents = {i.pk: i for i in _by(Incident, "pk", [v.incident_id for v in involvements])}
        for involvement in involvements:
            incident = incidents[involvement.incident_id]
            day = timezone.localtime(incident.occurred_at).date()
            found[involvement.person_id][day] = incident
        return found

    def _missing(
        self,
        child: Child,
        person: Person,
        placed: list[tuple[Run, Context]],
        held: dict[dt.date, Incident],
    ) -> None:
        for row in child.missing:
            if not row.ok:
                self.count(MISSING_EPISODE, REJECTED)
                continue
            start, end = row.values["MIS_START"], row.values["MIS_END"]
            home = next((h for run, h in placed if run.overlaps(start, start)), None)
            if home is None:
                # Recorded all the same, with no place: where the child was is not known.
                details = self.report.details
                details["missing_episodes_without_place"] = (
                    details.get("missing_episodes_without_place", 0) + 1
                )
            what = MISSING_LABELS[row.values["MISSING"]]
            until = f" to {_date(end)}" if end is not None else ", not yet ended"
            summary = f"{what} from {_date(start)}{until} (SSDA903 return)."
            fields: dict[str, Any] = {
                "kind": IncidentKind.MISSING,
                "occurred_at": _start_of(start),
                "context": home,
                "summary": summary,
                "source": Source.OTHER,
                "confidence": Confidence.HIGH,
            }
            # The rules every incident is recorded by (incident_record's), checked before
            # anything is written: the episode is written in bulk, not through the service.
            involvements = [(person, InvolvementRole.MISSING)]
            checked = validate_incident(
                agency=self.plan.agency, involvements=involvements, **fields
            )
            for name, messages in checked.errors.items():
                for message in messages:
                    self.problem(row, _INCIDENT_COLUMNS.get(name, name), "incident", message)
            if not row.ok:
                self.count(MISSING_EPISODE, REJECTED)
                continue
            incident = held.get(start)
            if incident is None:
                new = Incident(**fields)
                self.plan.new_incidents.append((new, person))
                self.count(MISSING_EPISODE, CREATED)
                continue
            changes: dict[str, Any] = {}
            # A return that places no placement on the day leaves a place already recorded:
            # not knowing where is no evidence that it was elsewhere.
            if home is not None and (home.pk is None or incident.context_id != home.pk):
                changes["context"] = home
            if incident.summary != summary:
                changes["summary"] = summary
            self.planned(MISSING_EPISODE, self.plan.incident_changes, incident, changes)


def _plan(path: Path, agency: Agency | None, progress: Progress, *, dry_run: bool) -> Plan:
    report = Report(kind=KIND, dry_run=dry_run)
    tables = _read(path, report, progress)
    children = _children(tables, report)
    return _Planner(report, agency).build(children)


# --- Writing the plan


def _create(by: Worker, model: type[M], objs: Sequence[M]) -> None:
    if objs:
        bulk_insert(model, objs)
        record_creations(actor=by, objs=objs)


def _write(plan: Plan, by: Worker) -> None:
    assert plan.agency is not None
    # Recorded by nobody, as the CIN and flat imports write them: a place's or a child's
    # recorder (and the recorder's agency) sees it (access/scopes.py), and an import widens
    # nobody's sight. The audit trail names the importing administrator.
    contexts = [c for c in plan.contexts.values() if c.pk is None]
    for context in contexts:
        context.recorded_by = None
    _create(by, Context, contexts)
    for _child, person in plan.new_people:
        person.recorded_by = None
        if person.home is not None:
            person.home = person.home  # saved just above: the id is set now
    _create(by, Person, [p for _, p in plan.new_people])
    for person, changes in plan.person_changes:
        write_fields(by, person, ChangeAction.UPDATE, changes)
    for episode, changes in plan.episode_changes:
        action = ChangeAction.END if changes.get("end") else ChangeAction.UPDATE
        write_fields(by, episode, action, changes)
    for episode in plan.new_episodes:
        episode.person = episode.person  # re-read the id of a person saved above
        episode.agency = plan.agency
    _create(by, LegalStatusEpisode, plan.new_episodes)
    # Periods that end are written before periods that open: one open address per person.
    for address, changes in plan.address_changes:
        action = ChangeAction.END if changes.get("end") else ChangeAction.UPDATE
        write_fields(by, address, action, changes)
    for address in plan.new_addresses:
        address.person = address.person
        address.home = address.home
        address.recorded_by = by
        address.recorded_at = clock.now()
    _create(by, AddressPeriod, plan.new_addresses)
    for incident, changes in plan.incident_changes:
        # Amending keeps what was recorded, as incident_amend does: the page shows it.
        keep_revision_and_amend(by, incident, changes, "Updated from the SSDA903 return")
    incidents = [incident for incident, _ in plan.new_incidents]
    for incident in incidents:
        incident.context = incident.context
        incident.reporting_agency = plan.agency
        incident.recorded_by = by
        incident.recorded_at = clock.now()
    _create(by, Incident, incidents)
    _create(
        by,
        Involvement,
        [
            Involvement(incident=incident, person=person, role=InvolvementRole.MISSING)
            for incident, person in plan.new_incidents
        ],
    )


def holding_agency(by: Worker) -> Agency:
    """The agency that holds the imported episodes and reports the missing episodes: the
    administrator's own, or (for an administrator in no team) the one children's social
    care agency, whose return this is."""
    if by.team is not None:
        return by.team.agency
    csc = list(Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE)[:2])
    if len(csc) != 1:
        raise FileRejected(
            Problem(
                "the importing administrator",
                "",
                "agency",
                "The episodes need an agency to hold them: import as an administrator in the "
                "children's social care agency's team",
            )
        )
    return csc[0]


class SSDA903Importer(core.Importer):
    kind = KIND
    label = "SSDA903 looked-after children return (Header, Episodes, Missing)"
    accepts = "ZIP of the CSV tables"

    def check(self, path: Path, *, progress: Progress = no_progress) -> Report:
        """The dry run: read, check and match everything; write nothing. No transaction:
        on SQLite one takes the write lock, and a dry run must not hold other writers up."""
        plan = _plan(Path(path), None, progress, dry_run=True)
        plan.report.details["written"] = False
        return plan.report

    def write_pass(self, path: Path, *, by: Worker, valid_only: bool, progress: Progress) -> Report:
        if not policies.is_administrator(by):
            raise NotPermitted("only an administrator imports")
        agency = holding_agency(by)
        plan = _plan(Path(path), agency, progress, dry_run=False)
        # Without valid_only a problem means nothing is written: nothing is begun.
        if valid_only or plan.report.ok:
            _write(plan, by)
        return plan.report


IMPORTERS = (SSDA903Importer(),)
