"""Badges for meetings and interventions."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

# GOV.UK tag colours that keep their text contrast at AA, by kind of record and status.
BADGE_COLOURS = {
    "meeting": {
        "proposed": "govuk-tag--yellow",
        "scheduled": "govuk-tag--blue",
        "held": "govuk-tag--purple",
        "closed": "govuk-tag--green",
        "cancelled": "govuk-tag--grey",
    },
    "intervention": {
        "planned": "govuk-tag--blue",
        "in_progress": "govuk-tag--yellow",
        "done": "govuk-tag--green",
        "stopped": "govuk-tag--grey",
    },
}


@register.simple_tag
def badge(kind: str, value: str, label: str) -> str:
    colour = BADGE_COLOURS.get(kind, {}).get(value, "")
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label)
