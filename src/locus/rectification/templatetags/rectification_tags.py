"""The "accuracy disputed" flag, drawn the same way wherever a person or an item is shown.

``{% disputed person_id %}`` beside a person's name in a list, ``{% disputed person_id shown %}``
where the row may stand for someone the viewer may not see (drawn only when ``shown``: the flag
is the person's record, not to be told about someone shown by initials).

``{% disputed_item "association" a.pk person.pk %}`` beside one item disputed by one of the
people named after it (those the viewer sees; ``node|seen_id`` gives a map node's).

``{% dispute_banner person %}`` at the top of the person's page (``linked=False`` on the page of
a child seen only through a meeting's share: told of the dispute, not led to the account, which
the share did not carry).

The flags are read once per request (``selectors.flags``), whatever the number of rows, and
are the viewer's: a dispute about an item they may not see (a restricted police incident, a
note they may not read, a detail their role does not see) flags nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from locus.access.models import Worker
from locus.rectification.selectors import Flags, flags

register = template.Library()

_ATTR = "_locus_accuracy_flags"
TAG = '<strong class="govuk-tag govuk-tag--yellow locus-disputed">{}</strong>'


def _flags(context: template.Context) -> Flags:
    request = context.get("request")
    found = getattr(request, _ATTR, None)
    if isinstance(found, Flags):
        return found
    viewer = getattr(request, "user", None)
    # The flags are the viewer's: a dispute about an item they may not see is not told.
    read = flags(viewer) if isinstance(viewer, Worker) else Flags()
    if request is not None:
        setattr(request, _ATTR, read)
    return read


@register.simple_tag(takes_context=True)
def disputed(context: template.Context, person_id: object, shown: bool = True) -> str:
    if shown and _flags(context).person(person_id):
        return format_html(TAG, "Accuracy disputed")
    return ""


@register.simple_tag(takes_context=True)
def disputed_item(context: template.Context, kind: str, pk: object, *seen: object) -> str:
    """Beside an item disputed by one of the ``seen`` people (ids; None for someone the viewer
    may not see, who is never told of)."""
    if _flags(context).item(kind, pk, [p for p in seen if p is not None]):
        return format_html(TAG, "Accuracy disputed")
    return ""


@register.filter
def seen_id(node: Any) -> object:
    """A map node's person id when the viewer sees them, else None (for ``disputed_item``)."""
    return getattr(node, "person_id", None) if getattr(node, "visible", False) else None


@register.inclusion_tag("rectification/_banner.html", takes_context=True)
def dispute_banner(context: template.Context, person: Any, linked: bool = True) -> dict[str, Any]:
    return {"person": person, "flagged": _flags(context).person(person.pk), "linked": linked}
