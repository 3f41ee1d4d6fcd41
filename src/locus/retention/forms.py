"""The retention pages' forms. They parse; the services decide."""

from __future__ import annotations

from django import forms

from locus.common.forms import GovukForm, choose_one, date_field, required_text
from locus.retention.models import HeldKind, HoldReason


def _said(label: str, *, hint: str, required: str) -> forms.CharField:
    """A few lines a worker must write (why, which proceedings), kept in the trail."""
    return required_text(label, required, max_length=2000, hint=hint)


class RuleForm(GovukForm):
    amount = forms.IntegerField(
        label="How long",
        min_value=1,
        error_messages={
            "required": "Enter how long the record is kept",
            "invalid": "Enter a whole number",
            "min_value": "Enter a whole number, 1 or more",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
    )
    reason = _said(
        "Why the rule is set so",
        hint=(
            "The policy or the decision it follows. It is kept with the rule and in the "
            "audit trail."
        ),
        required="Say why the rule is set so (the policy it follows)",
    )


class HoldForm(GovukForm):
    held_kind = choose_one(
        "What is held",
        HeldKind.choices,
        required="Choose whether a person or a context case is held",
        radios=True,
    )
    held_id = forms.CharField(
        label="Its record number",
        help_text="The number in the record's web address, for example 1234 in /people/1234/.",
        max_length=19,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"required": "Enter the record's number"},
    )
    reason = choose_one(
        "Why it must be kept",
        HoldReason.choices,
        required="Choose why the record must be kept",
        placeholder="Choose a reason",
    )
    detail = _said(
        "The proceedings",
        hint="A court or case reference and what is happening. Never the child's name.",
        required="Say which proceedings, by their reference",
    )
    review_on = date_field("Review the hold on", "the date the hold is to be reviewed")


class LiftForm(GovukForm):
    reason = _said(
        "Why the hold is lifted",
        hint=(
            "For example, the proceedings ended on a date. The record then follows its "
            "retention rule."
        ),
        required="Say why the hold is lifted",
    )


class PurgeForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have read the list: purge these records for good",
        error_messages={"required": "Tick the box to confirm you have read the list"},
    )
