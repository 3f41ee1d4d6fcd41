"""The forum forms' shared fields: one lawful basis question, one kind of text box."""

from __future__ import annotations

from django import forms

from locus.mapping.forms import (
    CancelForm,
    InterventionUpdateForm,
    ProposeForm,
    ShareForm,
    place_choices,
    radios,
    text_area,
)
from locus.panels.forms import PanelForm
from locus.sharing.forms import BasisForm
from locus.sharing.vocab import Article6


def test_every_forum_asks_the_same_lawful_basis_question() -> None:
    asking = (ProposeForm, ShareForm, PanelForm)
    assert all(issubclass(form, BasisForm) for form in asking)
    fields = [form.base_fields["article6"] for form in asking]
    assert {f.error_messages["required"] for f in fields} == {
        "Choose the UK GDPR article 6 basis for sharing"
    }
    assert all(list(f.choices) == list(Article6.choices) for f in fields)
    others = [form.base_fields["duty_other"] for form in asking]
    assert all(not f.required and f.max_length == 300 for f in others)


def test_a_text_area_is_required_only_with_a_message() -> None:
    optional = text_area("Notes (optional)", rows=5)
    assert not optional.required
    assert optional.widget.attrs["rows"] == 5
    reason = CancelForm.base_fields["reason"]
    assert reason.required and reason.error_messages["required"] == (
        "Say why the meeting is cancelled"
    )
    assert isinstance(reason.widget, forms.Textarea)


def test_place_choices_name_each_place_with_its_kind() -> None:
    class Place:
        name = "Rec ground"

        def get_kind_display(self) -> str:
            return "Open space"

    assert place_choices({"7": Place()}, "None") == [("", "None"), ("7", "Rec ground (Open space)")]  # type: ignore[dict-item]


def test_radios_answer_a_missing_or_unknown_choice_with_one_message() -> None:
    field = radios("Which?", "Choose one", choices=[("a", "A")])
    assert isinstance(field.widget, forms.RadioSelect)
    assert (
        field.error_messages["required"] == field.error_messages["invalid_choice"] == ("Choose one")
    )
    form = InterventionUpdateForm.base_fields["status"]
    assert form.error_messages["invalid_choice"] == "Choose the intervention's status"
