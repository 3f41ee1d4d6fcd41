from __future__ import annotations

from typing import Any

from django import forms

from locus.access.models import Worker
from locus.common.forms import GovukForm, choose_one, date_field, text_area
from locus.linked.models import ReviewOutcome
from locus.linked.selectors import DEFAULT_WINDOW_DAYS, caseload_holders_for

MAX_WINDOW_DAYS = 365


class WindowField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Time window for being at the same place (days)",
            help_text=f"Between 1 and {MAX_WINDOW_DAYS}; usually {DEFAULT_WINDOW_DAYS}.",
            min_value=1,
            max_value=MAX_WINDOW_DAYS,
            required=False,
            initial=DEFAULT_WINDOW_DAYS,
            error_messages={
                "invalid": "Enter the time window as a whole number of days",
                "min_value": "The time window must be at least 1 day",
                "max_value": f"The time window can be at most {MAX_WINDOW_DAYS} days",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **kwargs,
        )


class _WindowForm(GovukForm):
    window = WindowField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def window_days(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data["window"]:
            return int(self.cleaned_data["window"])
        return DEFAULT_WINDOW_DAYS


class CaseloadLinksForm(_WindowForm):
    worker = forms.TypedChoiceField(
        label="Whose caseload", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, viewer: Worker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = caseload_holders_for(viewer)
        worker_field = self.fields["worker"]
        assert isinstance(worker_field, forms.TypedChoiceField)
        worker_field.choices = [
            (w.pk, "My caseload" if w.pk == viewer.pk else w.get_full_name() or w.username)
            for w in workers
        ]
        self.show_worker = len(workers) > 1


class BoroughLinksForm(_WindowForm):
    across_agencies = forms.BooleanField(
        label="Only clusters held by more than one agency", required=False
    )
    with_weaker = forms.BooleanField(
        label=(
            "Also join children linked only by weaker evidence (one associate in common, "
            "or being at the same places)"
        ),
        required=False,
    )

    def flag(self, name: str) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data[name])


class LinkReviewForm(GovukForm):
    outcome = choose_one(
        "What you found", ReviewOutcome.choices, required="Choose what you found", radios=True
    )
    reason = text_area("Reason", help_text="Required when the link is not relevant.")
    contacted_on = date_field(
        "Date you contacted the holder",
        "the date you contacted the holder",
        hint="Required when you contacted the holder. ",
        required=False,
    )
