"""The GOV.UK table kit's one tag: a table's header row, from its column names.

Every list page writes the same ``<thead>`` around different names; the tag keeps the
markup (``scope="col"`` for screen readers, the numeric class that right-aligns counts)
in one partial, ``templates/common/table_head.html``, so a page names only its columns.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("common/table_head.html")
def table_head(*names: str, numeric: str = "", hidden: str = "") -> dict[str, object]:
    """The header row naming ``names``, in order.

    ``numeric`` and ``hidden`` list names (separated by ``|``) of columns that hold
    numbers (aligned right) or whose name only screen readers need (a column of links).
    """
    numbers = set(numeric.split("|")) if numeric else set()
    unseen = set(hidden.split("|")) if hidden else set()
    return {
        "headers": [
            {"name": name, "numeric": name in numbers, "hidden": name in unseen} for name in names
        ]
    }
