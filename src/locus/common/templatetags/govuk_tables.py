"""The GOV.UK table kit: a table's header row, from its column names, and a filter that
leaves a column out.

Every list page writes the same ``<thead>`` around different names; the tag keeps the
markup (``scope="col"`` for screen readers, the numeric class that right-aligns counts)
in one partial, ``templates/common/table_head.html``, so a page names only its columns.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("common/table_head.html")
def table_head(*names: str | None, numeric: str = "", hidden: str = "") -> dict[str, object]:
    """The header row naming ``names``, in order.

    ``numeric`` and ``hidden`` list names (separated by ``|``) of columns that hold
    numbers (aligned right) or whose name only screen readers need (a column of links).
    A name of None is a column left out (:func:`column_if`); an empty one is a column
    without a heading.
    """
    numbers = set(numeric.split("|")) if numeric else set()
    unseen = set(hidden.split("|")) if hidden else set()
    return {
        "headers": [
            {"name": name, "numeric": name in numbers, "hidden": name in unseen}
            for name in names
            if name is not None
        ]
    }


@register.filter
def column_if(name: str, shown: bool) -> str | None:
    """``name``, or None to leave its column out of :func:`table_head` when ``shown`` is
    false: ``"LA child ID"|column_if:columns.la_child_id``, for a column of a field the
    viewer's role never sees (``access.fields.columns_seen``)."""
    return name if shown else None


@register.simple_tag
def column_count(*names: str | None) -> int:
    """How many of ``names`` :func:`table_head` shows (those :func:`column_if` kept): the
    ``colspan`` of a row that spans the table, such as the one saying nothing matches."""
    return sum(name is not None for name in names)
