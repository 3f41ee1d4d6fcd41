from __future__ import annotations

from django import forms

from locus.api.services import NAME_LIMIT
from locus.common.forms import date_field
from locus.sharing.forms import SharePurposeForm


class TokenForm(SharePurposeForm):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, so you can tell your tokens apart. "
        "For example, team dashboard.",
        max_length=NAME_LIMIT,
        error_messages={"required": "Enter a name for the token"},
    )
    expires_on = date_field(
        "Expiry date (optional)",
        "the expiry date",
        hint="The token stops working at the end of this day. Leave empty for none. ",
        required=False,
    )
