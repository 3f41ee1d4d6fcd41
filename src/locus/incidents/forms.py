from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from locus.common.errors import ValidationFailed
from locus.common.forms import (
    GovukForm,
    choose_one,
    confidence_choice,
    date_field,
    source_choice,
    text_area,
)
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.people.models import Person
from locus.places.models import Context

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


def _locus_number(*, required: bool) -> forms.IntegerField:
    """A person named by their Locus number (on their page): never a list of everyone."""
    typed = "Enter the person's Locus number, like 1042"
    return forms.IntegerField(
        label="Locus number",
        required=required,
        min_value=1,
        help_text="The number at the end of their page's address: 1042 in /people/1042/",
        error_messages={
            "required": "Enter the person's Locus number",
            "invalid": typed,
            "min_value": typed,
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-5"}
        ),
    )


def _reason(label: str, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required},
    )


ROW_LIMIT = 12  # people on one form; more are added from the incident's page


class IncidentFields(GovukForm):
    """What an incident records, whether new or amended.

    ``places`` are those the worker may see: a place they may not see is not offered and, if
    posted anyway, is refused on the field in the same words as one that does not exist.
    """

    context = forms.ChoiceField(
        label="Where it happened", error_messages={"required": "Say where it happened"}
    )
    occurred_on = date_field("Date", "the date it happened", example="27/03/2026")
    occurred_time = forms.TimeField(
        label="Time",
        help_text="24-hour clock, for example 17:30",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": "Enter the time it happened",
            "invalid": "Enter the time like 17:30",
        },
        widget=forms.TimeInput(format="%H:%M"),
    )
    kind = choose_one(
        "Kind of incident",
        IncidentKind.choices,
        placeholder="Choose a kind",
        required="Choose the kind of incident",
    )
    summary = text_area("Summary", rows=5)
    source = source_choice()
    confidence = confidence_choice()
    restricted = forms.BooleanField(
        label="Restricted: police intelligence, seen only within your agency",
        required=False,
    )

    SHOWN = ("context", "occurred_on", "occurred_time", "kind", "summary", "source", "confidence")

    # Service messages name the model's fields; these are where they show on the form.
    FIELD_OF = {"occurred_at": "occurred_on"}

    def __init__(
        self, *args: Any, places: list[Context], may_restrict: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.places = {str(c.pk): c for c in places}
        place = self.fields["context"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = [("", "Choose a place")] + [
            (str(c.pk), f"{c.name} ({c.get_kind_display().lower()})") for c in places
        ]
        place.error_messages["invalid_choice"] = "Choose a place you can see from the list"
        if not may_restrict:
            del self.fields["restricted"]

    def incident_fields(self) -> list[Any]:
        """The incident's own fields in page order (the restricted flag where offered)."""
        return [self[name] for name in (*self.SHOWN, "restricted") if name in self.fields]

    def incident_values(self) -> dict[str, Any]:
        """The cleaned answers as the services take them."""
        d = self.cleaned_data
        occurred_at = None
        if d.get("occurred_on") and d.get("occurred_time"):
            occurred_at = timezone.make_aware(
                dt.datetime.combine(d["occurred_on"], d["occurred_time"])
            )
        values = {
            "context": self.places[d["context"]],
            "occurred_at": occurred_at,
            "kind": d["kind"],
            "summary": d.get("summary", ""),
            "source": d["source"],
            "confidence": d["confidence"],
        }
        if "restricted" in self.fields:
            values["restricted"] = d.get("restricted", False)
        return values

    def show_refusal(self, error: ValidationFailed, elsewhere: str | None = None) -> None:
        """Put a service's messages on the fields showing them (``elsewhere`` for the rest)."""
        errors = {}
        for name, messages in error.errors.items():
            field = self.FIELD_OF.get(name, name)
            errors[field if field in self.fields else (elsewhere or "__all__")] = messages
        self.add_domain_errors(ValidationFailed(errors))


class IncidentRecordForm(IncidentFields):
    """A new incident, and each person involved with their role: ``rows`` pairs of fields
    (person_1, role_1...), blank rows skipped; the person is typed as their Locus number."""

    def __init__(
        self,
        *args: Any,
        rows: int,
        nameable: Callable[[set[int]], dict[int, Person]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = max(1, min(rows, ROW_LIMIT))
        self.nameable = nameable
        self.FIELD_OF = {**self.FIELD_OF, "involvements": "person_1"}
        for i in range(1, self.rows + 1):
            self.fields[f"person_{i}"] = _locus_number(required=False)
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label="Their role",
                required=False,
                choices=[("", "Choose a role"), *InvolvementRole.choices],
            )
        self.people: dict[int, Person] = {}

    def row_fields(self) -> list[tuple[int, Any, Any]]:
        return [(i, self[f"person_{i}"], self[f"role_{i}"]) for i in range(1, self.rows + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        asked = {data[f"person_{i}"] for i in range(1, self.rows + 1) if data.get(f"person_{i}")}
        self.people = self.nameable(asked) if asked else {}
        for i in range(1, self.rows + 1):
            pid, role = data.get(f"person_{i}"), data.get(f"role_{i}")
            if pid and pid not in self.people:
                # The same words whether the number is unknown or the person out of sight.
                self.add_error(f"person_{i}", "You cannot name this person: check the number")
            if pid and not role:
                self.add_error(f"role_{i}", "Choose their role")
            if role and not pid and f"person_{i}" not in self.errors:
                self.add_error(
                    f"person_{i}", "Enter the person's Locus number, or leave the role empty"
                )
        return data

    def involvements(self) -> list[tuple[Person, str]]:
        d = self.cleaned_data
        return [
            (self.people[d[f"person_{i}"]], d[f"role_{i}"])
            for i in range(1, self.rows + 1)
            if d.get(f"person_{i}") and d.get(f"role_{i}")
        ]


class IncidentAmendForm(IncidentFields):
    reason = _reason(
        "Why are you amending it?",
        "Say why you are amending it",
        "The version before is kept, with your reason, in the incident's history",
    )


ROLES = InvolvementRole.choices


class InvolvementAddForm(GovukForm):
    person = _locus_number(required=True)
    role = choose_one(
        "Their role", ROLES, placeholder="Choose a role", required="Choose their role"
    )
    reason = _reason("Why are you adding them now?", "Say why you are adding them")


class InvolvementRemoveForm(GovukForm):
    reason = _reason(
        "Why are you removing them?",
        "Say why you are removing them",
        "They stay in the incident's history, with your reason",
    )
