from __future__ import annotations

from django import forms

from locus.people.models import LegalStatus, PersonKind
from locus.people.selectors import PeopleFilter


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Name, LA child ID or UPN", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any"), *PersonKind.choices]
    )
    status = forms.ChoiceField(
        label="Open legal status", required=False, choices=[("", "Any"), *LegalStatus.choices]
    )
    age_from = forms.IntegerField(label="Age from", required=False, min_value=0, max_value=120)
    age_to = forms.IntegerField(label="Age to", required=False, min_value=0, max_value=120)
    mine = forms.BooleanField(label="Only my caseload", required=False)
    team = forms.BooleanField(label="Only my team's cases", required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        a, b = data.get("age_from"), data.get("age_to")
        if a is not None and b is not None and a > b:
            self.add_error("age_to", "Age to must be the same as or more than age from")
        return data

    def to_filter(self) -> PeopleFilter:
        if not self.is_bound or not self.is_valid():
            return PeopleFilter()
        d = self.cleaned_data
        return PeopleFilter(
            q=d.get("q") or "",
            kind=d.get("kind") or "",
            status=d.get("status") or "",
            age_from=d.get("age_from"),
            age_to=d.get("age_to"),
            mine=bool(d.get("mine")),
            team=bool(d.get("team")),
        )
