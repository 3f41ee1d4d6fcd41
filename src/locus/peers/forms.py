"""The peer group information capture form, its filters and the naming-rule purpose.

Forms only parse; the rules (one open record per peer, dates, who may record)
live in ``peers/services.py``, whose refusals come back onto these fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from locus.common.forms import (
    GovukForm,
    choose_one,
    confidence_choice,
    date_field,
    optional_text,
    source_choice,
    text_area,
)
from locus.common.services import today
from locus.peers.models import GroupRole, MapPurpose, Nature, Relationship
from locus.people.models import Person
from locus.people.picker import choice_label
from locus.places.models import Context

YES_NO_UNKNOWN = [("", "Not known"), ("yes", "Yes"), ("no", "No")]
OPEN_TO_HINT = (
    "Only for a peer not yet known to Locus. For a known peer, Locus works it out "
    "from their legal status."
)


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "") if value is not None else ""


def _open_to(service: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"Is the peer open to {service}?",
        choices=YES_NO_UNKNOWN,
        required=False,
        help_text=OPEN_TO_HINT,
    )


class RelationshipFields(GovukForm):
    """What is recorded about a peer, whether new or changed."""

    relationship = choose_one(
        "Relationship",
        Relationship.choices,
        placeholder="Choose a relationship",
        required="Choose the relationship",
    )
    nature = choose_one(
        "Nature of the relationship",
        Nature.choices,
        required="Say whether the relationship is protective, risky or unclear",
    )
    peer_role = choose_one(
        "The peer's role in the group",
        GroupRole.choices,
        required="Choose the peer's role in the group, or 'Unclear'",
    )
    open_to_social_care = _open_to("children's social care")
    open_to_youth_justice = _open_to("youth justice")
    contexts = forms.MultipleChoiceField(
        label="Where they spend time together (optional)",
        required=False,
        help_text="Places and groups you can see.",
    )
    # An association is shared with everyone who sees either person, source and all; only an
    # incident can be kept within the police, so the recorder is told before choosing.
    source = source_choice(
        "Everyone who may see either person sees this relationship and where it came from. "
        "Police intelligence that must stay within the police belongs in a restricted "
        "incident, not here."
    )
    confidence = confidence_choice()
    note = text_area("Note (optional)")

    def __init__(self, *args: Any, contexts: list[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context_objects = {str(c.pk): c for c in contexts}
        contexts_field = self.fields["contexts"]
        assert isinstance(contexts_field, forms.MultipleChoiceField)
        contexts_field.choices = [
            (str(c.pk), f"{c.name} ({c.get_kind_display().lower()})") for c in contexts
        ]

    def relationship_values(self) -> dict[str, Any]:
        """The cleaned answers as the services take them."""
        d = self.cleaned_data
        return {
            "relationship": d["relationship"],
            "nature": d["nature"],
            "peer_role": d["peer_role"],
            "source": d["source"],
            "confidence": d["confidence"],
            "note": d.get("note", ""),
            "contexts": [self.context_objects[pk] for pk in d.get("contexts", [])],
            "open_to_social_care": _yes_no(d.get("open_to_social_care", "")),
            "open_to_youth_justice": _yes_no(d.get("open_to_youth_justice", "")),
        }


class PeerAddForm(RelationshipFields):
    """Record a peer: one known to Locus (chosen from a search), or one described."""

    other = forms.TypedChoiceField(
        label="Peer known to Locus",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Search by name above, then choose. Leave empty for a peer not yet known.",
    )
    other_label = optional_text(
        "Or describe a peer not yet known to Locus",
        max_length=200,
        hint="For example, 'older male known as T, drives a black car'",
    )
    valid_from = date_field("Since when have they known each other?", "the date they met")

    field_order = ["other", "other_label", "relationship", "nature", "peer_role"]

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {c.pk: c for c in candidates}
        other_field = self.fields["other"]
        assert isinstance(other_field, forms.ChoiceField)
        other_field.choices = [
            ("", "Choose a peer" if candidates else "No peer chosen: search above"),
            *[(c.pk, choice_label(c)) for c in candidates],
        ]

    def service_values(self) -> dict[str, Any]:
        other_id = self.cleaned_data.get("other")
        return {
            **self.relationship_values(),
            "other": self.candidates.get(other_id) if other_id is not None else None,
            "other_label": self.cleaned_data.get("other_label", ""),
            "valid_from": self.cleaned_data["valid_from"],
        }


def reason_field() -> forms.CharField:
    # The service asks for the reason, with the other problems at once.
    return text_area(
        "Why?",
        help_text="Kept with the ended record, with your name: for example what the young "
        "person or another agency told you.",
    )


class PeerChangeForm(RelationshipFields):
    """Change a relationship from a date: the old record ends, a new one starts."""

    valid_from = date_field("Date of the change", "the date of the change")
    reason = reason_field()

    @classmethod
    def initial_for(cls, association: Any, *, reverse: bool) -> dict[str, Any]:
        return {
            "relationship": association.relationship,
            "nature": association.nature,
            # The recorded role describes the other side when seen from this child's record.
            "peer_role": "" if reverse else association.peer_role,
            "source": association.source,
            "confidence": association.confidence,
            "note": association.note,
            "contexts": [str(c.pk) for c in association.contexts.all()],
            "open_to_social_care": _yes_no_initial(association.open_to_social_care),
            "open_to_youth_justice": _yes_no_initial(association.open_to_youth_justice),
            "valid_from": today(),
        }


class PeerEndForm(GovukForm):
    valid_until = date_field("Date the relationship ended", "the date it ended")
    reason = reason_field()


class PeerMapFilterForm(GovukForm):
    """The map's filters: a GET form, so it works without JavaScript and can be bookmarked."""

    nature = forms.MultipleChoiceField(
        label="Relationships to show", choices=Nature.choices, required=False
    )
    as_at = date_field(
        "As at", "the as at date", hint="The map as it stood on this day. ", required=False
    )

    def clean_nature(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("nature") or []
        if self.is_bound and not chosen:
            raise forms.ValidationError("Choose at least one kind of relationship to show")
        return chosen

    def clean_as_at(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("as_at")
        if day is not None and day > today():
            raise forms.ValidationError("The as at date must be today or in the past")
        return day

    def choices(self) -> tuple[dt.date, list[str]]:
        """The day and natures to draw: what was asked, or today and every nature."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["as_at"] or today(), self.cleaned_data["nature"]
        return today(), list(Nature.values)


class PurposeForm(GovukForm):
    purpose = choose_one(
        "Why do you need to see peers' names?",
        MapPurpose.choices,
        required="Choose why you need to see peers' names",
    )
    reason = forms.CharField(
        label="Say briefly why",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'safety plan review with Jordan's carer on Friday'. "
        "This is recorded, with your name, and reviewed.",
        error_messages={"required": "Say briefly why you need to see peers' names"},
    )
