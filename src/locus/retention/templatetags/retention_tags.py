"""The legal-hold banner on a person's page, whose view does not know about holds."""

from __future__ import annotations

from django import template

from locus.access import retention as rules
from locus.access.models import Worker
from locus.retention import selectors
from locus.retention.models import HeldKind, LegalHold

register = template.Library()


@register.simple_tag
def holds_on_person(person_id: int) -> list[LegalHold]:
    """The active holds on a person (a page that shows the person has checked sight)."""
    return [h for h in selectors.holds_on(HeldKind.PERSON, person_id) if h.active]


@register.filter
def places_holds(worker: Worker) -> bool:
    return rules.can_hold(worker)
