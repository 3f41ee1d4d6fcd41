"""GOV.UK styling for Django forms, and domain errors mapped onto fields."""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.errors import ValidationFailed

_WIDGET_CLASSES: dict[type, str] = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes, error styles and hints' ids."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault(
                "class", _WIDGET_CLASSES.get(type(field.widget), "govuk-input")
            )
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def add_domain_errors(self, error: ValidationFailed) -> None:
        """Show a service's refusal on the fields it names (others at the top)."""
        for name, messages in error.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                base = attrs.get("class", "")
                if base and "--error" not in base:
                    attrs["class"] = f"{base} {base.split()[0]}--error"
