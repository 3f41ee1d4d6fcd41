from __future__ import annotations

from django import forms

from locus.common.forms import GovukForm, required_text
from locus.policies.services import MAX_SUMMARY, MAX_TEXT, MAX_TITLE


class PolicyForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=MAX_TITLE, error_messages={"required": "Enter the title"}
    )
    text = required_text(
        "Text of the policy",
        "Enter the policy's text",
        max_length=MAX_TEXT,
        rows=20,
        hint="Plain text; a blank line starts a new paragraph.",
    )
    summary = forms.CharField(
        label="What changed in this version?",
        max_length=MAX_SUMMARY,
        help_text="Workers read this in the policy's history.",
        error_messages={"required": "Say what changed in this version"},
    )
