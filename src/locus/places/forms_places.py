"""The forms that add, edit and merge places.

Forms only parse; the rules (a real postcode, a platform for an online space, a route's
two ends, a home's household) live in ``places/services.py``, whose refusals come back
onto these fields. The one rule here is the page's own: a place on the ground is found
by a postcode or a map point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from locus.access.models import Agency
from locus.common.forms import GovukForm, choose_one, optional_text, text_area
from locus.places.models import PUBLIC_PLACE_KINDS, Context, ContextKind, Tenure

# The kinds the page offers, public places first, each saying what it is. A peer group is
# created from its own page.
KIND_CHOICES = [
    *((k.value, f"Public place: {k.label[0].lower()}{k.label[1:]}") for k in PUBLIC_PLACE_KINDS),
    (ContextKind.SCHOOL.value, "School"),
    (ContextKind.HOME.value, "Home"),
    (ContextKind.ONLINE.value, "Online space"),
    (ContextKind.ROUTE.value, "Route"),
]
# Kinds found on a map by a postcode or a point (a route by its ends or its description).
ON_THE_GROUND = frozenset(value for value, _ in KIND_CHOICES) - {
    ContextKind.ONLINE.value,
    ContextKind.ROUTE.value,
}


def _coordinate(label: str, hint: str = "") -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        help_text=hint,
        error_messages={"invalid": f"Enter the {label.lower()} as a number, like 51.5452"},
    )


def _postcode(label: str, hint: str) -> Any:
    return optional_text(label, max_length=8, hint=hint)


class PlaceFields(GovukForm):
    """What a place is, where it is, and (for a home) its household."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the place's name"},
        help_text="As workers and young people call it. A home whose address is withheld is "
        "named without it.",
    )
    description = text_area("Description (optional)")
    address = optional_text("Address (optional)", max_length=300)
    postcode = _postcode(
        "Postcode", "Checked against the postcode directory; the place is put on its point."
    )
    latitude = _coordinate("Latitude", "Instead of a postcode, a map point: for example 51.5452.")
    longitude = _coordinate("Longitude", "For example -0.0553.")
    end_postcode = _postcode("Where the route ends: postcode", "For a route only.")
    end_latitude = _coordinate("Where the route ends: latitude", "For a route only.")
    end_longitude = _coordinate("Where the route ends: longitude", "For a route only.")
    platform = optional_text(
        "Platform", max_length=100, hint="For an online space only: the app, game or website."
    )
    url = optional_text("Web address (optional)", max_length=300, hint="For an online space only.")
    tenure = forms.ChoiceField(
        label="Tenure",
        required=False,
        choices=[("", "Not recorded"), *Tenure.choices],
        help_text="For a home only.",
    )
    housing_provider = forms.ChoiceField(
        label="Housing provider",
        required=False,
        help_text="For a rented home: its landlord. The provider's staff see nothing through it.",
    )
    adult_care_needs = forms.BooleanField(
        label="An adult living here has care and support needs", required=False
    )
    adult_care_needs_note = optional_text(
        "What a visiting worker should know (optional)",
        max_length=300,
        hint="No diagnosis: for example, needs help with stairs.",
    )

    # Fields the page groups under a heading, in order, after the first ones.
    GROUPS: Sequence[tuple[str, tuple[str, ...]]] = (
        ("Where it is", ("address", "postcode", "latitude", "longitude")),
        ("For a route", ("end_postcode", "end_latitude", "end_longitude")),
        ("For an online space", ("platform", "url")),
        (
            "For a home: the household",
            (
                "tenure",
                "housing_provider",
                "adult_care_needs",
                "adult_care_needs_note",
                "address_withheld",
            ),
        ),
    )

    kind_fixed = ""

    def __init__(
        self, *args: Any, agencies: Sequence[Agency], may_withhold: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        provider: Any = self.fields["housing_provider"]
        provider.choices = [("", "None recorded"), *((k, a.name) for k, a in self.agencies.items())]
        provider.error_messages["invalid_choice"] = "Choose a housing provider from the list"
        if may_withhold:
            # Added after GovukForm styled the declared fields, so it is given its class here.
            self.fields["address_withheld"] = forms.BooleanField(
                label="Withhold the address: only the team holding a resident's case sees it",
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
            )

    def grouped(self) -> list[tuple[str, list[Any]]]:
        """The page's headed groups of bound fields (those the form has)."""
        return [
            (heading, [self[n] for n in names if n in self.fields])
            for heading, names in self.GROUPS
        ]

    def first(self) -> list[Any]:
        grouped = {n for _, names in self.GROUPS for n in names}
        return [self[n] for n in self.fields if n not in grouped]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or self.kind_fixed
        located = data.get("postcode") or data.get("latitude") is not None
        if kind in ON_THE_GROUND and not located and not self.errors.get("postcode"):
            self.add_error("postcode", "Enter a postcode, or a map point (latitude and longitude)")
        return data

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the service takes them."""
        data = dict(self.cleaned_data)
        data.pop("confirm_new", None)
        data["housing_provider"] = self.agencies.get(data.get("housing_provider") or "")
        for name in ("postcode", "end_postcode", "address", "platform", "url"):
            data[name] = data.get(name) or ""
        return data


class PlaceAddForm(PlaceFields):
    kind = choose_one(
        "What kind of place is it?", KIND_CHOICES, required="Choose what kind of place it is"
    )
    confirm_new = forms.BooleanField(
        label="None of these is the place: add it as a new one", required=False
    )

    field_order = ["kind", "name", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.RadioSelect(choices=KIND_CHOICES)

    def first(self) -> list[Any]:
        return [f for f in super().first() if f.name != "confirm_new"]


class PlaceEditForm(PlaceFields):
    """A place's details; what it is (its kind) is the data team's to change."""

    def __init__(self, *args: Any, context: Context, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind_fixed = context.kind


def place_initial(context: Context) -> dict[str, Any]:
    """A place's values as the edit form shows them."""
    names = [n for n in PlaceFields.base_fields] + ["address_withheld"]
    initial = {n: getattr(context, n) for n in names if n != "housing_provider"}
    initial["housing_provider"] = str(context.housing_provider_id or "")
    return initial


class MergeForm(GovukForm):
    kept = choose_one(
        "The place to keep", [], placeholder="Choose a place", required="Choose the place to keep"
    )
    reason = forms.CharField(
        label="Why are these the same place?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Kept with the merge, for whoever reads the place's history.",
    )

    def __init__(self, *args: Any, candidates: Sequence[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}
        kept: Any = self.fields["kept"]
        kept.choices = [("", "Choose a place")] + [
            (k, f"{c.name} ({c.get_kind_display()})") for k, c in self.candidates.items()
        ]
        kept.error_messages["invalid_choice"] = "Choose a place from those found"

    def chosen(self) -> Context:
        return self.candidates[self.cleaned_data["kept"]]
