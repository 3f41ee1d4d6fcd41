"""The associations file and the group memberships file: always with provenance.

Every association and membership says where it came from (Source), how sure the source is
(Confidence) and since when (ValidFrom, Since): a file without those columns is refused, a
row with one of them empty is rejected (docs/domain.md#provenance). The importing
administrator is recorded as who recorded it, now; an association's note says which file
it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from locus.common.services import Problems, check_period, today
from locus.interchange.core import CREATED, UNCHANGED, UPDATED, differences
from locus.interchange.flat_people import person_columns, person_key, person_named
from locus.interchange.flat_read import PROVENANCE_COLUMNS, Batch, Column, Plan, Row, rule_problems
from locus.peers.models import Association, GroupMembership, GroupRole, Nature, Relationship
from locus.peers.selectors import merged_into
from locus.peers.services import (
    association_end,
    association_record,
    association_revise,
    membership_add,
    membership_end,
    validate_association,
)
from locus.people.models import Person
from locus.places.models import Context, ContextKind


def _period(row: Row, start_column: str, end_column: str) -> tuple[dt.date | None, dt.date | None]:
    start, end = row.date(start_column, required=True), row.date(end_column)
    if start is not None and row.ok:
        problems = Problems()
        check_period(problems, start, end)
        for name, messages in problems.errors.items():
            for message in messages:
                row.problem(start_column if name == "start" else end_column, "date", message)
    return start, end


# --- Associations --------------------------------------------------------------------------

# What an association says, beyond who and since when: a later import of the same row
# with any of these different revises it (the record before is kept, ended today).
SAYS = ("relationship", "nature", "source", "confidence", "peer_role")


@dataclass(frozen=True)
class AssociationRow:
    says: dict[str, str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    other_label: str
    note: str


class Associations:
    kind = "associations"
    label = "Associations between people (CSV or XLSX)"
    record_kind = "association"
    columns: tuple[Column, ...] = (
        *person_columns(),
        *person_columns("Peer", who="the peer, when known to Locus"),
        Column("PeerDescription", False, "A peer not known to Locus, described (not both)"),
        Column("Relationship", True, "friend, partner, sibling...: a code from the list"),
        Column("Nature", True, "protective, risk or unclear"),
        *PROVENANCE_COLUMNS,
        Column(
            "ValidFrom",
            True,
            "Since when they have been associated; with the two people, the match key",
        ),
        Column("ValidUntil", False, "When the association ended, if it has"),
        Column(
            "PeerRole",
            False,
            "The peer's role in the group: leading, core, peripheral, new, unclear",
        ),
        Column("Note", False, "A note, kept with the association when it is first imported"),
    )
    field_columns = {
        "person": "LAchildID",
        "other": "PeerLAchildID",
        "other_label": "PeerDescription",
        "relationship": "Relationship",
        "nature": "Nature",
        "source": "Source",
        "confidence": "Confidence",
        "valid_from": "ValidFrom",
        "valid_until": "ValidUntil",
        "peer_role": "PeerRole",
    }

    def record_key(self, cells: dict[str, str]) -> str:
        person = person_key(cells)
        peer = person_key(cells, "Peer") or cells.get("PeerDescription", "")
        return f"{person}-{peer}" if person or peer else ""

    def parse(self, row: Row) -> AssociationRow:
        says = {
            "relationship": row.code("Relationship", Relationship, required=True),
            "nature": row.code("Nature", Nature, required=True),
            **row.provenance(),
            "peer_role": row.code("PeerRole", GroupRole),
        }
        valid_from, valid_until = _period(row, "ValidFrom", "ValidUntil")
        label, names_peer = row.text("PeerDescription"), bool(person_key(row.cells, "Peer"))
        if label and names_peer:
            row.problem(
                "PeerDescription",
                "peer",
                "Name the peer (PeerLAchildID or PeerUPN) or describe them, not both",
            )
        elif not label and not names_peer:
            row.problem(
                "PeerLAchildID", "required", "Name the peer, or describe them in PeerDescription"
            )
        return AssociationRow(says, valid_from, valid_until, label, row.text("Note", limit=2000))

    def unique(self, parsed: AssociationRow) -> Iterable[tuple[str, str]]:
        return ()  # the people are known only once looked up: see plan

    def plan(self, parsed: AssociationRow, row: Row, batch: Batch) -> Plan | None:
        person = person_named(row, batch)
        other = person_named(row, batch, "Peer", required=False) if not parsed.other_label else None
        if not row.ok or person is None or parsed.valid_from is None:
            return None
        fields: dict[str, Any] = dict(
            person=person,
            other=other,
            other_label=parsed.other_label,
            valid_from=parsed.valid_from,
            valid_until=parsed.valid_until,
            **parsed.says,
        )
        rule_problems(row, dict(validate_association(**fields).errors), self)
        if not row.ok:
            return None
        pair_key = ("pair", str(person.pk), str(other.pk if other else parsed.other_label.lower()))
        if not batch.once(
            row,
            pair_key,
            "LAchildID",
            lambda first: f"These two people are on line {first} too: once a file",
        ):
            return None
        existing = _same(person, other, parsed.other_label, parsed.valid_from)
        if existing is not None:
            return self._plan_existing(existing, parsed, row, batch)
        if parsed.valid_until is None and _open_for(person, other, parsed.other_label).exists():
            row.problem(
                "ValidFrom",
                "conflict",
                "Locus holds this association from another date: give that date as ValidFrom "
                "to change it, or end it first",
            )
            return None
        note = "\n\n".join(n for n in (parsed.note, f"{batch.reason}.") if n)

        def write(by: Any) -> Association:
            return association_record(actor=by, note=note, **fields)

        return Plan(CREATED, write)

    def _plan_existing(
        self, existing: Association, parsed: AssociationRow, row: Row, batch: Batch
    ) -> Plan | None:
        # A revision (by an import or on the page) ends the record and starts the next:
        # the file's row matches the latest.
        while (nxt := Association.objects.filter(replaces=existing).first()) is not None:
            existing = nxt
        # An empty PeerRole is "not given": the role held stays (an import never erases).
        says = {**parsed.says, "peer_role": parsed.says["peer_role"] or existing.peer_role}
        differs = differences(existing, says)
        ending = parsed.valid_until is not None and existing.valid_until is None
        if not differs and (not ending and parsed.valid_until == existing.valid_until):
            return Plan(UNCHANGED)
        if existing.valid_until is not None:
            row.problem(
                "ValidUntil",
                "conflict",
                f"This association ended on {existing.valid_until:%d/%m/%Y} and differs from "
                "the file: an ended association is not changed by an import",
            )
            return None
        reason = batch.reason

        def write(by: Any) -> Association:
            current = existing
            if differs:
                current = association_revise(
                    actor=by,
                    association=current,
                    changed_on=max(existing.valid_from, today()),
                    note=current.note,
                    reason=reason,
                    relationship=parsed.says["relationship"],
                    nature=parsed.says["nature"],
                    source=parsed.says["source"],
                    confidence=parsed.says["confidence"],
                    peer_role=says["peer_role"],
                )
            if ending:
                current = association_end(
                    actor=by, association=current, valid_until=parsed.valid_until, reason=reason
                )
            return current

        return Plan(UPDATED, write)


def _pair(person: Person, other: Person | None, label: str) -> Q:
    if other is not None:
        return Q(person=person, other=other) | Q(person=other, other=person)
    return Q(person=person, other__isnull=True, other_label__iexact=label)


def _same(
    person: Person, other: Person | None, label: str, valid_from: dt.date
) -> Association | None:
    return (
        Association.objects.filter(_pair(person, other, label), valid_from=valid_from)
        .filter(replaces__isnull=True)
        .order_by("id")
        .first()
    )


def _open_for(person: Person, other: Person | None, label: str) -> Any:
    return Association.objects.current().filter(_pair(person, other, label))


# --- Group memberships ---------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipRow:
    group: str
    role: str
    since: dt.date | None
    until: dt.date | None
    provenance: dict[str, str]


class Memberships:
    kind = "memberships"
    label = "Peer group memberships (CSV or XLSX)"
    record_kind = "membership"
    columns: tuple[Column, ...] = (
        *person_columns(),
        Column(
            "GroupName", True, "The peer group's name, as in Locus (a context of kind peer_group)"
        ),
        Column("Role", True, "leading, core, peripheral, new or unclear"),
        Column("Since", True, "Since when; with the person and the group, the match key"),
        Column("Until", False, "When the membership ended, if it has"),
        *PROVENANCE_COLUMNS,
    )
    field_columns = {
        "person": "LAchildID",
        "group": "GroupName",
        "role": "Role",
        "since": "Since",
        "until": "Until",
        "source": "Source",
        "confidence": "Confidence",
    }

    def record_key(self, cells: dict[str, str]) -> str:
        return f"{person_key(cells)} in {cells.get('GroupName', '')}"

    def parse(self, row: Row) -> MembershipRow:
        group = row.text("GroupName", required=True)
        role = row.code("Role", GroupRole, required=True)
        provenance = row.provenance()
        since, until = _period(row, "Since", "Until")
        return MembershipRow(group, role, since, until, provenance)

    def unique(self, parsed: MembershipRow) -> Iterable[tuple[str, str]]:
        return ()  # the person is known only once looked up: see plan

    def plan(self, parsed: MembershipRow, row: Row, batch: Batch) -> Plan | None:
        person = person_named(row, batch)
        group = self._group(parsed.group, row, batch)
        if person is None or group is None or not row.ok or parsed.since is None:
            return None
        member = ("member", str(person.pk), str(group.pk))
        if not batch.once(
            row, member, "GroupName", lambda first: f"This person and group are on line {first} too"
        ):
            return None
        existing = GroupMembership.objects.filter(
            person=person, group=group, since=parsed.since
        ).first()
        reason = batch.reason
        if existing is not None:
            says = {"role": parsed.role, **parsed.provenance}
            if differences(existing, says):
                row.problem(
                    "Role",
                    "conflict",
                    "Locus holds this membership with another role or provenance: "
                    "change it on the group's page",
                )
                return None
            if existing.until == parsed.until:
                return Plan(UNCHANGED)
            if existing.until is not None or parsed.until is None:
                row.problem(
                    "Until", "conflict", "This membership has ended in Locus on another date"
                )
                return None
            return Plan(
                UPDATED,
                lambda by: membership_end(
                    actor=by, membership=existing, until=parsed.until, reason=reason
                ),
            )
        if (
            parsed.until is None
            and GroupMembership.objects.current().filter(person=person, group=group).exists()
        ):
            row.problem(
                "Since",
                "conflict",
                "Locus holds this person in this group from another date: give that date "
                "as Since, or end it first",
            )
            return None

        since = parsed.since

        def write(by: Any) -> GroupMembership:
            return membership_add(
                actor=by,
                person=person,
                group=group,
                role=parsed.role,
                since=since,
                until=parsed.until,
                **parsed.provenance,
            )

        return Plan(CREATED, write)

    def _group(self, name: str, row: Row, batch: Batch) -> Context | None:
        groups = batch.lookup(
            ("group", name.lower()),
            lambda: list(
                Context.objects.filter(
                    kind=ContextKind.PEER_GROUP, name__iexact=" ".join(name.split())
                )[:2]
            ),
        )
        if not groups:
            row.problem(
                "GroupName",
                "reference",
                f"No peer group called {name!r} is in Locus: import it in the contexts file first",
            )
            return None
        if len(groups) > 1:
            row.problem("GroupName", "ambiguous", f"Two peer groups are called {name!r}")
            return None
        if (merge := merged_into(groups[0])) is not None:
            row.problem(
                "GroupName",
                "rule",
                f"This group was merged into {merge.into.name!r}: use that group",
            )
            return None
        return groups[0]


ASSOCIATIONS = Associations()
MEMBERSHIPS = Memberships()
