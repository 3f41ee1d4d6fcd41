"""The GOV.UK form kit's one tag: a field's control, tied to its hint and error.

The partials in ``templates/common/forms/`` give every hint the id ``<field id>-hint``
and every error message ``<field id>-error``; this tag renders the control with an
``aria-describedby`` naming those that are shown, so a screen reader reads the hint
and the error with the control (WCAG 2.2 1.3.1, 3.3.1). It works for any Django form.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


def described_by(field: forms.BoundField, *extra: str) -> str:
    """The ids of the hint, the error message and ``extra`` shown with ``field``."""
    ids = [field.auto_id + "-hint"] if field.help_text else []
    ids.extend(field.auto_id + suffix for suffix in extra if suffix)
    if field.errors:
        ids.append(field.auto_id + "-error")
    return " ".join(ids)


@register.simple_tag
def govuk_control(field: forms.BoundField, extra: str = "", classes: str = "") -> SafeString:
    """``field``'s widget, described by its hint and error (and ``extra``, an id suffix).

    ``classes`` are added to the widget's own (a width for dates, the character count's hook).
    """
    attrs: dict[str, Any] = {}
    ids = described_by(field, extra)
    if ids:
        attrs["aria-describedby"] = ids
    if classes:
        attrs["class"] = f"{field.field.widget.attrs.get('class', '')} {classes}".strip()
    return field.as_widget(attrs=attrs)


@register.filter
def describedby(field: forms.BoundField) -> str:
    """The ``aria-describedby`` value for a group of radios or checkboxes."""
    return described_by(field)
