"""Forms for the aspirational profile. They parse; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from locus.common.forms import (
    GovukForm,
    optional_choice,
    required_text,
    set_choices,
)
from locus.mapping.forms import (
    date_field,
    place_choices,
    radios,
    text_area,
)
from locus.people.models import Person
from locus.places.models import Context
from locus.profiles.models import ProfileKind

YES_NO = [("yes", "Yes, these are their words"), ("no", "No, a worker's summary")]
OWN_WORDS_HINT = (
    "Write it as the young person said it where you can: a plan that builds on "
    "“I want to be a mechanic” means more to them than “career aspirations”."
)


class _Words(GovukForm):
    text = text_area(
        "In the young person's words",
        "Say what it is, in the young person's words if you can",
        rows=3,
        help_text=OWN_WORDS_HINT,
    )
    own_words = radios(
        "Are these the young person's own words?",
        "Say whether these are the young person's own words",
        choices=YES_NO,
    )

    def words(self) -> dict[str, Any]:
        return {
            "text": self.cleaned_data["text"],
            "own_words": self.cleaned_data["own_words"] == "yes",
        }


class ProfileItemForm(_Words):
    kind = radios(
        "What kind of strength is it?",
        "Choose what kind of strength it is",
        choices=ProfileKind.choices,
    )
    peer = optional_choice(
        "A protective peer known to Locus (optional)",
        "Choose a peer from the list",
        help_text="Only for a protective peer. Someone not offered here can be described "
        "in the young person's words instead.",
    )
    place = optional_choice(
        "A safe place known to Locus (optional)",
        "Choose a place from the list",
        help_text="Only for a safe place.",
    )
    recorded_on = date_field("Date it was said or learnt")

    field_order = ["kind", "text", "own_words", "peer", "place", "recorded_on"]

    def __init__(
        self, *args: Any, peers: Sequence[Person], places: Sequence[Context], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.peers = {str(p.pk): p for p in peers}
        self.places = {str(c.pk): c for c in places}
        set_choices(
            self,
            "peer",
            [("", "Nobody known to Locus"), *[(k, p.full_name) for k, p in self.peers.items()]],
        )
        set_choices(self, "place", place_choices(self.places, "No place known to Locus"))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.words(),
            "kind": data["kind"],
            "recorded_on": data["recorded_on"],
            "peer": self.peers.get(data.get("peer") or ""),
            "place": self.places.get(data.get("place") or ""),
        }


class ProfileChangeForm(_Words):
    changed_on = date_field("Date of the change")


class ProfileEndForm(GovukForm):
    ended_on = date_field("Date it ended")
    # An ending is recorded with its reason (a trusted adult or a safe place no longer holds).
    reason = required_text(
        "Why has it ended?",
        "Say why it has ended",
        max_length=300,
        rows=2,
        hint="For example, the club closed or the adult moved away.",
    )
