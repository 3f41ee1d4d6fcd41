"""Reading the rules as set, what is due under them, and the holds that keep records.

``plan`` is the dry run: it reads, never writes. What it calls "activity" and "a plan" is
spelt out in docs/retention.md and in ``ACTIVITY`` and ``had_plan_ids`` below.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Model, Q, QuerySet

from locus.access import retention as rules
from locus.access.models import Worker
from locus.casework.models import CaseStatus, ContextCase, PlanChild, ReferralChild
from locus.common import clock
from locus.documents.models import DocumentVersion
from locus.exports.models import ExportRun
from locus.incidents.models import Involvement
from locus.interchange import files as import_files
from locus.interchange.models import ImportRun
from locus.interchange.models import RunState as ImportState
from locus.notes.models import CaseNote
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person, PersonKind
from locus.places.models import Enrolment
from locus.retention.dates import by_rule, person_due
from locus.retention.models import (
    RELEASE_DAYS,
    RULES,
    HeldKind,
    LegalHold,
    Outcome,
    PurgeItem,
    PurgeRun,
    RetentionRule,
    RuleKind,
    in_force,
    spelt,
)
from locus.subjectaccess.models import OPEN_STATUSES, SubjectAccessRequest

PERSON = "people.person"
CASE = "casework.contextcase"
ASSOCIATION = "peers.association"
MEMBERSHIP = "peers.groupmembership"
EXPORT = "exports.exportrun"
IMPORT = "interchange.importrun"
VERSION = "documents.documentversion"

# What an ended association's or membership's reason becomes once its time is up: a reason is
# still on file (it was ended on purpose), what it said is not.
BLANKED_REASON = "Removed under the retention rule"

# The statuses that are a plan for a child: a child in need plan, a child protection plan,
# a looked-after child's care plan. (Early help and youth justice are not a plan here.)
PLAN_STATUSES = (LegalStatus.CHILD_IN_NEED, LegalStatus.CHILD_PROTECTION, LegalStatus.LOOKED_AFTER)

# Imports still under way are left alone (their next step needs the file); the next run
# takes them once they finish.
FINISHED_IMPORTS = (ImportState.IMPORTED, ImportState.FAILED, ImportState.CANCELLED)


def amounts(day: dt.date | None = None) -> dict[str, int]:
    """Each rule's amount in force on ``day`` (today): ``models.in_force``."""
    day = day or clock.today()
    settings = {r.kind: r for r in RetentionRule.objects.all()}
    return {kind: in_force(kind, settings.get(kind), day) for kind in RULES}


@dataclass(frozen=True)
class RuleRow:
    kind: str
    label: str
    amount: int  # in force today
    unit: str
    counted_from: str
    setting: RetentionRule | None
    # A shortening set but not yet applied: the amount it sets (``setting.applies_from``).
    pending: int | None = None

    @property
    def is_default(self) -> bool:
        return self.setting is None

    @property
    def kept_for(self) -> str:
        """How long, in plain words: "6 years"."""
        return spelt(self.amount, self.unit)

    @property
    def applies_from(self) -> dt.date | None:
        """The day a pending shortening applies (None when none waits)."""
        return self.setting.applies_from if self.pending is not None and self.setting else None

    @property
    def shortening(self) -> str:
        """A pending shortening in plain words ("" when none waits)."""
        if self.pending is None or self.applies_from is None:
            return ""
        return (
            f"Shortened to {spelt(self.pending, self.unit)} from "
            f"{_day_text(self.applies_from)}: until then the purge keeps these records "
            f"for {self.kept_for}"
        )

    @property
    def next_amount(self) -> int:
        """The amount last set (the pending one while it waits)."""
        return self.amount if self.pending is None else self.pending


def rule_rows(day: dt.date | None = None) -> list[RuleRow]:
    """Each rule as in force on ``day`` (today), with a shortening still waiting."""
    day = day or clock.today()
    settings = {r.kind: r for r in RetentionRule.objects.select_related("changed_by")}
    rows = []
    for kind in RuleKind:
        setting = settings.get(kind)
        rows.append(
            RuleRow(
                kind=str(kind),
                label=str(kind.label),
                amount=in_force(kind, setting, day),
                unit=RULES[kind].unit,
                counted_from=RULES[kind].counted_from,
                setting=setting,
                pending=setting.amount if setting and setting.pending_on(day) else None,
            )
        )
    return rows


# --- Activity ----------------------------------------------------------------------------
# The last activity on a person's record is the latest of: the day the record was made, and
# the start or end of anything about them: an allocation, a legal-status episode, a school
# roll, an association (either side), a group membership, an incident they were involved
# in, a case note about them. Anything of these still open is activity today.
# (model, the field naming the person, the start or day field, the end field or "")
ACTIVITY: tuple[tuple[type[Model], str, str, str], ...] = (
    (Allocation, "person", "start", "end"),
    (LegalStatusEpisode, "person", "start", "end"),
    (Enrolment, "person", "start", "end"),
    (Association, "person", "valid_from", "valid_until"),
    (Association, "other", "valid_from", "valid_until"),
    (GroupMembership, "person", "since", "until"),
    (Involvement, "person", "incident__occurred_at", ""),
    (CaseNote, "person", "contact_on", ""),
)


def _day(value: Any) -> dt.date:
    return clock.day_of(value) if isinstance(value, dt.datetime) else value


def last_activity(ids: Iterable[int] | None = None) -> tuple[dict[int, dt.date], set[int]]:
    """Each person's last activity (``ACTIVITY``), and who has something still open.
    ``ids`` limits it to those people (all when None)."""
    last: dict[int, dt.date] = {}
    open_ids: set[int] = set()
    people = Person.objects.all() if ids is None else Person.objects.filter(id__in=list(ids))
    for pk, created in people.values_list("id", "created_at"):
        last[pk] = _day(created)
    for model, who, start, end in ACTIVITY:
        rows = model._default_manager.filter(**{f"{who}__isnull": False})
        if ids is not None:
            rows = rows.filter(**{f"{who}__in": list(ids)})
        aggregates: dict[str, Any] = {"first": Max(start)}
        if end:
            aggregates["last"] = Max(end)
            aggregates["open"] = Count("pk", filter=Q(**{f"{end}__isnull": True}))
        for row in rows.values(who).annotate(**aggregates).order_by():
            pk = row[who]
            if pk not in last:
                continue
            for value in (row["first"], row.get("last")):
                if value is not None:
                    last[pk] = max(last[pk], _day(value))
            if row.get("open"):
                open_ids.add(pk)
    return last, open_ids


def had_plan_ids(ids: Iterable[int] | None = None) -> set[int]:
    """People who ever had a plan: a child in need, child protection or looked-after
    episode, or being named on a context case's plan."""
    episodes = LegalStatusEpisode.objects.filter(status__in=PLAN_STATUSES)
    plans = PlanChild.objects.all()
    if ids is not None:
        episodes = episodes.filter(person_id__in=list(ids))
        plans = plans.filter(person_id__in=list(ids))
    return set(episodes.values_list("person_id", flat=True)) | set(
        plans.values_list("person_id", flat=True)
    )


# --- Holds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """A record kept only by a lifted hold's release period (``RELEASE_DAYS``)."""

    lifted_on: dt.date
    purge_from: dt.date

    def __str__(self) -> str:
        lifted, purged = _day_text(self.lifted_on), _day_text(self.purge_from)
        return f"hold lifted on {lifted}; may be purged from {purged}"


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass
class Holds:
    """What legal holds keep today, read at once (by the plan, by the purge for each item): the
    people and cases a live hold keeps or a lifted hold's release period still keeps, and for
    those only a release keeps, the release that ends last."""

    people: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    released: dict[tuple[str, int], Release] = field(default_factory=dict)

    def release_of(self, record_type: str, record_id: int) -> Release | None:
        return self.released.get((record_type, record_id))


def _later(found: dict[int, Release], pk: int, release: Release) -> None:
    if pk not in found or found[pk].purge_from < release.purge_from:
        found[pk] = release


def read_holds(today: dt.date | None = None) -> Holds:
    """The holds that keep records on ``today``: every live hold, and every hold lifted
    fewer than ``RELEASE_DAYS`` days before (a live hold on the same record wins). A held
    case keeps the children named on its plan or referral (the proceedings about a case need
    the children it was about); an open subject access request keeps its person."""
    today = today or clock.today()
    # A day's margin either side of midnight; the exact day is the hold's own ``purge_from``.
    since = clock.now() - dt.timedelta(days=RELEASE_DAYS + 2)
    live: dict[str, set[int]] = {HeldKind.PERSON: set(), HeldKind.CASE: set()}
    released: dict[str, dict[int, Release]] = {HeldKind.PERSON: {}, HeldKind.CASE: {}}
    rows = LegalHold.objects.filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=since)).only(
        "held_kind", "held_id", "lifted_at"
    )
    for hold in rows:
        if hold.purge_from is None or hold.lifted_on is None:
            live[hold.held_kind].add(hold.held_id)
        elif today < hold.purge_from:
            _later(released[hold.held_kind], hold.held_id, Release(hold.lifted_on, hold.purge_from))
    # A subject access request still being answered keeps its person too: destroying what
    # was asked for before it is disclosed is an offence (Data Protection Act 2018 s.173).
    live[HeldKind.PERSON] |= set(
        SubjectAccessRequest.objects.filter(
            status__in=OPEN_STATUSES, person__isnull=False
        ).values_list("person_id", flat=True)
    )
    cases = live[HeldKind.CASE] | set(released[HeldKind.CASE])
    if cases:
        named = PlanChild.objects.filter(plan__case_id__in=cases).values_list(
            "plan__case_id", "person_id"
        )
        referred = ReferralChild.objects.filter(referral__case_id__in=cases).values_list(
            "referral__case_id", "person_id"
        )
        for case_id, person_id in [*named, *referred]:
            if case_id in live[HeldKind.CASE]:
                live[HeldKind.PERSON].add(person_id)
            else:
                _later(released[HeldKind.PERSON], person_id, released[HeldKind.CASE][case_id])
    holds = Holds(
        people=live[HeldKind.PERSON] | set(released[HeldKind.PERSON]),
        cases=live[HeldKind.CASE] | set(released[HeldKind.CASE]),
    )
    for kind, record_type in ((HeldKind.PERSON, PERSON), (HeldKind.CASE, CASE)):
        for pk, release in released[kind].items():
            if pk not in live[kind]:
                holds.released[(record_type, pk)] = release
    return holds


def held_person_ids() -> set[int]:
    """The people a hold keeps today (``read_holds``)."""
    return read_holds().people


@dataclass
class PersonHolds:
    """The active holds on a person, as the viewer may know them: those they may read (each
    with whether they may lift it), and how many others keep the record. Of those the viewer
    is told only that a hold keeps it: the reason and dates would say what proceedings are
    under way, which is for those who answer for them (``rules.hold_rights``)."""

    readable: list[tuple[LegalHold, bool]] = field(default_factory=list)
    unread: int = 0

    @property
    def any(self) -> bool:
        return bool(self.readable) or self.unread > 0

    @property
    def shown(self) -> list[int]:
        """The ids of the holds read (for the page's entry in the trail)."""
        return [hold.pk for hold, _ in self.readable]


def person_holds(viewer: Worker, person_id: int) -> PersonHolds:
    """The active holds on a person, for the banner on their page (which has checked sight):
    one query for the holds, and the viewer's sight of the person asked once for all."""
    active = (
        LegalHold.objects.filter(held_kind=HeldKind.PERSON, held_id=person_id, lifted_at=None)
        .select_related("placed_by", "lifted_by")
        .order_by("-placed_at", "-id")
    )
    found = PersonHolds()
    for hold, reads, lifts in rules.hold_rights(viewer, active):
        if reads:
            found.readable.append((hold, lifts))
        else:
            found.unread += 1
    return found


def hold_list() -> QuerySet[LegalHold]:
    return LegalHold.objects.select_related("placed_by", "lifted_by").order_by(
        F("lifted_at").desc(nulls_first=True), "review_on", "-id"
    )


# --- The plan (the dry run) -----------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    record_type: str
    record_id: int
    rule: str
    due_on: dt.date


@dataclass(frozen=True)
class Shortening:
    """A rule made shorter that waits to apply (``RetentionRule.applies_from``), and what
    would go on the day it applies that is not due today, as the records stand today."""

    rule: RuleRow
    would_go: list[Due]

    def __str__(self) -> str:
        return f"{self.rule.label}: {self.rule.shortening}"

    @property
    def ids(self) -> list[int]:
        return [d.record_id for d in self.would_go]


@dataclass
class Plan:
    """What a purge would remove today, and what a hold keeps that would otherwise go."""

    today: dt.date
    due: list[Due] = field(default_factory=list)
    held: list[Due] = field(default_factory=list)
    # The held people and cases kept only by a lifted hold's release period: ("Person", its
    # number, the release).
    released: list[tuple[str, int, Release]] = field(default_factory=list)
    # The rules made shorter whose shortening waits, with what would go once it applies.
    pending: list[Shortening] = field(default_factory=list)

    def counts(self) -> list[tuple[str, str, int]]:
        """(rule, its label, how many) for each rule with something due, in the rules' order."""
        by_rule = Counter(d.rule for d in self.due)
        return [(str(k), str(k.label), by_rule[k]) for k in RuleKind if by_rule[k]]

    def ids(self, rule: str) -> list[int]:
        return [d.record_id for d in self.due if d.rule == rule]

    @property
    def people(self) -> list[int]:
        return [d.record_id for d in self.due if d.record_type == PERSON]


def _people_due(today: dt.date, rules: dict[str, int]) -> Iterator[Due]:
    last, open_ids = last_activity()
    planned = had_plan_ids()
    rows = Person.objects.values_list("id", "kind", "date_of_birth", "retain_until")
    for pk, kind, dob, retain_until in rows.order_by("id"):
        found = person_due(
            adult=kind == PersonKind.ADULT_OF_CONCERN,
            date_of_birth=dob,
            had_plan=pk in planned,
            last_activity=last[pk],
            open_now=pk in open_ids,
            retain_until=retain_until,
            amounts=rules,
        )
        if found is not None and found[1] <= today:
            yield Due(PERSON, pk, found[0], found[1])


def _cases_due(today: dt.date, rules: dict[str, int]) -> Iterator[Due]:
    closed = ContextCase.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False)
    for pk, closed_on in closed.values_list("id", "closed_on").order_by("id"):
        due = by_rule(RuleKind.CONTEXT_CASE, closed_on, rules) if closed_on else None
        if due is not None and due <= today:
            yield Due(CASE, pk, RuleKind.CONTEXT_CASE, due)


def _notes_due(
    today: dt.date, rules: dict[str, int], gone: set[int]
) -> Iterator[tuple[Due, set[int]]]:
    """Ended associations and memberships whose notes' time is up (not of people going now:
    their rows go with them), each with the people it is about (a hold on either keeps it)."""
    kind = RuleKind.ENDED_NOTE
    # Not yet blanked: an association with a note or a reason still as written; a
    # membership (which has no note) with its reason as written.
    associations = Association.objects.ended().exclude(note="", end_reason__in=("", BLANKED_REASON))
    memberships = GroupMembership.objects.ended().exclude(end_reason__in=("", BLANKED_REASON))
    rows = [
        (ASSOCIATION, associations.values_list("id", "person_id", "other_id", "valid_until")),
        (MEMBERSHIP, memberships.values_list("id", "person_id", "person_id", "until")),
    ]
    for record_type, found in rows:
        for pk, person_id, other_id, ended_on in found.order_by("id"):
            assert ended_on is not None  # filtered on above
            due = by_rule(kind, ended_on, rules)
            if due <= today and person_id not in gone and other_id not in gone:
                yield Due(record_type, pk, kind, due), {person_id, other_id} - {None}


def _files_due(
    now: dt.datetime, today: dt.date, rules: dict[str, int], people_going: bool
) -> Iterator[Due]:
    """Export files and import uploads past their time, and, when anybody is purged, every
    one made before now: what a file holds is not read back, so any file may hold them."""
    exports = ExportRun.objects.exclude(file_name="").filter(created_at__lt=now)
    for pk, made in exports.values_list("id", "created_at").order_by("id"):
        due = by_rule(RuleKind.EXPORT_FILE, clock.day_of(made), rules)
        if due <= today or people_going:
            yield Due(EXPORT, pk, RuleKind.EXPORT_FILE, min(due, today))
    imports = ImportRun.objects.filter(state__in=FINISHED_IMPORTS, created_at__lt=now)
    for pk, made, stored in imports.values_list("id", "created_at", "stored_path").order_by("id"):
        if not import_files.absolute(stored).parent.is_dir():
            continue  # its files went in an earlier run
        due = by_rule(RuleKind.IMPORT_UPLOAD, clock.day_of(made), rules)
        if due <= today or people_going:
            yield Due(IMPORT, pk, RuleKind.IMPORT_UPLOAD, min(due, today))


def _removed_documents_due(
    today: dt.date, rules: dict[str, int], held_people: set[int], held_cases: set[int]
) -> Iterator[Due]:
    """The bytes of documents removed from a record that stays, once their time is up (the
    row stays, marked purged). A held record's removed documents are kept with it."""
    kind = RuleKind.REMOVED_DOCUMENT
    versions = DocumentVersion.objects.filter(
        purged_at__isnull=True, document__removed_at__isnull=False
    ).values_list("id", "document__removed_at", "document__person_id", "document__case_id")
    for pk, removed_at, person_id, case_id in versions.order_by("id"):
        if removed_at is None or person_id in held_people or case_id in held_cases:
            continue  # (never None: filtered on above)
        due = by_rule(kind, clock.day_of(removed_at), rules)
        if due <= today:
            yield Due(VERSION, pk, kind, due)


def plan(now: dt.datetime | None = None) -> Plan:
    """What is due now under the rules in force, minus what a legal hold keeps (a live one, or
    a lifted one still in its release period: listed with the day it may go); and each rule
    made shorter that waits to apply, with what it would add on the day it applies. Every
    day is London's (``clock.day_of``), as the holds and the shortenings count theirs."""
    now = now or clock.now()
    result = _due_at(now, clock.day_of(now))
    waiting: dict[dt.date, list[RuleRow]] = defaultdict(list)
    for row in rule_rows(result.today):
        if row.applies_from is not None:
            waiting[row.applies_from].append(row)
    going = {(d.record_type, d.record_id) for d in result.due}
    for day, rows in sorted(waiting.items()):
        # The day itself, not now's moved on: whole days from 00:30 in summer reach 23:30
        # the day before in winter.
        later = _due_at(now + (day - result.today), day).due
        for row in rows:
            added = [
                d for d in later if d.rule == row.kind and (d.record_type, d.record_id) not in going
            ]
            result.pending.append(Shortening(row, added))
    return result


def _due_at(now: dt.datetime, today: dt.date) -> Plan:
    """What is due at ``now`` (on ``today``, London's day) under the rules in force that day,
    minus what a hold keeps."""
    rules = amounts(today)
    result = Plan(today=today)
    holds = read_holds(today)
    held_people, held_cases = holds.people, holds.cases
    for due in _people_due(today, rules):
        (result.held if due.record_id in held_people else result.due).append(due)
    for due in _cases_due(today, rules):
        (result.held if due.record_id in held_cases else result.due).append(due)
    going = set(result.people)
    # "A held person is not purged, nor anything about them": their ended links' notes too.
    for due, about in _notes_due(today, rules, going):
        (result.held if about & held_people else result.due).append(due)
    result.due.extend(_removed_documents_due(today, rules, held_people, held_cases))
    result.due.extend(_files_due(now, today, rules, bool(going)))
    for due in result.held:
        release = holds.release_of(due.record_type, due.record_id)
        if release is not None:
            label = "Person" if due.record_type == PERSON else "Context case"
            result.released.append((label, due.record_id, release))
    return result


# --- Past runs ---------------------------------------------------------------------------


def runs() -> QuerySet[PurgeRun]:
    return PurgeRun.objects.select_related("started_by").annotate(
        item_count=Count("items"), done_count=Count("items", filter=Q(items__done_at__isnull=False))
    )


def unfinished_runs() -> QuerySet[PurgeRun]:
    return PurgeRun.objects.exclude(state="finished").order_by("started_at", "id")


def run_counts(run: PurgeRun) -> list[tuple[str, str, int]]:
    """(rule label, outcome label, how many) for a run's items."""
    rows = (
        PurgeItem.objects.filter(run=run)
        .values("rule", "outcome")
        .annotate(n=Count("id"))
        .order_by("rule", "outcome")
    )
    labels = dict(RuleKind.choices)
    outcomes = dict(Outcome.choices)
    return [
        (labels.get(r["rule"], r["rule"]), outcomes.get(r["outcome"], "Not done yet"), r["n"])
        for r in rows
    ]


def run_items(run: PurgeRun) -> QuerySet[PurgeItem]:
    return PurgeItem.objects.filter(run=run).order_by("id")
