from __future__ import annotations

from typing import Any

from django import forms

from locus.access.fields import ALL_PERSON_FIELDS, PersonField, column_shown, role_fields
from locus.access.models import Worker
from locus.common.errors import ValidationFailed
from locus.common.forms import GovukForm, answers, date_field
from locus.people.models import (
    Ethnicity,
    Identifier,
    LegalStatus,
    Person,
    PersonKind,
    QueryOutcome,
    Sex,
)
from locus.people.selectors import PeopleFilter

# Identifiers the people search matches exactly, by their short names.
SEARCHABLE_IDS = {PersonField.LA_CHILD_ID: "LA child ID", PersonField.UPN: "UPN"}


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

    def __init__(self, *args: Any, viewer: Worker | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters on what the viewer's role may not see would answer it all the same.
        allowed = role_fields(viewer) if viewer is not None else ALL_PERSON_FIELDS
        if PersonField.LEGAL_STATUS not in allowed:
            del self.fields["status"]
        words = ["Name", *(label for f, label in SEARCHABLE_IDS.items() if f in allowed)]
        *rest, last = words
        self.fields["q"].label = f"{', '.join(rest)} or {last}" if rest else last

    def clean(self) -> dict:
        data = super().clean() or {}
        a, b = data.get("age_from"), data.get("age_to")
        if a is not None and b is not None and a > b:
            self.add_error("age_to", "Age to must be the same as or more than age from")
        return data

    def to_filter(self) -> PeopleFilter:
        d = answers(self)
        return PeopleFilter(
            q=d.get("q") or "",
            kind=d.get("kind") or "",
            status=d.get("status") or "",
            age_from=d.get("age_from"),
            age_to=d.get("age_to"),
            mine=bool(d.get("mine")),
            team=bool(d.get("team")),
        )


class PersonDetailsForm(GovukForm):
    """A person's details. Rules live in the service; this only parses."""

    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    known_as = forms.CharField(label="Known as (optional)", max_length=100, required=False)
    date_of_birth = date_field(
        "Date of birth", "the date of birth", example="27/03/2012", required=False
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices)
    ethnicity = forms.ChoiceField(label="Ethnicity (DfE code)", choices=Ethnicity.choices)
    la_child_id = forms.CharField(label="LA child ID (optional)", max_length=20, required=False)
    upn = forms.CharField(
        label="UPN (optional)",
        max_length=20,
        required=False,
        help_text="A check letter then 12 digits, for example J999200000006",
    )
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=12, required=False)

    def __init__(self, *args: Any, shown: frozenset[str] = ALL_PERSON_FIELDS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # A field the editor may not see is neither shown nor changed (the service changes
        # only the fields it is given): editing must not be a way to read it.
        for name in list(self.fields):
            if not column_shown(name, shown):
                del self.fields[name]

    @classmethod
    def for_person(cls, person: Person, shown: frozenset[str]) -> PersonDetailsForm:
        return cls(initial={name: getattr(person, name) for name in cls.base_fields}, shown=shown)


class IdentifierQueryForm(GovukForm):
    """Ask for a refused identifier to be checked; the identifier travels hidden from the
    change details page, so its refusals show at the top of the page."""

    field = forms.ChoiceField(choices=Identifier.choices, widget=forms.HiddenInput)
    value = forms.CharField(max_length=20, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Anything the person checking should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def add_domain_errors(self, error: ValidationFailed) -> None:
        for name, messages in error.errors.items():
            for message in messages:
                self.add_error("note" if name == "note" else None, message)
        self._mark_errors()


class IdentifierQueryCloseForm(GovukForm):
    # Drawn for a possible-duplicate request only; the service says when it is missing.
    outcome = forms.ChoiceField(
        label="What did you find?",
        choices=QueryOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text='Only "a different child" lets the worker who asked record the person.',
    )
    note = forms.CharField(
        label="What was done",
        help_text="The request is closed with this note, for the record.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
