"""Forms for visit plans, visits and a home's consent. Forms only parse: the rules (who may
be named, counts that add up, a reason for a refusal) live in ``outreach/services.py``,
whose refusals come back onto these fields."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from locus.access.models import Agency, Worker
from locus.casework.models import Referral
from locus.common.forms import (
    ChoosingForm,
    GovukForm,
    ListSearch,
    choose_one,
    date_field,
    optional_choice,
    optional_text,
    text_area,
    ticks,
)
from locus.incidents.models import Incident
from locus.mapping.forms import time_field
from locus.outreach.models import Consent, Guardian, Weekday
from locus.people.models import Person
from locus.places.models import Context

FROM_LIST = "Choose from the list"


def _time(label: str, *, required: bool = True) -> forms.TimeField:
    field = time_field()
    field.label = label
    field.required = required
    field.widget.attrs["class"] = "govuk-input govuk-input--width-5"
    return field


def _count(label: str, hint: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=500,
        help_text=hint,
        error_messages={"required": f"Enter {label.lower()}", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class PlanForm(ChoosingForm):
    context = choose_one(
        "Place to visit", [], required="Choose the place", placeholder="Choose a place"
    )
    purpose = text_area("What are the visits for?", rows=3)
    weekday = choose_one("Day of the week", Weekday.choices, required="Choose the day")
    every_weeks = choose_one(
        "How often",
        [("1", "Every week"), ("2", "Every two weeks"), ("4", "Every four weeks")],
        required="Choose how often",
    )
    start_time = _time("From")
    end_time = _time("Until")
    starts_on = date_field("First visit on or after", "the date of the first visit")
    ends_on = date_field("Last visit on or before (optional)", "the last date", required=False)
    workers = ticks("Workers who go", "Choose workers from the list")
    agencies = ticks("Agencies taking part (optional)", "Choose agencies from the list")
    partners = text_area(
        "Partners without a Locus account (optional)",
        help_text="One a line: name, role and organisation.",
    )

    def __init__(
        self,
        *args: Any,
        contexts: Sequence[Context],
        workers: Iterable[Worker],
        agencies: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer("context", contexts, lambda c: c.name, first="Choose a place")
        self.offer_workers("workers", workers)
        self.offer("agencies", agencies, lambda a: a.name)


class VisitForm(ChoosingForm):
    on = date_field(
        "Date of the visit",
        "the date of the visit",
        hint="A visit on a day the plan did not plan is recorded as an unplanned visit. ",
    )
    start_time = _time("From")
    end_time = _time("Until (optional)", required=False)
    went = ticks("Who went", "Choose workers from the list")
    went_others = optional_text(
        "Others who went (optional)", max_length=300, hint="Partners without an account, by name."
    )
    observed = text_area("What did you see?", rows=4)
    met_count = _count("Young people met", "How many young people you met, named or not.")
    engaged_count = _count("Young people engaged", "How many of them talked with you.")
    people = ticks(
        "Young people you can name (optional)",
        "Choose young people from the list",
        help_text="Only those whose records you see; the others are counted only.",
    )
    concerns = text_area("Concerns raised (optional)", rows=3)
    incident = optional_choice(
        "Incident recorded about a concern (optional)", "Choose from the list"
    )
    referral = optional_choice("Referral made about a concern (optional)", "Choose from the list")
    guardians = ticks("Guardians met (optional)", FROM_LIST, choices=Guardian.choices)
    guardians_note = optional_text("About the guardians met (optional)", max_length=300)

    def __init__(
        self,
        *args: Any,
        workers: Iterable[Worker],
        people: Sequence[Person],
        search: ListSearch,
        incidents: Sequence[Incident],
        referrals: Sequence[Referral],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer("went", workers)
        if people or search.searched:
            self.offer("people", people, lambda p: p.full_name)
            self.narrow(search)
        else:
            del self.fields["people"]
        self.offer("incident", incidents, first="None")
        self.offer("referral", referrals, first="None")


class MissedForm(GovukForm):
    on = date_field(
        "Date of the planned visit",
        "the date of the planned visit",
        hint="One of the plan's dates: a day not planned cannot be missed. ",
    )
    reason = text_area("Why was it missed?")


class EndForm(GovukForm):
    last_on = date_field(
        "Last visit on or before",
        "the date of the last visit",
        hint="Today, an earlier date or tomorrow. No visit after it is due. "
        "The visits recorded stay on the plan.",
    )
    reason = text_area("Why do the visits end?", rows=3)


class ConsentForm(GovukForm):
    consent = choose_one(
        "The household's consent to the protective work",
        Consent.choices,
        required="Choose given, refused or not sought",
        radios=True,
    )
    on = date_field("Date", "the date")
    reason = text_area(
        "Reason",
        help_text="Needed when consent was refused or not sought: why, and what goes on anyway.",
    )
