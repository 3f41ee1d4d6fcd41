"""The words the lawful basis fieldset shows beside its choices (``sharing/_basis.html``)."""

from __future__ import annotations

from django import template

from locus.sharing.vocab import ARTICLE6_HINTS, CONSENT_WARNING

register = template.Library()


@register.simple_tag
def consent_warning() -> str:
    return CONSENT_WARNING


@register.simple_tag
def article6_meanings() -> list[tuple[str, str]]:
    return [(str(value.label), hint) for value, hint in ARTICLE6_HINTS.items()]
