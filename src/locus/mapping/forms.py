"""Forms for co-case management. They parse; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from locus.access import naming
from locus.access.fields import PersonField
from locus.access.forum import ALWAYS_SHARED, DEFAULT_SHARED_FIELDS
from locus.access.models import Agency, Worker
from locus.common.forms import (
    GovukForm,
    optional_choice,
    optional_text,
    set_choices,
    worker_choices,
)
from locus.common.ids import as_id
from locus.forums.models import ActionStatus, next_action_statuses
from locus.mapping.models import INTERVENTION_MACHINE, Intervention, Invitee
from locus.mapping.selectors import Candidate, ChildRow
from locus.mapping.services import RECORDED_ATTENDANCE
from locus.places.models import Context
from locus.sharing.forms import BasisForm

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def date_field(label: str, *, required: bool = True, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint or "For example, 27/03/2026",
        error_messages={
            "invalid": f"Enter the {label.lower()} as a date, like 27/03/2026",
            "required": f"Enter the {label.lower()}",
        },
        widget=forms.DateInput(format="%d/%m/%Y"),
    )


def time_field() -> forms.TimeField:
    """The time of a meeting, on the 24-hour clock."""
    return forms.TimeField(
        label="Time",
        input_formats=TIME_FORMATS,
        help_text="24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time", "invalid": "Enter the time like 14:30"},
        widget=forms.TimeInput(format="%H:%M"),
    )


def place_choices(places: dict[str, Context], blank: str) -> list[tuple[str, str]]:
    """Places keyed by id, each with its kind, after a ``blank`` first choice."""
    return [("", blank), *[(k, f"{c.name} ({c.get_kind_display()})") for k, c in places.items()]]


def _required(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


def text_area(label: str, missing: str = "", rows: int = 4, **kwargs: Any) -> forms.CharField:
    """Free text; ``missing`` is the message when it is left empty ("" = optional)."""
    return forms.CharField(
        label=label,
        required=bool(missing),
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing},
        **kwargs,
    )


def radios(label: str, message: str, **kwargs: Any) -> forms.ChoiceField:
    """Radio buttons; ``message`` answers a missing or unknown choice."""
    return forms.ChoiceField(
        label=label, widget=forms.RadioSelect, error_messages=_required(message), **kwargs
    )


# Every forum asks the same lawful basis question: the sharing kit's fieldset (BasisForm).
class ProposeForm(BasisForm):
    children = forms.MultipleChoiceField(
        label="Children the meeting is about",
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required("Choose at least one child"),
    )
    group = radios(
        "Peer group to map (optional)",
        "Choose a peer group from the list",
        required=False,
    )
    title = optional_text(
        "Title (optional)",
        max_length=120,
        hint="Invitees who do not hold a child's case will see it: do not name children.",
    )
    purpose = text_area("What is the meeting for?", "Say what the meeting is for")
    also_invite = optional_choice(
        "Also invite (optional)",
        "Choose a worker from the list",
        help_text="The workers who hold each child's case are invited. "
        "You can invite more people from the meeting's page.",
    )

    def __init__(
        self,
        *args: Any,
        candidates: Sequence[Candidate],
        groups: Sequence[Context],
        workers: Iterable[Worker],
        key: Callable[[int, bool], str] = lambda person_id, _visible: str(person_id),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        # A tick box's value: ``key(id, visible)``, so a child the page does not name is
        # carried by the viewer's session reference, not her id (``web.refs.person_key``).
        self.keys = {c.row.person_id: key(c.row.person_id, c.row.visible) for c in candidates}
        self.ids = {value: person_id for person_id, value in self.keys.items()}
        set_choices(
            self, "children", [(self.keys[c.row.person_id], c.row.label) for c in candidates]
        )
        if isinstance(self.data, QueryDict):
            # A child posted by id (a program, an older page) is the same tick box.
            data = self.data.copy()
            data.setlist("children", [self._key_of(v) for v in data.getlist("children")])
            self.data = data
        set_choices(self, "group", [("", "No peer group"), *[(str(g.pk), g.name) for g in groups]])
        set_choices(self, "also_invite", [("", "Nobody else"), *worker_choices(workers)])
        self.groups = {str(g.pk): g for g in groups}

    def holders(self) -> list[tuple[ChildRow, list[str]]]:
        """Each offered child with the workers who will be invited because they hold the case."""
        return [
            (c.row, [naming.holder_text(a.worker, a.team) for a in c.holders])
            for c in self.candidates
        ]

    def by_holder(self, reasons: dict[int, str]) -> list[tuple[str, list[tuple[Any, str, str]]]]:
        """The children's tick boxes grouped by who holds the case (team and worker), each
        with its input id (the first takes the field's, as the error summary links to it) and
        why it is offered."""
        field = self["children"]
        rows = {self.keys[c.row.person_id]: c.row for c in self.candidates}
        groups: dict[str, list[tuple[Any, str, str]]] = {}
        for n, option in enumerate(field):
            row = rows[str(option.data["value"])]
            input_id = field.auto_id if n == 0 else f"{field.auto_id}-{n + 1}"
            holder = row.held_by or "Nobody holds the case"
            groups.setdefault(holder, []).append((option, input_id, reasons.get(row.person_id, "")))
        return list(groups.items())

    def chosen_group(self) -> Context | None:
        return self.groups.get(self.cleaned_data.get("group") or "")

    def chosen_ids(self) -> set[int]:
        """The ids of the children ticked."""
        return {self.ids[value] for value in self.cleaned_data["children"]}

    def _key_of(self, value: str) -> str:
        person_id = as_id(value)
        return self.keys.get(person_id, value) if person_id is not None else value


class InviteForm(GovukForm):
    worker = forms.ChoiceField(
        label="Worker to invite",
        error_messages=_required("Choose the worker to invite"),
    )

    def __init__(self, *args: Any, workers: Iterable[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "worker", [("", "Choose a worker"), *worker_choices(workers)])


class ScheduleForm(GovukForm):
    when = date_field("Date")
    time = time_field()
    online = radios(
        "How will people meet?",
        "Say whether the meeting is in person or online",
        choices=[("in_person", "In person"), ("online", "Online")],
    )
    location = optional_text(
        "Where",
        max_length=200,
        hint="A room and building, or for an online meeting the service used.",
    )

    @staticmethod
    def moment(data: dict[str, Any]) -> dt.datetime | None:
        """The date and time entered, as an aware moment in the local time zone."""
        day, time = data.get("when"), data.get("time")
        if day is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, time))


class MinutesForm(GovukForm):
    notes = text_area("What was discussed (optional)", rows=5)
    decisions = text_area("Decisions (optional)", rows=5, help_text="One decision on each line.")

    def __init__(self, *args: Any, invitees: Sequence[Invitee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        choices = [(a.value, a.label) for a in RECORDED_ATTENDANCE]
        attendance_fields = {}
        for invitee in self.invitees:
            w = invitee.worker
            attendance_fields[f"attendance_{w.pk}"] = radios(
                naming.holder_text(w),
                f"Say whether {w} attended",
                choices=choices,
            )
        # Attendance first: it is what the minutes are for.
        self.put_first(**attendance_fields)

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("attendance_")]

    def attendance(self) -> dict[int, str]:
        return {
            i.worker_id: self.cleaned_data.get(f"attendance_{i.worker_id}", "")
            for i in self.invitees
        }

    def decision_lines(self) -> list[str]:
        return [
            line for line in self.cleaned_data.get("decisions", "").splitlines() if line.strip()
        ]


class ShareForm(BasisForm):
    """What a child's holder agrees to bring to a meeting. The name is always shared."""

    DEFAULT = DEFAULT_SHARED_FIELDS - ALWAYS_SHARED

    shared_fields = forms.MultipleChoiceField(
        label="What to share about this child, besides their name",
        required=False,
        choices=[c for c in PersonField.choices if c[0] not in ALWAYS_SHARED],
        widget=forms.CheckboxSelectMultiple,
        help_text="Share identifiers, the date of birth and the address only when the "
        "meeting needs them.",
        error_messages={"invalid_choice": "Choose what to share from the list"},
    )


class WithdrawForm(GovukForm):
    reason = text_area(
        "Why do you withdraw your agreement?", "Say why you withdraw your agreement", rows=3
    )


class CancelForm(GovukForm):
    reason = text_area("Why is the meeting cancelled?", "Say why the meeting is cancelled", rows=3)


class DecisionForm(GovukForm):
    text = text_area("Decision", "Enter the decision", rows=3)


GROUP_CHOICE = "group"


class InterventionForm(GovukForm):
    concerns = radios("Who is it for?", "Choose the child or the group it concerns (one of them)")
    description = text_area("What will be done", "Describe the intervention")
    owner = forms.ChoiceField(
        label="Owner",
        help_text="A worker who attended the meeting.",
        error_messages=_required("Choose the worker who owns it"),
    )
    agency = forms.ChoiceField(
        label="Agency delivering it",
        required=False,
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    due_on = date_field("Due date")
    status = radios(
        "Status",
        "A new intervention is planned or in progress",
        choices=[
            (ActionStatus.PLANNED.value, ActionStatus.PLANNED.label),
            (ActionStatus.IN_PROGRESS.value, ActionStatus.IN_PROGRESS.label),
        ],
        initial=ActionStatus.PLANNED.value,
    )

    def __init__(
        self,
        *args: Any,
        children: Sequence[ChildRow],
        group_label: str,
        owners: Sequence[Worker],
        agencies: Iterable[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        concerns = [(f"person:{c.person_id}", c.label) for c in children]
        if group_label:
            concerns.append((GROUP_CHOICE, f"The whole group: {group_label}"))
        set_choices(self, "concerns", concerns)
        set_choices(self, "owner", [("", "Choose a worker"), *worker_choices(owners)])
        set_choices(
            self, "agency", [("", "The owner's agency"), *[(str(a.pk), a.name) for a in agencies]]
        )

    def person_id(self) -> int | None:
        value = self.cleaned_data.get("concerns", "")
        return as_id(value.split(":", 1)[1]) if value.startswith("person:") else None

    def for_group(self) -> bool:
        return self.cleaned_data.get("concerns") == GROUP_CHOICE


class InterventionUpdateForm(GovukForm):
    status = radios("Status now", "Choose the intervention's status")
    note = text_area("What has happened", "Say what has happened")
    due_on = date_field("Due date", required=False, hint="Change it only if it has moved.")

    def __init__(self, *args: Any, intervention: Intervention, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"status": intervention.status, "due_on": intervention.due_on},
        )
        super().__init__(*args, **kwargs)
        allowed = next_action_statuses(intervention.status, INTERVENTION_MACHINE)
        set_choices(self, "status", [c for c in ActionStatus.choices if c[0] in allowed])
