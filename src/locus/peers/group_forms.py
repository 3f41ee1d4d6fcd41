"""The forms that run a peer group: create, add and end a member, merge and split.

Forms only parse; the rules live in ``peers/services.py``, whose refusals come back
onto these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm, choose_one, date_field, text_area
from locus.common.models import Confidence, Source
from locus.peers.forms import reason_field
from locus.peers.models import GroupMembership, GroupRole
from locus.people.models import Person
from locus.places.models import Context


class GroupForm(GovukForm):
    name = forms.CharField(
        label="Name of the group",
        max_length=200,
        help_text="What workers call it, for example 'the station car park group'.",
        error_messages={"required": "Enter the group's name"},
    )
    description = text_area(
        "Description (optional)",
        help_text="Where and when it meets, what is known of it.",
    )


class MemberAddForm(GovukForm):
    person = forms.TypedChoiceField(
        label="Young person",
        coerce=int,
        help_text="Only young people you may see are offered.",
        error_messages={
            "required": "Choose the young person",
            "invalid_choice": "Choose a young person you may see",
        },
    )
    role = choose_one("Role in the group", GroupRole.choices, required="Choose their role")
    since = date_field("Since when?", "the date they joined")
    source = choose_one(
        "Where this information came from",
        Source.choices,
        placeholder="Choose a source",
        required="Say where this information came from",
    )
    confidence = choose_one(
        "How sure are you?", Confidence.choices, required="Say how sure you are"
    )

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {p.pk: p for p in candidates}
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a young person"), *[(p.pk, p.full_name) for p in candidates]]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "person": self.candidates[d["person"]],
            **{k: d[k] for k in ("role", "since", "source", "confidence")},
        }


class MemberEndForm(GovukForm):
    until = date_field("Date the membership ended", "the date it ended")
    reason = reason_field()


class MergeForm(GovukForm):
    into = forms.TypedChoiceField(
        label="Merge into",
        coerce=int,
        help_text="The group that is kept. This group's members move to it and this group "
        "is closed.",
        error_messages={
            "required": "Choose the group to keep",
            "invalid_choice": "Choose a group you may see",
        },
    )
    reason = reason_field()

    def __init__(self, *args: Any, targets: list[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {g.pk: g for g in targets}
        field = self.fields["into"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a group"), *[(g.pk, g.name) for g in targets]]


class SplitForm(GovukForm):
    members = forms.TypedMultipleChoiceField(
        label="Members who move to the new group",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose members you may see"},
    )
    name = GroupForm.base_fields["name"]
    description = GroupForm.base_fields["description"]
    reason = reason_field()

    def __init__(self, *args: Any, movable: list[GroupMembership], label: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.movable = {m.pk: m for m in movable}
        field = self.fields["members"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, label(m)) for m in movable]
