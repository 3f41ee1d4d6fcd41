"""The managed-move forms: recording one, correcting it, marking it entered in error. They
parse; the service decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from locus.common.forms import GovukForm, required_text, set_choices
from locus.mapping.forms import date_field, text_area
from locus.moves.models import ManagedMove
from locus.panels.models import PanelMeeting
from locus.places.models import Context


def _pick(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


class ManagedMoveForm(GovukForm):
    from_school = forms.ChoiceField(
        label="School the child moved from",
        error_messages=_pick("Choose the school the child moved from"),
    )
    to_school = forms.ChoiceField(
        label="School the child moved to",
        error_messages=_pick("Choose the school the child moved to"),
    )
    moved_on = date_field("Date of the move", hint="The first day at the new school.")
    reason = text_area(
        "What peer abuse does the move respond to?",
        "Say what peer abuse the move responds to",
        help_text="Whether the child was harmed, harmed others, or both, and what happened.",
    )
    panel_decision = text_area(
        "What was decided?",
        "Enter what was decided",
        help_text="The panel's decision, with any conditions (a trial period, a review date).",
    )
    decided_by = forms.CharField(
        label="Who decided?",
        max_length=200,
        help_text="For example, the in-year fair access panel, or the two head teachers.",
        error_messages={
            "required": "Say who decided",
            "max_length": "This must be 200 characters or fewer",
        },
    )
    panel_meeting = forms.ChoiceField(
        label="HSB meeting or MACE panel that discussed it (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose a meeting from the list"},
    )
    not_on_roll_reason = forms.CharField(
        label="If the child was not on the old school's roll, why record the move? (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    def __init__(
        self,
        *args: Any,
        schools: Sequence[Context],
        panels: Sequence[PanelMeeting],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schools = {str(s.pk): s for s in schools}
        self.panels = {str(p.pk): p for p in panels}
        school_choices = [(k, s.name) for k, s in self.schools.items()]
        set_choices(self, "from_school", [("", "Choose a school"), *school_choices])
        set_choices(self, "to_school", [("", "Choose a school"), *school_choices])
        set_choices(
            self,
            "panel_meeting",
            [
                ("", "None"),
                *[(k, f"{p.title}, {p.meets_on:%d/%m/%Y}") for k, p in self.panels.items()],
            ],
        )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "from_school": self.schools.get(data["from_school"]),
            "to_school": self.schools.get(data["to_school"]),
            "moved_on": data["moved_on"],
            "reason": data["reason"],
            "panel_decision": data["panel_decision"],
            "decided_by": data["decided_by"],
            "panel_meeting": self.panels.get(data.get("panel_meeting") or ""),
            "not_on_roll_reason": data.get("not_on_roll_reason", ""),
        }


MAX_WHY = 1000


class MoveCorrectionForm(ManagedMoveForm):
    """The move's fields, filled in with what it says now, and why it is corrected. A panel
    cited that the corrector may not see is kept as it is: the field is not offered."""

    why = required_text(
        "Why is the move corrected?",
        "Say why the move is corrected",
        max_length=MAX_WHY,
        hint="The old values are kept and shown with the move, with your reason.",
    )

    def __init__(self, *args: Any, move: ManagedMove, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(
            {
                "from_school": str(move.from_school_id),
                "to_school": str(move.to_school_id),
                "moved_on": move.moved_on,
                "reason": move.reason,
                "panel_decision": move.panel_decision,
                "decided_by": move.decided_by,
                "panel_meeting": str(move.panel_meeting_id or ""),
                "not_on_roll_reason": move.not_on_roll_reason,
            }
        )
        super().__init__(*args, **kwargs)
        self.keeps_panel = (
            move.panel_meeting_id is not None and str(move.panel_meeting_id) not in self.panels
        )
        if self.keeps_panel:
            del self.fields["panel_meeting"]

    def values(self) -> dict[str, Any]:
        values = super().values()
        if self.keeps_panel:
            del values["panel_meeting"]
        return {**values, "why": self.cleaned_data["why"]}


class MoveInErrorForm(GovukForm):
    why = required_text(
        "Why was the move entered in error?",
        "Say why the move was entered in error",
        max_length=MAX_WHY,
        hint="For example, recorded on the wrong child, or a move that did not happen. "
        "The move stays, struck through, with your reason.",
    )
