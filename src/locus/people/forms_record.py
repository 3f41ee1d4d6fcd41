"""The forms of recording a person and their address. Rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from locus.access.models import Worker
from locus.common.forms import GovukForm, date_field, optional_text, text_area
from locus.people.forms import PersonDetailsForm
from locus.people.models import EndReason

# What a duplicate check asks, shown only when it found something.
CHECK_FIELDS = ("different_reason", "note")
ADDRESS_HINT = "House number, street and town, each on its own line"


def address_field() -> forms.CharField:
    return text_area("Address (optional)", max_length=300, help_text=ADDRESS_HINT)


def postcode_field(label: str = "Postcode (optional)") -> forms.CharField:
    return optional_text(label, max_length=10, hint="Checked against the UK postcode list")


class PersonRecordForm(PersonDetailsForm):
    """A new person's details, address and holder; the duplicate check's reason and note."""

    address = address_field()
    postcode = postcode_field()
    holder = forms.ChoiceField(label="Allocate to", required=False)
    different_reason = text_area(
        "Why is this a different person?",
        max_length=500,
        help_text="For example: a different school and address. Kept in the audit trail.",
    )
    note = text_area("Anything the data team should know (optional)", rows=3, max_length=2000)

    def __init__(self, *args: Any, holders: list[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holders = {str(w.pk): w for w in holders}
        if len(holders) > 1:
            choice = self.fields["holder"]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = [(pk, str(w)) for pk, w in self.holders.items()]
        else:  # a practitioner holds what they record: nothing to choose
            del self.fields["holder"]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in CHECK_FIELDS]

    def check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CHECK_FIELDS]

    def details(self) -> dict[str, Any]:
        """The person's fields, as the services take them."""
        extra = {"address", "postcode", "holder", *CHECK_FIELDS}
        return {k: v for k, v in self.cleaned_data.items() if k not in extra}

    def chosen_holder(self) -> Worker | None:
        return self.holders.get(self.cleaned_data.get("holder") or "")


class AddressForm(GovukForm):
    address = text_area("Address", max_length=300, help_text=ADDRESS_HINT)
    postcode = postcode_field("Postcode")
    reason = forms.ChoiceField(
        label="Why is the address changing?",
        choices=EndReason.choices,
        initial=EndReason.MOVED,
        widget=forms.RadioSelect,
    )
    start = date_field(
        "Living here since",
        "the date they moved in",
        hint="Not needed for a correction. ",
        required=False,
    )
