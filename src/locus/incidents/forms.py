from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm, date_field
from locus.incidents.models import IncidentKind

# The filter takes the ISO form its links carry, and a typed dd/mm/yyyy (not yy).
_FILTER_DATE: dict[str, Any] = {
    "example": "31/03/2026",
    "formats": ["%Y-%m-%d", "%d/%m/%Y"],
    "required": False,
}


class IncidentFilterForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any"), *IncidentKind.choices]
    )
    since = date_field("From", "the from date", **_FILTER_DATE)
    until = date_field("To", "the to date", **_FILTER_DATE)

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
