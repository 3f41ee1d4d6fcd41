"""Showing a person's fields: the one place a page decides, field by field, what to print.

Selectors attach the fields the viewer may see (``locus.people.selectors.with_fields``,
from ``locus.access.fields``) to each person they hand a page; a person without them
shows nothing (fail closed). A withheld field reads "Not shared with your role", never a
blank that would read as "not known".
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from locus.access.fields import WITHHELD, PersonField
from locus.common.services import today
from locus.people.models import Person
from locus.people.selectors import visible_fields
from locus.web.templatetags.locus import status_tag

register = template.Library()


def _muted(text: str) -> SafeString:
    return format_html('<span class="locus-muted">{}</span>', text)


def _age(person: Person) -> str:
    age = person.age_on(today())
    return f"{age} years old" if age is not None else "Not known"


def _home(person: Person) -> SafeString | str:
    if person.home is None:
        return "Not recorded"
    url = reverse("context", args=[person.home.pk])
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, person.home.name)


def _statuses(person: Person) -> SafeString:
    episodes = getattr(person, "open_episodes", [])
    if not episodes:
        return _muted("No open legal status")
    return format_html_join(
        "", "{}", ((status_tag(e.status, e.get_status_display()),) for e in episodes)
    )


def _identifier(name: str) -> Callable[[Person], str]:
    return lambda person: getattr(person, name) or "None recorded"


_SHOW: dict[str, Callable[[Person], SafeString | str]] = {
    PersonField.NAME: lambda p: p.full_name,
    PersonField.AGE: _age,
    PersonField.DATE_OF_BIRTH: lambda p: format_date(p.date_of_birth, "j F Y") or "Not known",
    PersonField.SEX: lambda p: p.get_sex_display(),
    PersonField.ETHNICITY: lambda p: f"{p.get_ethnicity_display()} ({p.ethnicity})",
    PersonField.UPN: _identifier("upn"),
    PersonField.NHS_NUMBER: _identifier("nhs_number"),
    PersonField.LA_CHILD_ID: _identifier("la_child_id"),
    PersonField.HOME_ADDRESS: _home,
    PersonField.LEGAL_STATUS: _statuses,
}


@register.simple_tag
def person_field(person: Person, field: str) -> SafeString | str:
    """``person``'s ``field`` as the viewer may see it. A withheld name falls back to
    initials (a row must say whom it is about); any other field to the withheld words."""
    if field in visible_fields(person):
        return _SHOW[field](person)
    if field == PersonField.NAME:
        return person.initials
    return _muted(WITHHELD)


@register.simple_tag
def withheld() -> SafeString:
    return _muted(WITHHELD)


@register.filter
def shows(person: Person, field: str) -> bool:
    """Whether the viewer may see ``field`` of ``person`` (for a section, not a value)."""
    return field in visible_fields(person)
