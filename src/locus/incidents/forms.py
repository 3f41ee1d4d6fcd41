from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm
from locus.incidents.models import IncidentKind


class IncidentFilterForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any"), *IncidentKind.choices]
    )
    since = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example, 31/03/2026",
        error_messages={"invalid": "Enter the from date as a date, like 31/03/2026"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example, 31/03/2026",
        error_messages={"invalid": "Enter the to date as a date, like 31/03/2026"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {"kind": d.get("kind") or "", "since": d.get("since"), "until": d.get("until")}
