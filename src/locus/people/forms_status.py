"""The forms of a child's legal-status pages: open, change and end an episode.

They only parse; the rules (which detail each status needs, the dates, the reasons, who
may) are the services' (``people.services``), whose messages land on these fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from locus.access.models import Agency
from locus.common.forms import GovukForm, choose_one, date_field, optional_choice, text_area
from locus.people.models import CPCategory, LACLegalStatus, LegalStatus

CODED_LAC_STATUSES = [(code, f"{code}: {label}") for code, label in LACLegalStatus.choices]


def _reason(label: str) -> forms.CharField:
    return text_area(label, max_length=500, help_text="Kept with the episode's history.")


# Each detail an episode may carry: what it is called, its codes, and the episode it is for.
DETAILS = {
    "cp_category": ("category", CPCategory.choices, "child protection plan"),
    "lac_legal_status": ("legal status", CODED_LAC_STATUSES, "looked-after child"),
}


def _detail(field: str) -> forms.ChoiceField:
    """The detail as a new episode is opened: left empty unless the episode is its kind."""
    what, codes, owner = DETAILS[field]
    return optional_choice(
        f"{what.capitalize()} of the {owner}",
        f"Choose a {what} from the list",
        choices=[("", f"Not a {owner}"), *codes],
        help_text=f"Only for a {owner}, and needed for one.",
    )


def _select(form: GovukForm, name: str, field: forms.Field) -> None:
    """Add a select the form builds for its case, styled as the declared ones are."""
    field.widget.attrs["class"] = "govuk-select"
    form.fields[name] = field


class EpisodeOpenForm(GovukForm):
    # Five statuses: radios, all in sight, none chosen until the worker chooses.
    status = choose_one(
        "Legal status", LegalStatus.choices, required="Choose the legal status", radios=True
    )
    cp_category = _detail("cp_category")
    lac_legal_status = _detail("lac_legal_status")
    start = date_field("Start date", "the start date")

    def __init__(self, *args: Any, agencies: Sequence[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The agency holding the episode is the worker's own; only an administrator (who has
        # none) chooses one, from ``agencies``.
        self.agencies = {str(a.pk): a for a in agencies}
        if agencies:
            names = [(pk, a.name) for pk, a in self.agencies.items()]
            required = "Choose the agency holding the episode"
            label, placeholder = "Agency holding the episode", "Choose an agency"
            _select(
                self, "agency", choose_one(label, names, required=required, placeholder=placeholder)
            )

    def chosen_agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data.get("agency", ""))


class EpisodeChangeForm(GovukForm):
    """The new category of a plan, or the new legal status of a looked-after child."""

    start = date_field(
        "Date of the change",
        "the date of the change",
        hint="The episode ends and the next begins on this day. ",
    )
    reason = _reason("Why it changed")

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The one detail this kind of episode has, asked for first.
        what, codes, _owner = DETAILS[field]
        others = dict(self.fields)
        self.fields.clear()
        required, placeholder = f"Choose the new {what}", f"Choose a {what}"
        new = choose_one(f"New {what}", codes, required=required, placeholder=placeholder)
        _select(self, field, new)
        self.fields.update(others)


class EpisodeEndForm(GovukForm):
    end = date_field("End date", "the end date")
    reason = _reason("Why it ended")
