"""The forms that run a peer group: create, add and end a member, merge and split.

Forms only parse; the rules live in ``peers/services.py``, whose refusals come back
onto these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import ChoosingForm, GovukForm, choose_one, date_field, text_area
from locus.peers.forms import RelationshipFields, reason_field
from locus.peers.models import GroupMembership, GroupRole
from locus.people.picker import Picker, pick_fields
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
    role = choose_one("Role in the group", GroupRole.choices, required="Choose their role")
    since = date_field("Since when?", "the date they joined")
    # Provenance asked as the peer capture form asks it.
    source = RelationshipFields.base_fields["source"]
    confidence = RelationshipFields.base_fields["confidence"]

    def __init__(self, *args: Any, picker: Picker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_fields(
            self, "person", label="Young person", required="Find and choose the young person"
        )
        self.picker = picker
        picker.bind(self)

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "person": self.picker.person(d["person"]),
            **{k: d[k] for k in ("role", "since", "source", "confidence")},
        }


class MemberEndForm(GovukForm):
    until = date_field("Date the membership ended", "the date it ended")
    reason = reason_field()


SEEN_IN_FULL = "You can only merge into a group you can see in full"


class MergeForm(ChoosingForm):
    into = forms.TypedChoiceField(
        label="Merge into",
        coerce=int,
        help_text="The group that is kept. This group's members move to it and this group "
        "is closed.",
        error_messages={
            "required": "Choose the group to keep",
            # The same words for every group not offered: whether a group holds a child
            # the worker cannot see, or is not theirs to see at all, is not told.
            "invalid_choice": SEEN_IN_FULL,
        },
    )
    reason = reason_field()

    def __init__(self, *args: Any, targets: list[Context], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("into", targets, lambda g: g.name, first="Choose one")


class SplitForm(ChoosingForm):
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
        self.offer("members", movable, label)
