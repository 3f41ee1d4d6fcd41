"""The case note forms and the chronology's filters. They parse; the services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from locus.access.models import Worker
from locus.access.naming import present_label
from locus.common.forms import (
    DATE_FORMATS,
    ChoosingForm,
    GovukForm,
    ListSearch,
    date_field,
    required_text,
    set_choices,
    text_area,
    ticks,
    worker_label,
)
from locus.mapping.forms import radios
from locus.notes.models import CaseNote, NoteKind
from locus.notes.services import MAX_REASON, MAX_SUMMARY
from locus.people.models import Person

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _time_field() -> forms.TimeField:
    return forms.TimeField(
        label="Time of the contact (optional)",
        required=False,
        input_formats=TIME_FORMATS,
        help_text="In 24-hour time, for example, 14:30",
        error_messages={"invalid": "Enter the time of the contact like 14:30"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )


def _summary_field() -> forms.CharField:
    return forms.CharField(
        label="Summary",
        max_length=MAX_SUMMARY,
        help_text="One line: what the contact was about. It is what the chronology shows.",
        error_messages={
            "required": "Enter a summary",
            "max_length": f"The summary must be {MAX_SUMMARY} characters or fewer",
        },
    )


def _text_field() -> forms.CharField:
    return forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What you saw and heard, what the child said (in their words), what you did.",
        error_messages={"required": "Enter the note"},
    )


class NoteContentForm(GovukForm):
    """What a note says: written, or corrected."""

    kind = radios("Kind of contact", "Choose the kind of contact", choices=NoteKind.choices)
    kind_other = forms.CharField(
        label="If other, what kind of contact?",
        required=False,
        max_length=100,
        error_messages={"max_length": "This must be 100 characters or fewer"},
    )
    contact_on = date_field("Date of the contact", "the date of the contact")
    contact_at = _time_field()
    present = text_area(
        "Who else was present (optional)",
        help_text="Family members, carers and other people, with their relationship to the child.",
    )
    summary = _summary_field()
    text = _text_field()

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "kind_other": data.get("kind_other", ""),
            "contact_on": data["contact_on"],
            "contact_at": data.get("contact_at"),
            "present": data.get("present", ""),
            "summary": data["summary"],
            "text": data["text"],
        }


class NoteForm(NoteContentForm, ChoosingForm):
    present_workers = ticks("Workers present (optional)", "Choose workers from the list")
    children = ticks(
        "Children named in the note (optional)",
        "You may name only children you can see: choose from the list",
        help_text="Only children you may see are offered.",
    )
    field_order = [
        "kind",
        "kind_other",
        "contact_on",
        "contact_at",
        "present",
        "present_workers",
        "children",
        "summary",
        "text",
    ]

    def __init__(
        self,
        *args: Any,
        children: Sequence[Person],
        search: ListSearch,
        workers: Sequence[Worker],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer("children", children, lambda p: p.full_name)
        self.narrow(search)
        self.offer("present_workers", workers, lambda w: present_label(worker_label(w), w))

    def values(self) -> dict[str, Any]:
        return {
            **self.content(),
            "children": self.all_chosen("children"),
            "present_workers": self.all_chosen("present_workers"),
        }


class CorrectionForm(NoteContentForm):
    reason = required_text(
        "Why is the note corrected?",
        "Say why the note is corrected",
        max_length=MAX_REASON,
        hint="The old wording is kept and shown with the note, with your reason.",
    )

    @classmethod
    def initial_for(cls, note: CaseNote) -> dict[str, Any]:
        return {name: getattr(note, name) for name in cls.base_fields if name != "reason"}

    def values(self) -> dict[str, Any]:
        return {**self.content(), "reason": self.cleaned_data["reason"]}


class InErrorForm(GovukForm):
    reason = forms.CharField(
        label="Why was the note entered in error?",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example, written on the wrong child's record. The note stays, struck through."
        ),
        error_messages={"required": "Say why the note was entered in error"},
    )


class ChronologyFilterForm(GovukForm):
    kinds = ticks("Show", "Choose what to show from the list")
    start = date_field("From", "the first date to show", required=False, formats=DATE_FORMATS)
    end = date_field("To", "the last date to show", required=False, formats=DATE_FORMATS)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        error_messages={"invalid_choice": "Choose an order from the list"},
    )

    def __init__(self, *args: Any, kinds: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kinds", list(kinds))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last date must be on or after the first date")
        return data
