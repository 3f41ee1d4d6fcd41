from __future__ import annotations

from django import forms

from locus.access.models import Worker
from locus.common.forms import GovukForm


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Enter the code"},
    )

    def __init__(self, *args: object, help_text: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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

    def __init__(self, *args: object, workers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
