"""Status tags for context casework, in GOV.UK tag colours that keep AA contrast."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from locus.access import context_cases as policies
from locus.access.models import Worker
from locus.casework.models import ContextCase

register = template.Library()

COLOURS = {
    # referrals
    "new": "govuk-tag--yellow",
    "screened": "govuk-tag--green",
    "withdrawn": "govuk-tag--grey",
    # cases
    "assessment": "govuk-tag--blue",
    "conference": "govuk-tag--purple",
    "plan": "govuk-tag--turquoise",
    "closing": "govuk-tag--orange",
    "closed": "govuk-tag--grey",
    # assessments, conferences, plans, reviews, actions
    "not_started": "govuk-tag--grey",
    "in_progress": "govuk-tag--yellow",
    "submitted": "govuk-tag--orange",
    "approved": "govuk-tag--green",
    "pending": "govuk-tag--yellow",
    "scheduled": "govuk-tag--blue",
    "held": "govuk-tag--green",
    "draft": "govuk-tag--yellow",
    "active": "govuk-tag--green",
    "ended": "govuk-tag--grey",
    "due": "govuk-tag--blue",
    "cancelled": "govuk-tag--grey",
    "planned": "govuk-tag--blue",
    "done": "govuk-tag--green",
    "stopped": "govuk-tag--grey",
    # ratings of a context's domains
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "overdue": "govuk-tag--red",
}

RATING_WORDS = {"red": "Red", "amber": "Amber", "green": "Green"}


@register.simple_tag
def tag(value: str, label: str = "") -> str:
    """A GOV.UK tag for a status (its label shown) or a rating."""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        COLOURS.get(value, ""),
        label or RATING_WORDS.get(value, value),
    )


@register.filter
def case_place(case: ContextCase) -> str:
    """The case's place as its reader is told of it (``context_cases.shown_place``)."""
    return policies.shown_place(case)


@register.filter
def may_refer(worker: Worker) -> bool:
    """For a link to the referral form on a page whose view does not know about casework."""
    return policies.can_refer(worker)
