"""The GOV.UK table kit: ``{% table_head %}`` writes a table's header row from column names.

Each header is a column header to screen readers (``scope="col"``), counts are aligned right
with GOV.UK's numeric class, and a column named only for screen readers keeps its name
visually hidden rather than dropped.
"""

from __future__ import annotations

import pytest
from django.template import Context, Template
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
