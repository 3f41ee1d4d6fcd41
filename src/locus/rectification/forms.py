"""The forms of the dispute and objection pages. They parse; the rules (the account given, the
item the person's, the decision's reason) are ``rectification.services``', whose messages land
on these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm, ListSearch, choose_one, date_field, text_area
from locus.rectification.models import ObjectionDecision, Outcome, ReceivedHow


def _radios(label: str, choices: list[tuple[str, str]], required: str) -> forms.ChoiceField:
    """One choice to make, drawn as radios (few options, each read in full)."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


def _received_how() -> forms.ChoiceField:
    return _radios("How was it received?", ReceivedHow.choices, "Choose how it was received")


def _decision(*options: Outcome | ObjectionDecision, required: str) -> forms.ChoiceField:
    """The decision: one of ``options`` (never back to "open")."""
    return _radios("Decision", [(o.value, str(o.label)) for o in options], required)


class DisputeForm(GovukForm):
    account = text_area(
        "The person's account, in their own words",
        rows=8,
        help_text="Write what they said or wrote, as they put it: it is shown with the record.",
    )
    received_how = _received_how()
    received_on = date_field("Received on", "the date it was received")

    def __init__(
        self, *args: Any, items: list[tuple[str, str]], search: ListSearch, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        about = choose_one(
            "What does the person say is wrong?",
            items,
            required="Choose what the person disputes",
            placeholder="Choose the record or an item in it",
        )
        about.error_messages["invalid_choice"] = "Choose what the person disputes from the list"
        self.put_first(about=about)
        self.narrow(search)


class DisputeDecisionForm(GovukForm):
    outcome = _decision(
        Outcome.CORRECTED,
        Outcome.NOT_CORRECTED,
        required="Choose whether the record was corrected",
    )
    correction = text_area("If corrected: what was changed")
    reason = text_area(
        "If not corrected: why",
        help_text="The person is told why; their statement stays with the record.",
    )


class ObjectionForm(GovukForm):
    grounds = text_area("The person's grounds, in their own words", rows=8)
    received_how = _received_how()
    received_on = date_field("Received on", "the date it was received")


class ObjectionDecisionForm(GovukForm):
    decision = _decision(
        ObjectionDecision.STOPPED, ObjectionDecision.CONTINUES, required="Choose the decision"
    )
    reason = text_area(
        "Reason",
        rows=5,
        help_text="To continue: the compelling legitimate grounds that override the person's "
        "interests. To stop: what processing stopped.",
    )
