from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from locus.common.errors import ValidationFailed
from locus.common.forms import (
    GovukForm,
    answers,
    choose_one,
    confidence_choice,
    date_field,
    source_choice,
    text_area,
)
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.incidents.services import NO_PLACE_REFUSED, needs_place
from locus.people.models import Person
from locus.people.picker import Picker, pick_fields
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
        d = answers(self)
        return {"kind": d.get("kind") or "", "since": d.get("since"), "until": d.get("until")}


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
    ``place_withheld``: the incident is at a home the worker may not see; the form has no
    place field (the page says it was a home, never which) and the place stays as it is.
    """

    # Required for every kind but a missing episode (services.needs_place): checked in
    # clean(), so an empty form shows this problem beside the others, as the service would.
    context = forms.ChoiceField(
        label="Where it happened",
        required=False,
        help_text="Only a missing episode may be left without a place, when where the young"
        " person was is not known",
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
        self,
        *args: Any,
        places: list[Context],
        may_restrict: bool,
        place_withheld: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.places = {str(c.pk): c for c in places}
        self.place_withheld = place_withheld
        place = self.fields["context"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = [("", "Choose a place")] + [
            (str(c.pk), f"{c.name} ({c.get_kind_display().lower()})") for c in places
        ]
        place.error_messages["invalid_choice"] = "Choose a place you can see from the list"
        if not may_restrict:
            del self.fields["restricted"]
        if place_withheld:
            del self.fields["context"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_place = not data.get("context") and "context" not in self.errors
        no_place = no_place and not self.place_withheld
        if no_place and needs_place(data.get("kind") or ""):
            self.add_error("context", NO_PLACE_REFUSED)
        return data

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
            "occurred_at": occurred_at,
            "kind": d["kind"],
            "summary": d.get("summary", ""),
            "source": d["source"],
            "confidence": d["confidence"],
        }
        if "context" in self.fields:
            values["context"] = self.places[d["context"]] if d.get("context") else None
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
    """A new incident, and each person involved with their role: ``rows`` pairs of answers
    (person_1, role_1...), blank rows skipped; each person found by name and chosen
    (``people/picker.py``), among those the worker may name."""

    def __init__(self, *args: Any, rows: int, picker: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.picker = picker
        self.FIELD_OF = {**self.FIELD_OF, "involvements": "person_1"}
        for i in range(1, self.rows + 1):
            pick_fields(self, f"person_{i}", label=f"Person {i}")
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=f"Person {i}'s role",
                required=False,
                choices=[("", "Choose a role"), *InvolvementRole.choices],
            )
            self.fields[f"role_{i}"].widget.attrs["class"] = "govuk-select"
        self.picks = picker.bind(self)

    def row_fields(self) -> list[tuple[int, Any, Any]]:
        return [(i, self.picks[f"person_{i}"], self[f"role_{i}"]) for i in range(1, self.rows + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, self.rows + 1):
            pid, role = data.get(f"person_{i}"), data.get(f"role_{i}")
            if pid and not role:
                self.add_error(f"role_{i}", "Choose their role")
            if role and not pid and f"person_{i}" not in self.errors:
                self.add_error(f"person_{i}", "Find and choose the person, or leave the role empty")
        return data

    def involvements(self) -> list[tuple[Person, str]]:
        d = self.cleaned_data
        return [
            (person, d[f"role_{i}"])
            for i in range(1, self.rows + 1)
            if (person := self.picker.person(d.get(f"person_{i}"))) and d.get(f"role_{i}")
        ]


def rows_asked(posted: Any) -> int:
    """How many person rows the record form shows: two to begin with, one more each time
    "Add another person" is pressed (the answers so far kept), at most :data:`ROW_LIMIT`."""
    try:
        rows = int(posted.get("rows", "2"))
    except ValueError:
        rows = 2
    rows = rows + 1 if "add_row" in posted else rows
    return max(1, min(rows, ROW_LIMIT))


class IncidentAmendForm(IncidentFields):
    reason = _reason(
        "Why are you amending it?",
        "Say why you are amending it",
        "The version before is kept, with your reason, in the incident's history",
    )


ROLES = InvolvementRole.choices


class InvolvementAddForm(GovukForm):
    role = choose_one(
        "Their role", ROLES, placeholder="Choose a role", required="Choose their role"
    )
    reason = _reason("Why are you adding them now?", "Say why you are adding them")

    def __init__(self, *args: Any, picker: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_fields(self, "person", label="Person", required="Find and choose the person")
        self.order_fields(["person", "person_name", "person_born"])
        self.picker = picker
        picker.bind(self)

    def person(self) -> Person | None:
        return self.picker.person(self.cleaned_data.get("person"))


class InvolvementRemoveForm(GovukForm):
    reason = _reason(
        "Why are you removing them?",
        "Say why you are removing them",
        "They stay in the incident's history, with your reason",
    )
