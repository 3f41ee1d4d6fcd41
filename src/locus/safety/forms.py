"""The forms of safety mapping and context weighting. They parse; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from locus.common.forms import (
    GovukForm,
    date_field,
    optional_choice,
    optional_text,
    set_choices,
    text_area,
)
from locus.mapping.forms import place_choices, radios
from locus.places.models import Context
from locus.safety.models import MarkedPlace, Rating
from locus.safety.services import MAX_WEIGHTED

WEIGHTING_ROWS = 5
assert WEIGHTING_ROWS <= MAX_WEIGHTED


class SessionForm(GovukForm):
    held_on = date_field("Date of the session", "the date of the session")
    present = forms.CharField(
        label="Who was present besides the child?",
        help_text="For example, the child's youth worker and their mum for the first part.",
        error_messages={"required": "Say who was present besides the child"},
    )
    note = text_area("Note about the session (optional)", rows=3)


class _Said(GovukForm):
    """What the child said about a place: on marking it and on amending the mark."""

    rating = radios(
        "How safe does the child feel there?", "Choose red, amber or green", choices=Rating.choices
    )
    when = optional_text(
        "When? (optional)", max_length=300, hint="Times or days, as the child put it."
    )
    with_whom = optional_text("With whom? (optional)", max_length=300)
    why = text_area(
        "Why, in the child's own words",
        rows=3,
        help_text="Write what the child said, as they said it.",
    )

    def said(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k) or "" for k in ("rating", "when", "with_whom", "why")}


class MarkForm(_Said):
    context = optional_choice("A place known to Locus", "Choose a place from the list")
    description = optional_text(
        "Or describe the place in the child's words",
        max_length=200,
        hint="For example, the alley behind the chicken shop.",
    )
    postcode = optional_text("Postcode of the described place (optional)", max_length=10)
    field_order = ["context", "description", "postcode", "rating", "when", "with_whom", "why"]

    def __init__(self, *args: Any, places: Sequence[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = {str(c.pk): c for c in places}
        set_choices(self, "context", place_choices(self.places, "Not a place on the list"))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "context": self.places.get(data.get("context") or ""),
            "description": data.get("description") or "",
            "postcode": data.get("postcode") or "",
            **self.said(),
        }


class AmendForm(_Said):
    reason = text_area("Why is the mark amended?", rows=3)

    @classmethod
    def initial_for(cls, mark: MarkedPlace) -> dict[str, str]:
        return {k: getattr(mark, k) for k in ("rating", "when", "with_whom", "why")}

    def values(self) -> dict[str, Any]:
        return {**self.said(), "reason": self.cleaned_data.get("reason") or ""}


class _Weighting(GovukForm):
    decided_on = date_field("Date of the weighting", "the date of the weighting")

    def __init__(self, *args: Any, places: Sequence[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = {str(c.pk): c for c in places}
        choices = place_choices(self.places, "None")
        for n in range(1, WEIGHTING_ROWS + 1):
            set_choices(self, f"context_{n}", choices)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "decided_on": data.get("decided_on"),
            "items": [
                (self.places.get(data.get(f"context_{n}") or ""), data.get(f"reason_{n}") or "")
                for n in range(1, WEIGHTING_ROWS + 1)
            ],
        }


def _ranked_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for n in range(1, WEIGHTING_ROWS + 1):
        fields[f"context_{n}"] = optional_choice(
            "Context that matters most" if n == 1 else f"Context ranked {n}",
            "Choose a context from the list",
        )
        fields[f"reason_{n}"] = text_area(f"Why context {n} matters", rows=2)
    return fields


# The ranked rows are declared fields (so the form kit styles them), made in a loop.
WeightingForm: type[_Weighting] = type("WeightingForm", (_Weighting,), _ranked_fields())
