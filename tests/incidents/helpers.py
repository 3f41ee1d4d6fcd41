"""What the incident pages' tests share."""

from __future__ import annotations

from typing import Any

from django import forms


def as_posted(form: forms.Form, **changes: Any) -> dict[str, Any]:
    """An incident form's answers as its page posts them back (the date and time as
    typed, an unticked box as nothing), with ``changes``."""
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        occurred_on=form["occurred_on"].value().strftime("%d/%m/%Y"),
        occurred_time=form["occurred_time"].value().strftime("%H:%M"),
        **changes,
    )
    return data
