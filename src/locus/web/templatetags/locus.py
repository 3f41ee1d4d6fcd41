"""Template helpers for the words and badges of the practice."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from locus.access import naming

register = template.Library()

# GOV.UK tag colours chosen to keep their text contrast at AA.
NATURE_COLOURS = {
    "protective": "govuk-tag--green",
    "risk": "govuk-tag--red",
    "unclear": "govuk-tag--grey",
}
ROLE_COLOURS = {
    "harmed": "govuk-tag--purple",
    "harming": "govuk-tag--orange",
    "present": "govuk-tag--grey",
    "reporter": "govuk-tag--blue",
    "missing": "govuk-tag--yellow",
}
STATUS_COLOURS = {
    "EH": "govuk-tag--turquoise",
    "CIN": "govuk-tag--blue",
    "CP": "govuk-tag--red",
    "LAC": "govuk-tag--purple",
    "YJS": "govuk-tag--orange",
}


@register.simple_tag
def nature_tag(value: str, label: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', NATURE_COLOURS.get(value, ""), label
    )


@register.simple_tag
def role_tag(value: str, label: str) -> str:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', ROLE_COLOURS.get(value, ""), label
    )


@register.simple_tag
def status_tag(value: str, label: str | None = None) -> str:
    return format_html(
        '<strong class="govuk-tag {}" title="{}">{}</strong>',
        STATUS_COLOURS.get(value, ""),
        label or value,
        value,
    )


@register.simple_tag
def not_in_scope() -> str:
    """The one wording for a person the viewer may not see (``access.naming``)."""
    return naming.NOT_IN_SCOPE


@register.simple_tag
def place_withheld() -> str:
    """The one wording for where an incident happened, at a home the viewer may not see."""
    return naming.PLACE_WITHHELD


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, []) if mapping else []
