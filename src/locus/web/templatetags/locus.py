"""Template helpers for the words and badges of the practice."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from locus.access import naming
from locus.access.models import Team, Worker
from locus.people.models import Person

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
def unseen_person(
    who: Person | str | None = None, child: bool | None = None, held_by: str = ""
) -> str:
    """A person the viewer may not see, as ``access.naming.unseen_label`` shows them:
    ``{% unseen_person %}``, ``{% unseen_person child=True %}``, ``{% unseen_person m.person %}``
    (their initials, and whether a child, from the record)."""
    return naming.unseen_label(who, child=child, held_by=held_by)


@register.simple_tag
def unseen_count(count: int, child: bool = True) -> str:
    """Several people the viewer may not see, counted (``access.naming.unseen_count``)."""
    return naming.unseen_count(count, child=child)


@register.filter
def named_only(views: list[Any]) -> list[Any]:
    """Of a list of people shown (each with a ``name``, None for one the viewer may not see),
    those named: the others are said once, by ``unseen_among``."""
    return [v for v in views if v.name]


@register.simple_tag
def unseen_among(views: list[Any]) -> str:
    """The people of ``views`` the viewer may not see, in one phrase after those named
    (``access.naming.unseen_others``): "and 3 people not shared with you"."""
    hidden = sum(1 for v in views if not v.name)
    return naming.unseen_others(hidden, after_named=len(views) > hidden)


@register.simple_tag
def holder(worker: Worker | None, team: Team | None = None) -> str:
    """Who holds a case, as ``access.naming.holder_text`` says it: ``{% holder a.worker a.team %}``
    gives "Sam Okafor, Team A, Children's Social Care"."""
    return naming.holder_text(worker, team)


@register.simple_tag
def worker_named(worker: Worker | None, team: Team | None = None) -> str:
    """A worker as pages name them, in ``holder``'s words: ``{% worker_named w %}`` gives
    "Sam Okafor, Team A, Children's Social Care" (``team``: the one they recorded in, when
    the page names that rather than their team now). Load ``team__agency`` with the worker."""
    return naming.holder_text(worker, team)


@register.simple_tag
def not_in_scope() -> str:
    """The bare words ("not shared with you") after a count or a role, where a page has
    already said who: prefer ``unseen_person`` or ``unseen_count``."""
    return naming.NOT_SHARED


@register.simple_tag
def place_withheld() -> str:
    """The one wording for where an incident happened, at a home the viewer may not see."""
    return naming.PLACE_WITHHELD


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, []) if mapping else []
