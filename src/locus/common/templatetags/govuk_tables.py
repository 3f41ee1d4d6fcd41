"""The GOV.UK table kit: a table's header row, from its column names, a whole table around
its rows, and a filter that leaves a column out.

Every list page writes the same ``<thead>`` around different names; the tag keeps the
markup (``scope="col"`` for screen readers, the numeric class that right-aligns counts)
in one partial, ``templates/common/table_head.html``, so a page names only its columns.
``{% table %}`` keeps the rest of a table's frame (the region that scrolls it on a narrow
screen, its caption, its header row and body) in ``templates/common/table.html``, so a
page writes only its rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template.base import FilterExpression, Parser, Token, token_kwargs
from django.template.context import Context
from django.template.loader import render_to_string

register = template.Library()


def _headers(names: Iterable[str | None], numeric: str, hidden: str) -> list[dict[str, object]]:
    numbers = set(numeric.split("|")) if numeric else set()
    unseen = set(hidden.split("|")) if hidden else set()
    return [
        {"name": name, "numeric": name in numbers, "hidden": name in unseen}
        for name in names
        if name is not None
    ]


@register.inclusion_tag("common/table_head.html")
def table_head(
    *names: str | None, numeric: str = "", hidden: str = "", stack: bool = False
) -> dict[str, object]:
    """The header row naming ``names``, in order.

    ``numeric`` and ``hidden`` list names (separated by ``|``) of columns that hold
    numbers (aligned right) or whose name only screen readers need (a column of links).
    A name of None is a column left out (:func:`column_if`); an empty one is a column
    without a heading. ``stack`` is for a table that stacks on a phone
    (``locus-table-stack``): the row and its headers say their roles, which the phone's
    layout would otherwise take from them.
    """
    return {"headers": _headers(names, numeric, hidden), "stack": stack}


_TABLE_OPTIONS = {
    "label",
    "caption",
    "caption_class",
    "columns",
    "leave_out",
    "numeric",
    "hidden",
    "empty",
    "stack",
}


_READ_OUT = "govuk-visually-hidden"


class TableNode(template.Node):
    def __init__(self, options: dict[str, FilterExpression], body: template.NodeList) -> None:
        self.options = options
        self.body = body

    def render(self, context: Context) -> str:
        given = {name: value.resolve(context) for name, value in self.options.items()}
        # As numeric and hidden are read (_headers): none named, none left out, not a column
        # without a heading (named "") left out.
        leave_out = str(given.get("leave_out") or "")
        left_out = set(leave_out.split("|")) if leave_out else set()
        caption = given.get("caption")
        frame = {
            "label": given["label"],
            "caption": caption or given["label"],
            "caption_class": given.get("caption_class", _READ_OUT) if caption else _READ_OUT,
            "headers": _headers(
                [name for name in str(given["columns"]).split("|") if name not in left_out],
                given.get("numeric", ""),
                given.get("hidden", ""),
            ),
            "body": self.body.render(context),
            "empty": given.get("empty", ""),
            "stack": bool(given.get("stack")),
        }
        return render_to_string("common/table.html", frame)


@register.tag("table")
def table(parser: Parser, token: Token) -> TableNode:
    """A table around its rows, up to ``{% endtable %}``: ``{% table label="Versions"
    caption="Versions, newest first" columns="Version|When|What changed" %}``.

    ``label`` names the scrolling region to screen readers; ``caption`` (the label when not
    given or empty) is read by screen readers only unless ``caption_class`` says how to show
    it; ``columns`` names the columns, separated by ``|``, ``leave_out`` those of them this
    table leaves out (``hide_place|yesno:"Where,"``), and ``numeric`` and ``hidden`` are as
    :func:`table_head` takes them. ``empty`` is what the table says, in one row across every
    column it shows, when its rows draw nothing. ``stack=True`` makes a table that shows each
    row as a block on a phone (``locus-table-stack`` in locus.css): its rows then give each
    ``<tr>`` ``role="row"`` and each ``<td>`` ``role="cell"`` and its column's name as
    ``data-label``.
    """
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits or not {"label", "columns"} <= options.keys() <= _TABLE_OPTIONS:
        raise template.TemplateSyntaxError(
            "{% table %} takes label and columns, and may take " + ", ".join(sorted(_TABLE_OPTIONS))
        )
    body = parser.parse(("endtable",))
    parser.delete_first_token()
    return TableNode(options, body)


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
