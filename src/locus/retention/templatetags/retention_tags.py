"""What the legal-hold banner on a person's page asks of the viewer (the holds themselves
come from the view: ``retention.selectors.person_holds``)."""

from __future__ import annotations

from django import template

from locus.access import retention as rules
from locus.access.models import Worker

register = template.Library()


@register.filter
def places_holds(worker: Worker) -> bool:
    return rules.can_hold(worker)
