"""Badges for meetings and interventions."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

# GOV.UK tag colours that keep their text contrast at AA.
MEETING_COLOURS = {
    "proposed": "govuk-tag--yellow",
    "scheduled": "govuk-tag--blue",
    "held": "govuk-tag--purple",
    "closed": "govuk-tag--green",
    "cancelled": "govuk-tag--grey",
}
INTERVENTION_COLOURS = {
    "planned": "govuk-tag--blue",
    "in_progress": "govuk-tag--yellow",
    "done": "govuk-tag--green",
    "stopped": "govuk-tag--grey",
}


@register.simple_tag
def meeting_tag(value: str, label: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', MEETING_COLOURS.get(value, ""), label
    )


@register.simple_tag
def intervention_tag(value: str, label: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', INTERVENTION_COLOURS.get(value, ""), label
    )
