"""Where a page shows a child the viewer cannot see: the "request emergency access" offer,
and the reference that carries her to the page a link or form goes to (``locus.web.refs``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from locus.access.break_glass import may_break_glass
from locus.web.refs import people_query_for, person_key, ref_for

register = template.Library()


@register.simple_tag(takes_context=True)
def emergency_access_url(context: Any, person_id: int) -> str:
    """Where to ask for emergency access to ``person_id``, by a reference only this viewer's
    pages can use (the page does not publish the hidden child's id); empty for a viewer who
    may not ask."""
    request = context["request"]
    if not may_break_glass(request.user):
        return ""
    return reverse("break-glass-ref", kwargs={"ref": ref_for(request, person_id)})


@register.simple_tag(takes_context=True)
def person_ref(context: Any, person_id: int, named: object = None) -> str:
    """How a link or form on this page names a child (``refs.person_key``)."""
    return person_key(context["request"], person_id, named)


@register.simple_tag(takes_context=True)
def people_query(context: Any, people: Iterable[tuple[int, bool]]) -> str:
    """A ``person=`` query naming each of ``people`` (id, named on this page) as
    ``person_ref`` does."""
    return urlencode([("person", person_ref(context, pk, named)) for pk, named in people])


@register.simple_tag(takes_context=True)
def cluster_query(context: Any, people: Iterable[tuple[int, bool]]) -> str:
    """A ``person=`` query naming a cluster's ``people`` (id, named on this page): those the
    page names by id, the rest by one reference of this session (``refs.group_ref``)."""
    values = people_query_for(context["request"], people)
    return urlencode([("person", value) for value in values])
