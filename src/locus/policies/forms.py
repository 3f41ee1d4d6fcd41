from __future__ import annotations

from django import forms

from locus.common.forms import GovukForm
from locus.policies.services import MAX_SUMMARY, MAX_TEXT, MAX_TITLE


class PolicyForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=MAX_TITLE, error_messages={"required": "Enter the title"}
    )
    text = forms.CharField(
        label="Text of the policy",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Plain text; a blank line starts a new paragraph.",
        error_messages={"required": "Enter the policy's text"},
    )
    summary = forms.CharField(
        label="What changed in this version?",
        max_length=MAX_SUMMARY,
        help_text="Workers read this in the policy's history.",
        error_messages={"required": "Say what changed in this version"},
    )
