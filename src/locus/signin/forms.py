from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from locus.access.models import Worker
from locus.common.forms import GovukForm


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Enter the code"},
    )

    def __init__(self, *args: Any, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.help_text = help_text
        field.widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "govuk-input govuk-input--width-10",
                "aria-describedby": "id_code-hint",
            }
        )


class ResetForm(GovukForm):
    worker = forms.ModelChoiceField(
        label="Worker",
        queryset=Worker.objects.none(),
        empty_label="Choose a worker",
        error_messages={"required": "Choose the worker whose second factor to reset"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example: lost phone, reported to the service desk (ticket 1234).",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the second factor is being reset"},
    )

    def __init__(self, *args: Any, workers: QuerySet[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = workers


class OwnPasswordForm(GovukForm):
    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    def clean_password2(self) -> str:
        password2 = str(self.cleaned_data.get("password2") or "")
        if password2 != self.cleaned_data.get("password"):
            raise forms.ValidationError("Enter the same password twice")
        return password2
