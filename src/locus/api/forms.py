from __future__ import annotations

from django import forms

from locus.api.services import MAX_DAYS, NAME_LIMIT, REASON_LIMIT
from locus.common.forms import GovukForm, date_field, required_text
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
        "Expiry date",
        "the expiry date",
        hint=f"The token stops working at the end of this day, at most {MAX_DAYS} days "
        "from today. Make a new one then if it is still needed. ",
    )


class RevokeForm(GovukForm):
    """An administrator's revocation of another worker's token: why, in a line."""

    reason = required_text(
        "Why the token is revoked",
        "Enter why the token is revoked",
        max_length=REASON_LIMIT,
        rows=2,
        hint="For example, the worker has left, or the token was seen in a log. The worker "
        "is told this, and it is kept in the audit trail and the sharing register. Never a "
        "child's name.",
    )
