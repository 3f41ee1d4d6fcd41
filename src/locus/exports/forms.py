from __future__ import annotations

from typing import Any

from django import forms

from locus.common import clock
from locus.common.forms import GovukForm, date_field
from locus.exports.analysis import MIN_KEY_LENGTH
from locus.sharing.forms import SharePurposeForm


class AnalysisForm(GovukForm):
    key_name = forms.ChoiceField(label="Stored key", required=False, choices=())
    key = forms.CharField(
        label="Or your own key",
        required=False,
        max_length=200,
        help_text=(
            f"At least {MIN_KEY_LENGTH} characters. The same key gives the same pseudonyms in "
            "every extract; keep it safe, as Locus does not keep it."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key_name"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None: I give my own key"), *((k, k) for k in keys)]


class KeyForm(GovukForm):
    name = forms.CharField(
        label="Name of the new key",
        max_length=60,
        error_messages={"required": "Enter a name for the key"},
    )


class AnnexAForm(GovukForm):
    """The last day of the six months Annex A covers: today unless the manager says."""

    end = date_field(
        "Last day of the period",
        "the last day of the period",
        required=False,
        hint="The lists cover the six months up to and including this day (today if left empty). ",
    )

    def clean_end(self) -> Any:
        end = self.cleaned_data.get("end") or clock.today()
        if end > clock.today():
            raise forms.ValidationError("The last day of the period must be today or in the past")
        return end


class WhyForm(SharePurposeForm):
    """Why a list that names people is exported: asked before the file is made."""

    recipient = forms.CharField(
        label="Who will receive it, if anyone besides you? (optional)",
        max_length=200,
        required=False,
        help_text="A partner agency or a named person. Send it only as the "
        "information-sharing agreement allows.",
    )
