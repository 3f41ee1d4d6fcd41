"""The forms that set and remove a place's co-presence rule.

Forms only parse; the rules (a manager of a team, a reason, a window of 1 to 29 days only for
a narrower window) live in ``places/services.py``, whose refusals come back onto these fields.
"""

from __future__ import annotations

from django import forms

from locus.common.forms import GovukForm, choose_one, text_area
from locus.places.models import CoPresenceMode


class CoPresenceRuleForm(GovukForm):
    mode = choose_one(
        "What should being at this place around the same time count for?",
        CoPresenceMode.choices,
        required="Choose what the rule does",
        radios=True,
    )
    window_days = forms.IntegerField(
        label="Days, for a narrower window",
        required=False,
        help_text="Only for a narrower window: from 1 to 29 days between the two incidents.",
        error_messages={"invalid": "Enter the days as a whole number, like 3"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-3"}
        ),
    )
    reason = text_area(
        "Why does this place need the rule?",
        help_text="Every team's linked cases follow it: say what you know about the place.",
    )


class CoPresenceRemoveForm(GovukForm):
    reason = text_area("Why remove the rule?")
