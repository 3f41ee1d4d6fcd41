"""The legal-hold banner on a person's page, whose view does not know about holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template

from locus.access import retention as rules
from locus.access.models import Worker
from locus.retention import selectors
from locus.retention.models import HeldKind, LegalHold

register = template.Library()


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


@register.simple_tag
def holds_on_person(person_id: int, worker: Worker) -> PersonHolds:
    """The active holds on a person (a page that shows the person has checked sight)."""
    found = PersonHolds()
    for hold in selectors.holds_on(HeldKind.PERSON, person_id):
        if not hold.active:
            continue
        reads, lifts = rules.hold_rights(worker, hold)
        if reads:
            found.readable.append((hold, lifts))
        else:
            found.unread += 1
    return found


@register.filter
def places_holds(worker: Worker) -> bool:
    return rules.can_hold(worker)
