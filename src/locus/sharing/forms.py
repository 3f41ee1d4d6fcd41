"""The lawful basis fieldset every share form asks (the form kit's part for sharing).

A form that shares subclasses :class:`BasisForm` (the basis) or :class:`SharePurposeForm`
(the basis and a purpose, for forms without one of their own), and its template includes
``sharing/_basis.html``, so every share form asks the same question in the same words.
"""

from __future__ import annotations

from typing import Any

from django import forms

from locus.access.models import Agency
from locus.common.forms import GovukForm, answers, date_field, set_choices
from locus.sharing.models import ShareKind
from locus.sharing.selectors import Filters
from locus.sharing.vocab import (
    CONDITION_HINT,
    GUIDANCE_LABEL,
    NOT_OFFERED,
    Article6,
    Basis,
    Condition,
    Duty,
)


def _radios(label: str, choices: Any, message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=hint,
        error_messages={"required": message, "invalid_choice": message},
    )


class BasisForm(GovukForm):
    article6 = _radios(
        "UK GDPR article 6 basis",
        Article6.choices,
        "Choose the UK GDPR article 6 basis for sharing",
        hint=NOT_OFFERED,
    )
    condition = _radios(
        "Special category or criminal offence data condition",
        Condition.choices,
        "Choose the condition for special category or criminal offence data, or say none is shared",
        hint=CONDITION_HINT,
    )
    duty = _radios(
        "Statutory duty or power",
        Duty.choices,
        "Choose the statutory duty or power",
        hint="The law the sharing serves. A power allows sharing; a duty requires the work.",
    )
    duty_other = forms.CharField(
        label="If other, which duty or power?", max_length=300, required=False
    )
    guidance = forms.BooleanField(label=GUIDANCE_LABEL, required=False)

    #: The fields ``sharing/_basis.html`` draws; a page drawing every field leaves them to it.
    basis_names = ("article6", "condition", "duty", "duty_other", "guidance", "share_purpose")

    def basis(self) -> Basis:
        data = self.cleaned_data
        return Basis(
            article6=data.get("article6", ""),
            condition=data.get("condition", ""),
            duty=data.get("duty", ""),
            duty_other=data.get("duty_other", ""),
            guidance=bool(data.get("guidance")),
        )

    @property
    def consent_chosen(self) -> bool:
        return self["article6"].value() == Article6.CONSENT


class SharePurposeForm(BasisForm):
    share_purpose = forms.CharField(
        label="What is the sharing for?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the sharing is for"},
    )


def basis_initial(basis: Basis) -> dict[str, object]:
    """A basis as a form's initial values (break-glass starts on vital interests)."""
    return {
        "article6": basis.article6,
        "condition": basis.condition,
        "duty": basis.duty,
        "duty_other": basis.duty_other,
        "guidance": basis.guidance,
    }


def basis_post(basis: Basis, purpose: str = "") -> dict[str, str]:
    """A basis as a posted form carries it (tests and the demo's browser runs)."""
    data = {k: str(v) for k, v in basis_initial(basis).items() if k != "guidance"}
    if basis.guidance:
        data["guidance"] = "on"
    if purpose:
        data["share_purpose"] = purpose
    return data


class RegisterFilterForm(GovukForm):
    """The register's filters: what kind of sharing, when, and with which agency."""

    kind = forms.ChoiceField(label="Kind", required=False, choices=())
    date_from = date_field("From", "the first day", required=False)
    date_to = date_field("To", "the last day", required=False)
    agency = forms.ChoiceField(label="Shared with agency", required=False, choices=())

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        set_choices(self, "kind", [("", "Any"), *ShareKind.choices])
        set_choices(self, "agency", [("", "Any"), *((k, a.name) for k, a in self.agencies.items())])

    def filters(self) -> Filters:
        data = answers(self)
        return Filters(
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            agency=self.agencies.get(data.get("agency") or ""),
        )

    def as_text(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        return {k: str(v)[:60] for k, v in self.data.items() if k in self.fields and v}
