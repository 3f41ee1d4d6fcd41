"""The auditor's search of the trail: by person, worker, record and date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps

from locus.audit.describe import KINDS, kind_of
from locus.audit.selectors import AuditFilter, worker_known
from locus.common.forms import GovukForm, optional_text
from locus.common.ids import as_id

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
SHOW = [("reads", "Records opened"), ("changes", "Changes")]


def record_type_choices() -> list[tuple[str, str]]:
    """Every kind of record the trail can hold: the described kinds and every
    Locus model (so a record type added since is searchable too)."""
    labels = set(KINDS) | {
        m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("locus.")
    }
    nouns = ((kind_of(label).noun, label) for label in labels)
    # The first letter made a capital, the rest as named ("API token", not "Api token").
    named = sorted((noun[:1].upper() + noun[1:], label) for noun, label in nouns)
    return [("", "Any"), *((label, noun) for noun, label in named)]


def _date_bound(label: str, example: str) -> forms.DateField:
    """One end of the period searched (optional)."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text=f"For example, {example}",
        error_messages={"invalid": f"{label} must be a real date, like {example}"},
    )


class AuditFilterForm(GovukForm):
    show = forms.ChoiceField(choices=SHOW, required=False, widget=forms.HiddenInput)
    person = optional_text(
        "Person ID",
        max_length=40,
        hint="Every read and change about this person, lists that showed them included",
    )
    worker = optional_text("Worker's username", max_length=150)
    record_type = forms.ChoiceField(label="Record type", required=False, choices=())
    record_id = optional_text("Record ID", max_length=40)
    date_from = _date_bound("From", "27/3/2026")
    date_to = _date_bound("To", "31/3/2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_type = self.fields["record_type"]
        assert isinstance(record_type, forms.ChoiceField)
        record_type.choices = record_type_choices()
        for name in ("person", "record_id"):
            self.fields[name].widget.attrs.update(inputmode="numeric", spellcheck="false")
        for name in ("person", "record_id", "date_from", "date_to", "worker"):
            width = "govuk-input--width-10" if name != "worker" else "govuk-input--width-20"
            self.fields[name].widget.attrs["class"] += f" {width}"

    def _id(self, name: str, words: str) -> int | None:
        value = self.cleaned_data.get(name) or ""
        if not value:
            return None
        number = as_id(value)
        if number is None:
            raise forms.ValidationError(f"{words} must be a number, like 1234")
        return number

    def clean_person(self) -> int | None:
        return self._id("person", "Person ID")

    def clean_record_id(self) -> int | None:
        return self._id("record_id", "Record ID")

    def clean_worker(self) -> str:
        username = (self.cleaned_data.get("worker") or "").strip()
        if username and not worker_known(username):
            raise forms.ValidationError("Worker's username: no worker has this username")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "To must be the same as or after from")
        if data.get("record_id") and not data.get("record_type"):
            self.add_error("record_type", "Choose the record type of the record ID")
        return data

    @property
    def which(self) -> str:
        return "changes" if self.data.get("show") == "changes" else "reads"

    def to_filter(self) -> AuditFilter | None:
        """The filter to apply, or None when the input is bad (the page shows why)."""
        if not self.is_bound:
            return AuditFilter()
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return AuditFilter(
            person=d.get("person"),
            worker=d.get("worker") or "",
            record_type=d.get("record_type") or "",
            record_id=d.get("record_id"),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )
