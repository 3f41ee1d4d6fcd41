"""The school roll's forms: adding a pupil and recording a leaver.

Forms only parse; the rules (a young person the worker sees, not already on the roll,
dates, a reason) live in ``places/services.py``, whose refusals come back onto these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm, choose_one, date_field, optional_text
from locus.people.models import Person
from locus.people.picker import choice_label
from locus.places.models import LeaveReason


class PupilAddForm(GovukForm):
    person = choose_one(
        "Young person",
        [],
        placeholder="Choose a young person",
        required="Choose the young person to add",
    )
    start = date_field("Start date", "the start date", hint="The first day on the roll. ")

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the young people found for this worker are offered, so only they can be posted.
        self.candidates = {str(p.pk): p for p in candidates}
        person: Any = self.fields["person"]
        person.choices = [("", "Choose a young person")] + [
            (key, choice_label(p)) for key, p in self.candidates.items()
        ]
        person.error_messages["invalid_choice"] = "Choose a young person from those found"

    def chosen(self) -> Person:
        return self.candidates[self.cleaned_data["person"]]


class PupilLeaveForm(GovukForm):
    end = date_field("Leaving date", "the leaving date", hint="The last day on the roll. ")
    leave_reason = choose_one(
        "Why did the pupil leave?", LeaveReason.choices, required="Choose why the pupil left"
    )
    leave_reason_detail = optional_text(
        "If other, say why", max_length=200, hint="Only needed when the reason is other."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leave_reason"].widget = forms.RadioSelect(choices=LeaveReason.choices)
