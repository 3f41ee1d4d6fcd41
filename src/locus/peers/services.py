"""Recording associations and peer-group membership, always with provenance.

History is kept: a relationship that ends gets an end date; it is never
overwritten or deleted through the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from locus.access import groups as access_groups
from locus.access import policies
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.models import Confidence, Source
from locus.common.services import (
    Problems,
    check_none_open,
    check_period,
    clean_text,
    create_audited,
    create_checked,
    permitted,
    recorded,
    require,
    write_fields,
)
from locus.peers.models import (
    PURPOSE_LASTS,
    Association,
    GroupChange,
    GroupChangeKind,
    GroupMembership,
    GroupRole,
    MapPurpose,
    Nature,
    PeerMapPurpose,
    Relationship,
)
from locus.peers.selectors import merged_into
from locus.people.models import Person
from locus.places.models import Context, ContextKind

REASON_MAX_LENGTH = 500


def validate_provenance(problems: Problems, *, source: str, confidence: str) -> None:
    problems.check(
        source in choice_values(Source),
        "source",
        f"Say where this came from (unknown source {source!r})",
    )
    problems.check(
        confidence in choice_values(Confidence),
        "confidence",
        f"Say how sure we are (unknown confidence {confidence!r})",
    )


def _provenance(actor: Worker, source: str, confidence: str) -> dict[str, Any]:
    """A new fact's provenance (common.models.Provenance): where it came from, how sure
    we are, who recorded it and when."""
    return {"source": source, "confidence": confidence, **recorded(actor)}


def validate_association(
    *,
    person: Person,
    other: Person | None,
    other_label: str,
    relationship: str,
    nature: str,
    source: str,
    confidence: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    peer_role: str = "",
    open_to_social_care: bool | None = None,
    open_to_youth_justice: bool | None = None,
) -> Problems:
    """The rules on one association's own fields (no database reads).

    Whether the pair is already recorded is :func:`check_not_recorded_twice`, kept
    apart so that bulk writers (the demo generator) can check it in memory.
    """
    problems = Problems()
    problems.check(
        (other is None) != (not other_label.strip()),
        "other",
        "Choose the peer, or describe a peer not yet known to Locus (not both)",
    )
    problems.check(
        other is None or other.pk != person.pk,
        "other",
        "A person cannot be associated with themselves",
    )
    problems.check(
        relationship in choice_values(Relationship),
        "relationship",
        f"Unknown relationship {relationship!r}",
    )
    problems.check(
        nature in choice_values(Nature),
        "nature",
        "Say whether the relationship is protective, presents risk, or is unclear",
    )
    problems.check(
        peer_role == "" or peer_role in choice_values(GroupRole),
        "peer_role",
        f"Unknown role in a group: {peer_role!r}",
    )
    # For a known peer, Locus works these out from their legal-status episodes: a
    # second, typed-in answer could only disagree with the record.
    for name, value in (
        ("open_to_social_care", open_to_social_care),
        ("open_to_youth_justice", open_to_youth_justice),
    ):
        problems.check(
            other is None or value is None,
            name,
            "Leave this as not known: for a peer known to Locus it comes from their legal status",
        )
    validate_provenance(problems, source=source, confidence=confidence)
    # check_period refuses a mistyped year (0025, 1025), as a date of birth's check does.
    check_period(
        problems, valid_from, valid_until, start_field="valid_from", end_field="valid_until"
    )
    return problems


def check_not_recorded_twice(
    problems: Problems,
    *,
    person: Person,
    other: Person | None,
    other_label: str,
    valid_until: dt.date | None,
    replacing: Association | None = None,
) -> None:
    """One open record per pair (either way round), and per description of an unknown peer.

    ``replacing`` is the open record a revision is about to end.
    """
    if valid_until is not None:
        return
    open_ones = Association.objects.current()
    if replacing is not None:
        open_ones = open_ones.exclude(pk=replacing.pk)
    if other is not None:
        problems.check(
            not open_ones.filter(
                Q(person=person, other=other) | Q(person=other, other=person)
            ).exists(),
            "other",
            "This relationship is already recorded: end it before recording a new one",
        )
    elif other_label.strip():
        problems.check(
            not open_ones.filter(
                person=person, other__isnull=True, other_label__iexact=other_label.strip()
            ).exists(),
            "other_label",
            "A peer with this description is already recorded for this young person: "
            "change that record, or describe this peer differently",
        )


def _check_may_record(
    actor: Worker, person: Person, other: Person | None, contexts: list[Context]
) -> None:
    permitted(policies.can_record_about_person, actor, person)
    if other is not None:
        permitted(policies.can_name_people, actor, [other])
    for context in contexts:
        permitted(policies.can_view_context, actor, context)


def _create_association(*, actor: Worker, contexts: list[Context], **fields: Any) -> Association:
    association = Association.objects.create(
        recorded_by=actor, recorded_at=clock.now(), recorded_in_team_id=actor.team_id, **fields
    )
    if contexts:
        association.contexts.set(contexts)
    after = snapshot(association)
    after["contexts"] = sorted(c.pk for c in contexts)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=association, after=after)
    return association


@transaction.atomic
def association_record(
    *,
    actor: Worker,
    person: Person,
    relationship: str,
    nature: str,
    source: str,
    confidence: str,
    valid_from: dt.date,
    other: Person | None = None,
    other_label: str = "",
    valid_until: dt.date | None = None,
    note: str = "",
    contexts: Iterable[Context] = (),
    peer_role: str = "",
    open_to_social_care: bool | None = None,
    open_to_youth_justice: bool | None = None,
) -> Association:
    """Record that two people are associated, with who said so and how sure they are.

    A peer not yet known to Locus is described by ``other_label``; only for such a
    peer may the worker say whether they are open to social care or youth justice
    (for a known peer that comes from their legal-status episodes).
    """
    contexts = list(contexts)
    _check_may_record(actor, person, other, contexts)
    other_label = other_label.strip()
    # The fields the rules check are the fields written.
    fields: dict[str, Any] = dict(
        person=person,
        other=other,
        other_label=other_label,
        relationship=relationship,
        nature=nature,
        source=source,
        confidence=confidence,
        valid_from=valid_from,
        valid_until=valid_until,
        peer_role=peer_role,
        open_to_social_care=open_to_social_care,
        open_to_youth_justice=open_to_youth_justice,
    )
    problems = validate_association(**fields)
    check_not_recorded_twice(
        problems, person=person, other=other, other_label=other_label, valid_until=valid_until
    )
    problems.raise_if_any()
    return _create_association(actor=actor, contexts=contexts, note=note, **fields)


def _parties(association: Association) -> list[Person]:
    return [p for p in (association.person, association.other) if p is not None]


def _check_may_change(actor: Worker, association: Association) -> None:
    # The worker records about one of the two (it is on both records), and may change this
    # record: they see both people, recorded it, or manage the team of who did.
    require(
        any(policies.can_record_about_person(actor, p) for p in _parties(association)),
        "can_record_about_person",
    )
    permitted(policies.can_change_association, actor, association)


def _end_reason(
    problems: Problems,
    reason: str,
    missing: str = "Say why the relationship record ends or changes",
) -> str:
    reason = (reason or "").strip()
    problems.check(bool(reason), "reason", missing)
    problems.check(len(reason) <= 2000, "reason", "The reason must be 2,000 characters or fewer")
    return reason


def _end_record(
    actor: Worker, association: Association, valid_until: dt.date, reason: str
) -> Association:
    """End the record on ``valid_until``, saying who ended it, when and why (audited)."""
    ended = {
        "valid_until": valid_until,
        "ended_by": actor,
        "ended_at": clock.now(),
        "end_reason": reason,
    }
    return write_fields(actor, association, ChangeAction.END, ended)


def _check_ending(
    problems: Problems,
    what: str,
    dates: tuple[dt.date, dt.date | None, dt.date | None],
    fields: tuple[str, str] = ("since", "until"),
) -> None:
    """Ending a relationship or a membership (``what``): it is not ended already, the day
    it ended is given, and it is not before the day it began (``dates``: began, ended on
    record, the day given; ``fields``: the start's and the end's). The start is on record,
    so a start the floor would refuse today does not stop it ending."""
    start, ended_on, end = dates
    start_field, end_field = fields
    if ended_on is not None:
        problems.add(end_field, f"This {what} has already ended")
    elif end is None:
        problems.add(end_field, f"Enter the date the {what} ended")
    else:
        check_period(
            problems, start, end, start_field=start_field, end_field=end_field, start_on_record=True
        )


@transaction.atomic
def association_end(
    *, actor: Worker, association: Association, valid_until: dt.date | None, reason: str
) -> Association:
    """End a relationship: it stays on record, with the date it stopped, who ended it and
    why."""
    association = Association.objects.select_for_update().get(pk=association.pk)
    _check_may_change(actor, association)
    problems = Problems()
    reason = _end_reason(problems, reason)
    dates = (association.valid_from, association.valid_until, valid_until)
    _check_ending(problems, "relationship", dates, ("valid_from", "valid_until"))
    problems.raise_if_any()
    assert valid_until is not None
    return _end_record(actor, association, valid_until, reason)


@transaction.atomic
def association_revise(
    *,
    actor: Worker,
    association: Association,
    changed_on: dt.date,
    relationship: str,
    nature: str,
    source: str,
    confidence: str,
    peer_role: str = "",
    note: str = "",
    contexts: Iterable[Context] = (),
    open_to_social_care: bool | None = None,
    open_to_youth_justice: bool | None = None,
    person: Person | None = None,
    reason: str = "",
) -> Association:
    """Change a relationship from ``changed_on``: end the record, and record the new one.

    Nothing is overwritten: the old record keeps what was believed until the change
    (``valid_until = changed_on``) and the new one starts that day and says which
    record it ``replaces``. ``person`` is the young person whose record the change is
    made on (either party; by default the one it was recorded about): the new record
    is theirs, and its ``peer_role`` describes the other.
    """
    association = Association.objects.select_for_update().get(pk=association.pk)
    person = person or association.person
    if person.pk not in (association.person_id, association.other_id):
        raise ValueError("person must be one of the association's two people")
    peer = association.other if person.pk == association.person_id else association.person
    contexts = list(contexts)
    _check_may_change(actor, association)
    _check_may_record(actor, person, peer, contexts)
    # Places the worker may not see (another family's home) were not offered to them to
    # keep or drop: they carry over, as someone else recorded them.
    contexts += [
        c
        for c in association.contexts.all()
        if c not in contexts and not policies.can_view_context(actor, c)
    ]
    problems = validate_association(
        person=person,
        other=peer,
        other_label=association.other_label,
        relationship=relationship,
        nature=nature,
        source=source,
        confidence=confidence,
        valid_from=changed_on,
        valid_until=None,
        peer_role=peer_role,
        open_to_social_care=open_to_social_care,
        open_to_youth_justice=open_to_youth_justice,
    )
    reason = _end_reason(problems, reason)
    # check_period speaks of a start date; on this form the date is the day of the change.
    for message in problems.errors.pop("valid_from", []):
        problems.add("valid_from", message.replace("The start date", "The date of the change"))
    problems.check(
        association.valid_until is None,
        "valid_from",
        "This relationship has already ended: record the peer again instead",
    )
    if association.valid_until is None and changed_on is not None:
        problems.check(
            changed_on >= association.valid_from,
            "valid_from",
            "The date of the change must be on or after the relationship began "
            f"({association.valid_from:%d/%m/%Y})",
        )
    new_values = {
        "relationship": relationship,
        "nature": nature,
        "peer_role": peer_role,
        "source": source,
        "confidence": confidence,
        "note": note,
        "open_to_social_care": open_to_social_care,
        "open_to_youth_justice": open_to_youth_justice,
    }
    unchanged = all(getattr(association, k) == v for k, v in new_values.items()) and {
        c.pk for c in contexts
    } == {c.pk for c in association.contexts.all()}
    problems.check(
        not (unchanged and association.person_id == person.pk),
        "__all__",
        "Nothing has changed: change at least one answer, or go back",
    )
    check_not_recorded_twice(
        problems,
        person=person,
        other=peer,
        other_label=association.other_label,
        valid_until=None,
        replacing=association,
    )
    problems.raise_if_any()
    _end_record(actor, association, changed_on, reason)
    return _create_association(
        actor=actor,
        contexts=contexts,
        person=person,
        other=peer,
        other_label=association.other_label,
        valid_from=changed_on,
        replaces=association,
        **new_values,
    )


@transaction.atomic
def peer_map_purpose_record(
    *, actor: Worker, person: Person, purpose: str, reason: str
) -> PeerMapPurpose:
    """Record why a worker needs peers' names on a child's peer map (docs/domain.md#naming).

    Names then show on that child's map, for that worker, for ``PURPOSE_LASTS``.
    The purpose is audited here and again on every read of the map it opens.
    """
    permitted(policies.can_view_person, actor, person)
    problems = Problems()
    problems.check(
        purpose in choice_values(MapPurpose),
        "purpose",
        "Choose why you need to see peers' names: safety planning, or a linked case",
    )
    reason = clean_text(
        problems,
        "reason",
        reason,
        missing="Say briefly why you need to see peers' names",
        limit=REASON_MAX_LENGTH,
        what="reason",
    )
    problems.raise_if_any()
    now = clock.now()
    record = create_audited(
        actor,
        PeerMapPurpose,
        worker=actor,
        person=person,
        purpose=purpose,
        reason=reason,
        recorded_at=now,
        expires_at=now + PURPOSE_LASTS,
    )
    return record


def _check_open_group(problems: Problems, field: str, group: Context) -> None:
    """A peer group that is not merged away: nobody joins a closed group."""
    problems.check(group.kind == ContextKind.PEER_GROUP, field, "Choose a peer group")
    if group.kind == ContextKind.PEER_GROUP:
        problems.check(
            merged_into(group) is None,
            field,
            "This group was merged into another: choose the group it was merged into",
        )


def _group_fields(problems: Problems, name: str, description: str) -> dict[str, Any]:
    name = clean_text(
        problems, "name", name, missing="Enter the group's name", limit=200, what="name"
    )
    description = description.strip()
    problems.check(
        len(description) <= 2000,
        "description",
        "The description must be 2,000 characters or fewer",
    )
    return {"kind": ContextKind.PEER_GROUP, "name": name, "description": description}


@transaction.atomic
def group_create(*, actor: Worker, name: str, description: str = "") -> Context:
    """A new peer group, recorded by ``actor`` in their team (they, and at agency scope
    that team's agency, see it until a member they see makes it visible through them)."""
    permitted(access_groups.can_create_group, actor)
    problems = Problems()
    return create_checked(actor, Context, problems, _group_fields(problems, name, description))


@transaction.atomic
def membership_add(
    *,
    actor: Worker,
    person: Person,
    group: Context,
    role: str,
    since: dt.date,
    source: str,
    confidence: str,
    until: dt.date | None = None,
) -> GroupMembership:
    """Record a young person's place in a peer group, with provenance."""
    permitted(policies.can_record_about_person, actor, person)
    permitted(policies.can_view_context, actor, group)
    problems = Problems()
    _check_open_group(problems, "group", group)
    problems.check(role in choice_values(GroupRole), "role", f"Unknown role in a group: {role!r}")
    validate_provenance(problems, source=source, confidence=confidence)
    check_period(problems, since, until, start_field="since", end_field="until")
    # Who is in which group: what an open membership may not repeat, and what is written.
    member = {"person": person, "group": group}
    check_none_open(
        problems,
        until,
        GroupMembership.objects.current().filter(**member),
        "person",
        "This young person is already recorded in this group",
    )
    problems.raise_if_any()
    provenance = _provenance(actor, source, confidence)
    return create_audited(
        actor, GroupMembership, **member, role=role, since=since, until=until, **provenance
    )


@transaction.atomic
def membership_end(
    *, actor: Worker, membership: GroupMembership, until: dt.date | None, reason: str
) -> GroupMembership:
    """End a child's membership: it stays on record with the date, who ended it and why."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    permitted(policies.can_record_about_person, actor, membership.person)
    problems = Problems()
    reason = _end_reason(problems, reason, missing="Say why the membership ends")
    _check_ending(problems, "membership", (membership.since, membership.until, until))
    problems.raise_if_any()
    assert until is not None
    return _end_membership(actor, membership, until, reason)


def _end_membership(
    actor: Worker, membership: GroupMembership, until: dt.date, reason: str
) -> GroupMembership:
    ended = {"until": until, "ended_by": actor, "end_reason": reason}
    return write_fields(actor, membership, ChangeAction.END, ended)


def _move(actor: Worker, memberships: list[GroupMembership], into: Context, reason: str) -> int:
    """End each membership today and start one in ``into`` with the same role and
    provenance (a child already in ``into`` keeps that membership). Returns how many moved."""
    day = clock.today()
    already = set(
        GroupMembership.objects.current().filter(group=into).values_list("person_id", flat=True)
    )
    for membership in memberships:
        _end_membership(actor, membership, day, reason)
        if membership.person_id in already:
            continue
        create_audited(
            actor,
            GroupMembership,
            person=membership.person,
            group=into,
            role=membership.role,
            since=day,
            **_provenance(actor, membership.source, membership.confidence),
        )
    return len(memberships)


def _record_change(
    actor: Worker, kind: str, group: Context, into: Context, reason: str, moved: int
) -> GroupChange:
    return create_audited(
        actor,
        GroupChange,
        kind=kind,
        group=group,
        into=into,
        on=clock.today(),
        reason=reason,
        members_moved=moved,
        **recorded(actor),
    )


def _current_members(*groups: Context) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.current()
        .filter(group__in=groups)
        .select_related("person")
        .select_for_update()
        .order_by("id")
    )


@transaction.atomic
def group_merge(*, actor: Worker, group: Context, into: Context, reason: str) -> GroupChange:
    """Merge ``group`` into ``into``: its current members move (history kept in both),
    and ``group`` is closed, marked as merged into ``into``, with the reason."""
    members = _current_members(group, into)
    permitted(access_groups.can_regroup, actor, [group, into], [m.person for m in members])
    problems = Problems()
    reason = _end_reason(problems, reason, missing="Say why these are one group")
    _check_open_group(problems, "group", group)
    _check_open_group(problems, "into", into)
    problems.check(group.pk != into.pk, "into", "Choose another group to merge into")
    problems.raise_if_any()
    moving = [m for m in members if m.group_id == group.pk]
    moved = _move(actor, moving, into, reason)
    return _record_change(actor, GroupChangeKind.MERGE, group, into, reason, moved)


@transaction.atomic
def group_split(
    *,
    actor: Worker,
    group: Context,
    members: Iterable[GroupMembership],
    name: str,
    reason: str,
    description: str = "",
) -> GroupChange:
    """Move the chosen current members of ``group`` to a new group (history kept in both)."""
    chosen = {m.pk for m in members}
    moving = [m for m in _current_members(group) if m.pk in chosen]
    permitted(access_groups.can_regroup, actor, [group], [m.person for m in moving])
    problems = Problems()
    fields = _group_fields(problems, name, description)
    reason = _end_reason(problems, reason, missing="Say why these members are a group of their own")
    _check_open_group(problems, "group", group)
    problems.check(bool(chosen), "members", "Choose at least one member to move")
    problems.check(
        len(moving) == len(chosen), "members", "Choose current members of this group only"
    )
    problems.raise_if_any()
    new_group = create_checked(actor, Context, problems, fields)
    moved = _move(actor, moving, new_group, reason)
    return _record_change(actor, GroupChangeKind.SPLIT, group, new_group, reason, moved)
