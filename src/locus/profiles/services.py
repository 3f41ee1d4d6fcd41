"""Writing the aspirational profile: add an item, change its wording, end it.

Who may record: any practitioner or manager who sees the young person
(``access.policies.can_record_about_person``), as for any other knowledge about
them. Naming a protective peer known to Locus, or a safe place, needs sight of
that peer or place too: naming must not be a way in. Nothing is deleted; an
item that no longer holds is ended, and a change ends the old wording and
records the new one, which says which item it ``replaces``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.formats import date_format

from locus.access import lookups, policies
from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.common.errors import InvalidTransition
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    clean_reason,
    create_audited,
    lock,
    permitted,
    recorded,
    today,
    write_fields,
)
from locus.people.models import Person, PersonKind
from locus.places.models import Context
from locus.profiles.models import ALLOWED_STEPS, ItemStep, ProfileItem, ProfileKind

MAX_TEXT = 1000
MAX_REASON = 300


def _check_day(problems: Problems, field: str, day: dt.date | None, what: str) -> None:
    if day is None:
        problems.add(field, f"Enter the date {what}")
    elif day > today():
        problems.add(field, f"The date {what} must not be in the future")


def _check_day_after(
    problems: Problems,
    field: str,
    day: dt.date | None,
    what: str,
    item: ProfileItem,
    event: str,
) -> None:
    """A day in an item's life (its change or end): known, not ahead, not before it began."""
    _check_day(problems, field, day, what)
    if day is not None and day < item.recorded_on:
        problems.add(
            field,
            f"{event} must be on or after "
            f"{date_format(item.recorded_on, 'j F Y')}, when this was recorded",
        )


def _check_text(problems: Problems, text: str) -> str:
    text = text.strip()
    problems.check(bool(text), "text", "Say what it is, in the young person's words if you can")
    problems.check(
        len(text) <= MAX_TEXT, "text", f"The text must be {MAX_TEXT} characters or fewer"
    )
    return text


def _check_names(actor: Worker, peer: Person | None, place: Context | None) -> None:
    """A peer or place named in the profile must be one the recorder sees lastingly: the
    profile names it for good, so never one reached only through a child seen by emergency
    access (break-glass), whose home or group the four hours show."""
    if peer is not None:
        permitted(policies.can_name_people, actor, [peer])
    if place is not None:
        permitted(lookups.sees_context_lastingly, actor, place)


def require_step(item: ProfileItem, step: ItemStep) -> None:
    """Raise :class:`InvalidTransition` unless the item's state allows ``step``."""
    if step not in ALLOWED_STEPS[item.state]:
        assert item.ended_on is not None
        raise InvalidTransition(
            f"This {item.kind_singular} ended on {date_format(item.ended_on, 'j F Y')}: "
            f"it is kept as history and you cannot {step.label}. Add a new one instead"
        )


@transaction.atomic
def profile_item_add(
    *,
    actor: Worker,
    person: Person,
    kind: str,
    text: str,
    own_words: bool = False,
    recorded_on: dt.date | None = None,
    peer: Person | None = None,
    place: Context | None = None,
) -> ProfileItem:
    """Add one strength to a young person's profile.

    ``peer`` is only for a protective peer known to Locus (otherwise describe
    them in ``text``), ``place`` only for a safe place known to Locus.
    """
    permitted(policies.can_record_about_person, actor, person)
    _check_names(actor, peer, place)
    problems = Problems()
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON,
        "person",
        "An aspirational profile is about a young person",
    )
    problems.check(kind in choice_values(ProfileKind), "kind", "Choose what kind of strength it is")
    text = _check_text(problems, text)
    _check_day(problems, "recorded_on", recorded_on, "it was said or learnt")
    if peer is not None:
        problems.check(
            kind == ProfileKind.PROTECTIVE_PEER,
            "peer",
            "Only a protective peer names a person: choose 'Protective peers' or no person",
        )
        problems.check(peer.pk != person.pk, "peer", "A young person is not their own peer")
        problems.check(
            peer.kind == PersonKind.YOUNG_PERSON,
            "peer",
            "A protective peer is another young person: record an adult as a trusted adult",
        )
    if place is not None:
        problems.check(
            kind == ProfileKind.SAFE_PLACE,
            "place",
            "Only a safe place names a place: choose 'Safe places' or no place",
        )
    problems.raise_if_any()
    assert recorded_on is not None
    return _new_item(
        actor,
        person=person,
        kind=kind,
        text=text,
        own_words=own_words,
        peer=peer,
        place=place,
        recorded_on=recorded_on,
    )


# What a new wording keeps of the item it replaces: whose, what kind, which peer, which place.
KEPT_ON_CHANGE = ("person_id", "kind", "peer_id", "place_id")


def _new_item(actor: Worker, **fields: Any) -> ProfileItem:
    """Write a checked item (new, or a new wording replacing one), recorded by ``actor`` now."""
    return create_audited(actor, ProfileItem, **fields, **recorded(actor))


def _end(actor: Worker, item: ProfileItem, ended_on: dt.date, reason: str) -> ProfileItem:
    """Write an end that has been checked (inside the caller's transaction)."""
    ended = {"ended_on": ended_on, "ended_by": actor, "end_reason": reason}
    return write_fields(actor, item, ChangeAction.END, ended)


@transaction.atomic
def profile_item_change(
    *,
    actor: Worker,
    item: ProfileItem,
    text: str,
    own_words: bool,
    changed_on: dt.date | None,
) -> ProfileItem:
    """Record a new wording from ``changed_on``: the old item ends that day, kept as history.

    The kind, the peer and the place stay: a different peer or place is a new item.
    """
    permitted(policies.can_record_about_person, actor, item.person)
    lock(item)  # a page loaded before someone else ended it must not revive it
    require_step(item, ItemStep.CHANGE)
    # Re-recording names the peer and the place again.
    _check_names(actor, item.peer, item.place)
    problems = Problems()
    text = _check_text(problems, text)
    _check_day_after(problems, "changed_on", changed_on, "of the change", item, "The change")
    problems.check(
        text != item.text or own_words != item.own_words,
        "text",
        "Nothing has changed: change the words, or go back",
    )
    problems.raise_if_any()
    assert changed_on is not None
    _end(actor, item, changed_on, "Changed")
    kept = {name: getattr(item, name) for name in KEPT_ON_CHANGE}
    return _new_item(
        actor, text=text, own_words=own_words, recorded_on=changed_on, replaces=item, **kept
    )


@transaction.atomic
def profile_item_end(
    *, actor: Worker, item: ProfileItem, ended_on: dt.date | None, reason: str
) -> ProfileItem:
    """Say an item no longer holds (the club closed, the adult moved away), and why: kept as
    history, with the reason."""
    permitted(policies.can_record_about_person, actor, item.person)
    lock(item)
    require_step(item, ItemStep.END)
    problems = Problems()
    _check_day_after(problems, "ended_on", ended_on, "it ended", item, "The end")
    reason = clean_reason(problems, reason, missing="Say why it has ended", limit=MAX_REASON)
    problems.raise_if_any()
    assert ended_on is not None
    return _end(actor, item, ended_on, reason)
