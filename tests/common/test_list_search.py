"""The form kit's search of a long pick list (common.forms.ListSearch): which post is a search
and which a save, what it offers, and what its line says."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string

from locus.common.forms import GovukForm, ListSearch


@dataclass
class Item:
    pk: int
    name: str


ITEMS = [Item(i, f"Place {i:02d}") for i in range(1, 31)]


class ListForm(GovukForm):
    places = forms.MultipleChoiceField(
        label="Places", widget=forms.CheckboxSelectMultiple, error_messages={"required": "Pick"}
    )


def _form(query: str) -> tuple[ListForm, ListSearch, list[Item]]:
    data = QueryDict(query)
    search = ListSearch(data, "places", "places")
    offered = search.among(ITEMS, lambda i: i.name)
    form = ListForm(data)
    form.fields["places"].choices = [(str(i.pk), i.name) for i in offered]  # type: ignore[attr-defined]
    form.narrow(search)
    return form, search, offered


def _line(form: ListForm) -> str:
    html = render_to_string("common/forms/field.html", {"field": form["places"]})
    start = html.index('role="status">') + len('role="status">')
    return html[start : html.index("</p>", start)]


def test_find_with_new_words_is_a_search_neither_judged_nor_valid() -> None:
    form, search, offered = _form("narrow=places&places_search=place+1")
    assert search.finding and not form.is_valid() and not form.errors  # nothing chosen: no error
    assert [i.pk for i in offered] == list(range(10, 20))  # each word begins a word of the name
    assert _line(form) == "Showing all 10 matching &lsquo;place 1&rsquo;."


def test_find_with_the_search_unchanged_is_a_save() -> None:
    """Enter pressed in another box sends the first button, this Find: the worker meant to
    save, so the form is judged (and here refused: nothing chosen)."""
    form, search, _ = _form("narrow=places&places_search=place+1&places_searched=place+1")
    assert not search.finding and search.searched == "place 1"
    assert not form.is_valid() and form.errors == {"places": ["Pick"]}


def test_the_line_says_the_list_is_cut_and_keeps_a_choice_the_search_left_out() -> None:
    form, search, offered = _form("places=30")
    assert search.cut and [i.pk for i in offered][:2] == [30, 1] and len(offered) == 21
    assert _line(form) == (
        "Showing 20 of 30. Search to narrow the list. The one you chose stays on the list."
    )


def test_a_value_not_offered_is_not_kept_and_the_words_are_escaped() -> None:
    form, _, offered = _form("narrow=places&places_search=%3Cb%3E&places=99")
    assert offered == []
    assert _line(form).startswith("No places match &lsquo;&lt;b&gt;&rsquo;")


def test_each_word_searched_begins_a_word_of_the_label_whatever_the_case() -> None:
    """ "ann" finds Anna however her name is written, not Joanne (the letters inside another
    name); a word is letters and digits, in the search as in the label. Before, each word was
    found anywhere: "ann" found Joanne and Hannah, and "place 1" found Place 21."""
    people = [
        Item(1, "Anna Smith"),
        Item(2, "Smith, Anna"),
        Item(3, "Joanne Hannah"),
        Item(4, "Mary-Ann O'Brien"),
        Item(5, "ANNABEL JONES"),
    ]
    found = {
        words: [
            i.pk
            for i in ListSearch(QueryDict(f"narrow=p&p_search={words}"), "p", "people").among(
                people, lambda i: i.name
            )
        ]
        for words in ("ann", "smith+ann", "o'b", "obrien", "jo", "ANNA+jon", "nna")
    }
    assert found == {
        "ann": [1, 2, 4, 5],
        "smith+ann": [1, 2],
        "o'b": [4],
        "obrien": [],
        "jo": [3, 5],
        "ANNA+jon": [5],
        "nna": [],
    }


def test_enter_searches_the_list_whose_words_were_changed_and_else_saves() -> None:
    """Enter pressed in a box presses the form's hidden first button (``narrow=*``): with
    the search box's words changed since the page was drawn, a search (Enter pressed in the
    search box); with them unchanged, a save (Enter pressed in another box)."""
    form, search, _ = _form("narrow=*&places_search=place+1&places_searched=")
    assert search.finding and not form.is_valid() and not form.errors
    form, search, _ = _form("narrow=*&places_search=place+1&places_searched=place+1")
    assert not search.finding and form.errors == {"places": ["Pick"]}


def test_a_form_drawn_with_a_find_button_starts_with_the_button_enter_presses() -> None:
    """Only while the list shows its search: a short list has no Find for Enter to press."""
    long, _, _ = _form("")
    assert long.finds
    short = ListForm(QueryDict(""))
    search = ListSearch(None, "places", "places")
    short.fields["places"].choices = [  # type: ignore[attr-defined]
        (str(i.pk), i.name) for i in search.among(ITEMS[:3], lambda i: i.name)
    ]
    short.narrow(search)
    assert not short.finds
    page = render_to_string("common/form_page.html", {"form": long})
    form = page[page.index("<form") :]
    assert form.index('value="*"') < form.index('name="narrow" value="places"')
