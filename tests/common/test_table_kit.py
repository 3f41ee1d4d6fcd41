"""The GOV.UK table kit: ``{% table_head %}`` writes a table's header row from column names.

Each header is a column header to screen readers (``scope="col"``), counts are aligned right
with GOV.UK's numeric class, and a column named only for screen readers keeps its name
visually hidden rather than dropped.
"""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import World, client_for


def head(tag: str, **context: object) -> str:
    return Template("{% load govuk_tables %}" + tag).render(Context(context)).strip()


def test_the_header_row_names_each_column_in_order() -> None:
    assert head('{% table_head "Name" "Kind" %}') == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th scope="col" class="govuk-table__header">Name</th>'
        '<th scope="col" class="govuk-table__header">Kind</th>'
        "</tr></thead>"
    )


def test_numeric_columns_are_aligned_right() -> None:
    html = head(
        '{% table_head "Meeting" "Agenda items" "Open actions" '
        'numeric="Agenda items|Open actions" %}'
    )
    assert '<th scope="col" class="govuk-table__header">Meeting</th>' in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Agenda items</th>'
        in html
    )
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Open actions</th>'
        in html
    )


def test_a_hidden_column_name_is_still_read_out() -> None:
    html = head('{% table_head "What" "Actions" hidden="Actions" %}')
    assert (
        '<th scope="col" class="govuk-table__header">'
        '<span class="govuk-visually-hidden">Actions</span></th>' in html
    )


def test_names_from_the_page_are_escaped() -> None:
    html = head('{% table_head "Person" role %}', role="Role in <b>the group</b>")
    assert "Role in &lt;b&gt;the group&lt;/b&gt;" in html
    assert "<b>" not in html


@pytest.mark.parametrize("page", ["meetings", "context-referrals", "context-cases", "contexts"])
def test_a_list_pages_header_row_stands_once_inside_its_table(world: World, page: str) -> None:
    """The list frame's blocks must not meet the base template's (its ``head`` is the <head>)."""
    html = client_for(world.social_worker).get(reverse(page)).content.decode()
    assert html.count("<thead") == 1
    assert html.index("<table") < html.index("<thead") < html.index("<tbody")


def test_a_table_is_drawn_around_its_rows() -> None:
    """``{% table %}``: the region that scrolls it (named to screen readers), the caption,
    the header row as ``{% table_head %}`` writes it, and the page's rows in the body."""
    html = head(
        '{% table label="Versions" caption="Versions, newest first" columns="Version|Count" '
        'numeric="Count" %}{% for n in numbers %}<tr><td>{{ n }}</td></tr>{% endfor %}'
        "{% endtable %}",
        numbers=[1, 2],
    )
    assert html.startswith(
        '<div class="locus-table-scroll" role="region" aria-label="Versions" tabindex="0">'
    )
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">Versions, newest first'
        "</caption>" in html
    )
    assert head('{% table_head "Version" "Count" numeric="Count" %}') in html
    assert '<tbody class="govuk-table__body"><tr><td>1</td></tr><tr><td>2</td></tr></tbody>' in html
    assert html.endswith("</table></div>")


def test_a_table_that_stacks_on_a_phone_says_each_part_s_role() -> None:
    """``stack=True``: the phone's layout (locus-table-stack) shows each row as a block, which
    takes a table part's role away in some browsers, so each part names it; its empty row too.
    Other tables are written as before."""
    html = head(
        '{% table label="Versions" columns="Version|Count" empty="None yet." stack=True %}'
        "{% endtable %}"
    )
    assert '<table class="govuk-table locus-table-stack" role="table">' in html
    assert (
        '<thead class="govuk-table__head" role="rowgroup"><tr class="govuk-table__row" role="row">'
        '<th scope="col" role="columnheader" class="govuk-table__header">Version</th>' in html
    )
    assert (
        '<tbody class="govuk-table__body" role="rowgroup"><tr class="govuk-table__row" role="row">'
        '<td class="govuk-table__cell" role="cell" colspan="2">None yet.</td></tr></tbody>' in html
    )
    plain = head('{% table label="Versions" columns="Version|Count" %}{% endtable %}')
    assert "role=" not in plain.replace('role="region"', "")
    assert '<table class="govuk-table">' in plain


def test_a_tables_caption_may_be_shown_and_defaults_to_its_label_read_out_only() -> None:
    tag = (
        '{% table label=name caption=caption caption_class="govuk-table__caption--s" '
        'columns="A" %}{% endtable %}'
    )
    html = head(tag, name="Uses <of> access", caption="3 uses")
    assert 'aria-label="Uses &lt;of&gt; access"' in html
    assert '<caption class="govuk-table__caption govuk-table__caption--s">3 uses</caption>' in html
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">Uses &lt;of&gt; access'
        "</caption>" in head(tag, name="Uses <of> access", caption="")
    )


def test_a_table_without_its_columns_is_a_mistake_in_the_template() -> None:
    with pytest.raises(TemplateSyntaxError, match="takes label and columns"):
        head('{% table label="Versions" %}{% endtable %}')
    with pytest.raises(TemplateSyntaxError, match="takes label and columns"):
        head('{% table label="Versions" columns="A" colour="red" %}{% endtable %}')


def test_a_table_with_no_rows_says_so_across_every_column_it_shows() -> None:
    tag = (
        '{% table label="Incidents" columns="When|Where|What" leave_out=leave '
        'empty="Nothing you can see." %}{% for r in rows %}<tr><td>{{ r }}</td></tr>{% endfor %}'
        "{% endtable %}"
    )
    assert '<td class="govuk-table__cell" colspan="3">Nothing you can see.</td>' in head(
        tag, rows=[], leave=""
    )
    shown = head(tag, rows=[], leave="Where")
    assert ">Where<" not in shown
    assert '<td class="govuk-table__cell" colspan="2">Nothing you can see.</td>' in shown
    assert "Nothing you can see." not in head(tag, rows=[1], leave="")


def test_an_empty_leave_out_leaves_out_no_column_not_even_one_without_a_heading() -> None:
    """A column of links has no heading (its name is empty): nothing to leave out leaves it
    in, as a name left out leaves it in too."""
    tag = (
        '{% table label="Incidents" columns="When|Where|" leave_out=leave %}'
        "<tr><td>1</td></tr>{% endtable %}"
    )
    assert head(tag, leave="").count('<th scope="col"') == 3
    assert head(tag, leave=None).count('<th scope="col"') == 3
    shown = head(tag, leave="Where")
    assert ">Where<" not in shown
    assert shown.count('<th scope="col"') == 2


def test_an_incident_table_without_its_place_column_says_none_across_the_columns_it_has() -> None:
    """A hotspot of one place leaves out the Where column; its empty row spanned five."""
    html = render_to_string(
        "incidents/_table.html", {"incident_rows": [], "involvements": {}, "hide_place": True}
    )
    assert ">Where<" not in html
    assert html.count('<th scope="col"') == 4
    none = '<td class="govuk-table__cell" role="cell" colspan="4">No incidents you can see.</td>'
    assert none in html
