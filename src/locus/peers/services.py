"""Recording associations and peer-group membership, always with provenance.

History is kept: a relationship that ends gets an end date; it is never
overwritten or deleted through the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from locus.access import policies
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common.models import Confidence, Source
from locus.common.services import Problems, check_period, close_period, permitted
from locus.peers.models import Association, GroupMembership, GroupRole, Nature, Relationship
from locus.people.models import Person
from locus.places.models import Context, ContextKind


def validate_provenance(problems: Problems, *, source: str, confidence: str) -> None:
    problems.check(
        source in Source.values, "source", f"Say where this came from (unknown source {source!r})"
    )
    problems.check(
        confidence in Confidence.values,
        "confidence",
        f"Say how sure we are (unknown confidence {confidence!r})",
    )


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
) -> Problems:
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
        relationship in Relationship.values,
        "relationship",
        f"Unknown relationship {relationship!r}",
    )
    problems.check(
        nature in Nature.values,
        "nature",
        "Say whether the relationship is protective, presents risk, or is unclear",
    )
    validate_provenance(problems, source=source, confidence=confidence)
    check_period(
        problems, valid_from, valid_until, start_field="valid_from", end_field="valid_until"
    )
    if other is not None and valid_until is None:
        open_pair = Association.objects.filter(valid_until__isnull=True).filter(
            Q(person=person, other=other) | Q(person=other, other=person)
        )
        problems.check(
            not open_pair.exists(),
            "other",
            "This relationship is already recorded: end it before recording a new one",
        )
    return problems


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
) -> Association:
    """Record that two people are associated, with who said so and how sure they are."""
    permitted(policies.can_record_about_person, actor, person)
    if other is not None:
        permitted(policies.can_name_people, actor, [other])
    contexts = list(contexts)
    for context in contexts:
        permitted(policies.can_view_context, actor, context)
    validate_association(
        person=person,
        other=other,
        other_label=other_label,
        relationship=relationship,
        nature=nature,
        source=source,
        confidence=confidence,
        valid_from=valid_from,
        valid_until=valid_until,
    ).raise_if_any()
    association = Association.objects.create(
        person=person,
        other=other,
        other_label=other_label.strip(),
        relationship=relationship,
        nature=nature,
        source=source,
        confidence=confidence,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if contexts:
        association.contexts.set(contexts)
    after = snapshot(association)
    after["contexts"] = sorted(c.pk for c in contexts)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=association, after=after)
    return association


@transaction.atomic
def association_end(
    *, actor: Worker, association: Association, valid_until: dt.date
) -> Association:
    """End a relationship: it stays on record, with the date it stopped."""
    permitted(policies.can_record_about_person, actor, association.person)
    return close_period(
        actor=actor,
        obj=association,
        end=valid_until,
        start_field="valid_from",
        end_field="valid_until",
        already_ended="This relationship has already ended",
    )


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
    problems.check(group.kind == ContextKind.PEER_GROUP, "group", "Choose a peer group")
    problems.check(role in GroupRole.values, "role", f"Unknown role in a group: {role!r}")
    validate_provenance(problems, source=source, confidence=confidence)
    check_period(problems, since, until, start_field="since", end_field="until")
    if until is None:
        problems.check(
            not GroupMembership.objects.filter(
                person=person, group=group, until__isnull=True
            ).exists(),
            "person",
            "This young person is already recorded in this group",
        )
    problems.raise_if_any()
    membership = GroupMembership.objects.create(
        person=person,
        group=group,
        role=role,
        since=since,
        until=until,
        source=source,
        confidence=confidence,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=membership)
    return membership


@transaction.atomic
def membership_end(
    *, actor: Worker, membership: GroupMembership, until: dt.date
) -> GroupMembership:
    permitted(policies.can_record_about_person, actor, membership.person)
    return close_period(
        actor=actor,
        obj=membership,
        end=until,
        start_field="since",
        end_field="until",
        already_ended="This membership has already ended",
    )
