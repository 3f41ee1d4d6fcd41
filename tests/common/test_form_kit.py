"""The GOV.UK form kit (templates/common/forms/): every kind of field, with and without an error.

Each control must be labelled (label ``for`` its id, or a legend for a group), its hint and error
message must be tied to it by ``aria-describedby``, and the error summary must link to the id of
the control (or a group's first input) so that following the link focuses where the answer goes.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from locus.common.forms import GovukForm

COLOURS = [("red", "Red"), ("green", "Green")]


class KitForm(GovukForm):
    text = forms.CharField(label="Name", help_text="As they give it")
    notes = forms.CharField(label="Notes", widget=forms.Textarea)
    summary = forms.CharField(label="Summary", max_length=200, widget=forms.Textarea)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose"), *COLOURS])
    rating = forms.ChoiceField(label="Rating", choices=COLOURS, widget=forms.RadioSelect)
    colours = forms.MultipleChoiceField(
        label="Colours", choices=COLOURS, widget=forms.CheckboxSelectMultiple, help_text="Any"
    )
    agreed = forms.BooleanField(label="Agreed")
    day = forms.DateField(label="Date", help_text="For example, 27/03/2026")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.add_error(None, "Something about the whole form")
        return data


FIELDS = ["text", "notes", "summary", "kind", "rating", "colours", "agreed", "day"]
GROUPS = {"rating", "colours"}


def render(form: forms.Form, name: str) -> str:
    return render_to_string("common/forms/field.html", {"field": form[name]})


def tag_with_id(html: str, id_: str) -> str:
    """The opening tag of the element whose id is ``id_``."""
    found = re.search(
        rf'<(input|textarea|select|fieldset)\b[^>]*\bid="{re.escape(id_)}"[^>]*>', html
    )
    assert found, f"no control with id {id_}"
    return found.group(0)


def described_by(html: str, tag: str) -> set[str]:
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    return set(found.group(1).split()) if found else set()


def group_tag(html: str) -> str:
    found = re.search(r"<fieldset\b[^>]*>", html)
    assert found
    return found.group(0)


@pytest.mark.parametrize("name", FIELDS)
def test_each_kind_is_labelled_and_tied_to_its_hint(name: str) -> None:
    form = KitForm()
    html = render(form, name)
    id_ = form[name].auto_id
    assert "govuk-form-group--error" not in html and "govuk-error-message" not in html
    if name in GROUPS:
        assert '<legend class="govuk-fieldset__legend' in html
        assert f'for="{id_}"' in html and f'for="{id_}-2"' in html  # each option labelled
        tag_with_id(html, id_)
        described = described_by(html, group_tag(html))
    else:
        assert '<label class="govuk-label' in html and f'for="{id_}"' in html
        described = described_by(html, tag_with_id(html, id_))
    hint = f"{id_}-hint"
    if form[name].help_text:
        assert f'id="{hint}"' in html and hint in described
    else:
        assert 'govuk-hint" id=' not in html and hint not in described


@pytest.mark.parametrize("name", FIELDS)
def test_each_kind_shows_its_error_tied_to_the_control(name: str) -> None:
    form = KitForm(data={})
    assert not form.is_valid()
    html = render(form, name)
    id_ = form[name].auto_id
    assert "govuk-form-group--error" in html
    error = re.search(rf'<p class="govuk-error-message" id="{id_}-error">(.*?)</p>', html, re.S)
    assert error and "This field is required." in error.group(1)
    assert '<span class="govuk-visually-hidden">Error:</span>' in error.group(1)
    tag = group_tag(html) if name in GROUPS else tag_with_id(html, id_)
    assert f"{id_}-error" in described_by(html, tag)
    if form[name].help_text:
        assert f"{id_}-hint" in described_by(html, tag)


def test_the_kinds_get_their_govuk_markup() -> None:
    form = KitForm(data={"rating": "green", "colours": ["red"], "agreed": "on"})
    assert 'id="id_rating-2" name="rating" type="radio" value="green" checked' in render(
        form, "rating"
    )
    assert 'type="checkbox" value="red" checked' in render(form, "colours")
    assert 'data-module="govuk-checkboxes"' in render(form, "agreed")
    assert "govuk-input--width-10" in tag_with_id(render(form, "day"), "id_day")
    count = render(form, "summary")
    assert 'data-module="govuk-character-count" data-maxlength="200"' in count
    assert 'id="id_summary-info"' in count
    assert {"id_summary-info"} <= described_by(count, tag_with_id(count, "id_summary"))
    assert "govuk-js-character-count" in tag_with_id(count, "id_summary")
    assert "govuk-character-count" not in render(form, "notes")


def test_a_select_can_be_drawn_as_radios() -> None:
    form = KitForm()
    html = render_to_string(
        "common/forms/choices.html", {"field": form["kind"], "kind": "radios", "small": True}
    )
    assert 'class="govuk-radios govuk-radios--small"' in html
    assert 'id="id_kind" name="kind" type="radio" value=""' in html
    assert 'id="id_kind-3" name="kind" type="radio" value="green"' in html


def test_the_error_summary_links_each_error_to_its_control() -> None:
    form = KitForm(data={})
    assert not form.is_valid()
    html = render_to_string("common/forms/error_summary.html", {"form": form})
    assert 'data-module="govuk-error-summary"' in html and 'role="alert"' in html
    assert "<li>Something about the whole form</li>" in html
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert links == [form[name].auto_id for name in FIELDS]
    page = "".join(render(form, name) for name in FIELDS)
    for id_ in links:  # every link lands on a control that takes focus
        assert re.search(rf'<(input|textarea|select)\b[^>]*\bid="{id_}"', page)


def test_no_error_summary_without_errors() -> None:
    assert render_to_string("common/forms/error_summary.html", {"form": KitForm()}).strip() == ""


def test_everything_is_escaped() -> None:
    class Hostile(GovukForm):
        pick = forms.ChoiceField(
            label="<b>Label</b>",
            help_text="<i>hint</i>",
            choices=[("<x>", "<script>alert(1)</script>")],
            widget=forms.RadioSelect,
        )

    html = render(Hostile(), "pick")
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
