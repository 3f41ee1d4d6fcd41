"""The "request emergency access" offer, where a page shows a child the viewer cannot see."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from locus.access.break_glass import may_break_glass
from locus.web.break_glass import ref_for

register = template.Library()


@register.simple_tag(takes_context=True)
def emergency_access_link(context: Any, person_id: int) -> str:
    """A link to ask for emergency access to ``person_id``, by a reference only this viewer's
    pages can use (the page does not publish the hidden child's id)."""
    request = context["request"]
    if not may_break_glass(request.user):
        return ""
    url = reverse("break-glass-ref", kwargs={"ref": ref_for(request, person_id)})
    return format_html(
        '<br><a class="govuk-link govuk-body-s" href="{}">Request emergency access'
        '<span class="govuk-visually-hidden"> to this child\'s record</span></a>',
        url,
    )
