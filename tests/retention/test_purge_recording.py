"""The purge of a person takes what the recorder typed when they recorded them: the
duplicate check in the trail and a possible-duplicate request keep their name and date of
birth, and neither may outlive them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from locus.audit import verify
from locus.audit.models import AccessEvent
from locus.common import clock
from locus.people.models import Allocation, IdentifierQuery, Person, PersonKind
from locus.people.services import duplicate_query_send, person_record
from locus.retention import purge
from tests.factories import World, client_for, valid_upn
from tests.frozen_clock import FrozenClock
from tests.retention.test_purge import SEVEN_YEARS, audit_text

TYPED: dict[str, Any] = {
    "kind": PersonKind.YOUNG_PERSON,
    "given_name": "Zebedee",
    "family_name": "Purgeable",
    "date_of_birth": dt.date(2009, 6, 1),
}


def _closed_today(child: Person) -> None:
    """Nothing open: the case closed the day it was recorded (set up directly: the rule
    is what matters)."""
    Allocation.objects.filter(person=child).update(end=clock.today())


def test_a_purged_persons_name_does_not_stay_in_the_duplicate_check_that_recorded_them(
    frozen_clock: FrozenClock, world: World
) -> None:
    """Recording a person logs the duplicate check with what was typed; that check is
    about the person recorded, so their purge blanks it like every other event about them."""
    child = person_record(actor=world.social_worker, **TYPED)
    _closed_today(child)
    assert "Purgeable" in audit_text()
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    text = audit_text()
    assert "Purgeable" not in text and "Zebedee" not in text
    assert "2009-06-01" not in text


def test_a_purged_persons_name_does_not_stay_in_the_request_they_were_recorded_after(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The recorder typed a UPN another child holds and asked the data team, then recorded
    the child with a reason of their own. The request (routed by the other child) names
    the child recorded from its details, and goes with them when they are purged."""
    upn = valid_upn()
    Person.objects.filter(pk=world.csc_child.pk).update(upn=upn)
    query = duplicate_query_send(actor=world.social_worker, upn=upn, **TYPED)
    child = person_record(
        actor=world.social_worker, different_reason="Another child: UPN mistyped", **TYPED
    )
    assert IdentifierQuery.objects.get(pk=query.pk).person_id == child.pk
    _closed_today(child)
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    kept = IdentifierQuery.objects.filter(pk=query.pk).values("details", "search_key").first()
    assert "Purgeable" not in repr(kept) and "purgeable" not in repr(kept)
    # The other child, who routed the request, is untouched.
    assert Person.objects.filter(pk=world.csc_child.pk).exists()


def _checks_holding(text: str) -> list[AccessEvent]:
    checks = AccessEvent.objects.filter(record_type="people.person", action="search")
    return [e for e in checks.order_by("pk") if text in repr(e.detail)]


def test_a_purged_persons_name_does_not_stay_in_the_checks_made_before_they_were_recorded(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The recorder typed a UPN another child holds: the page said "a record may already
    exist" (a check in the trail, about the other child), they asked the data team (another),
    then recorded the child with a reason. Both earlier checks hold the name and date of
    birth the child was recorded with; the child's purge blanks them too, and the trail
    still verifies (each blanked event is accounted for). Another worker's check of the
    same details is theirs, about the record it matched: it stays."""
    upn = valid_upn()
    Person.objects.filter(pk=world.csc_child.pk).update(upn=upn)
    typed = {
        "given_name": "zebedee",  # as typed: names are compared without case
        "family_name": "PURGEABLE",
        "date_of_birth": "01/06/2009",
        "sex": "0",
        "ethnicity": "NOBT",
        "upn": upn,
    }
    client = client_for(world.social_worker)
    url = reverse("person-new", args=["young-person"])
    page = client.post(url, typed)
    assert page.status_code == 200 and len(_checks_holding("PURGEABLE")) == 1
    client.post(url, {**typed, "ask": "1"})
    assert len(_checks_holding("PURGEABLE")) == 2
    client_for(world.teammate).post(url, typed)  # another worker's check: kept
    child = person_record(
        actor=world.social_worker, different_reason="Another child: UPN mistyped", **TYPED
    )
    _closed_today(child)
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    kept = _checks_holding("PURGEABLE")
    assert [(e.actor, e.detail["duplicate_check"]) for e in kept] == [
        (world.teammate, "possible duplicate: not recorded")
    ]
    assert "Purgeable" not in audit_text()
    assert verify.verify().ok, verify.verify().problems
