"""Forms for panel meetings. They parse; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from locus.access.models import Agency, Worker
from locus.common.forms import (
    GovukForm,
    ListSearch,
    optional_choice,
    optional_text,
    set_choices,
    worker_choices,
)
from locus.common.models import Confidence, Source
from locus.forums.models import ActionStatus, next_action_statuses
from locus.mapping.forms import (
    date_field,
    place_choices,
    radios,
    text_area,
)
from locus.panels.models import ItemKind, PanelAction, PanelAttendee, PanelKind
from locus.people.models import Person
from locus.places.models import Context
from locus.profiles.models import ProfileItem
from locus.profiles.selectors import BuildOn, build_on_choices, people_named_by
from locus.sharing.forms import BasisForm


def _pick(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


class PanelForm(BasisForm):
    kind = radios(
        "What kind of meeting?",
        "Choose an HSB meeting or a MACE panel",
        choices=PanelKind.choices,
    )
    meets_on = date_field("Date of the meeting")
    title = optional_text(
        "Title (optional)",
        max_length=120,
        hint="Attendees who may not see a child will see it: do not name children.",
    )
    place = optional_text("Where (optional)", max_length=200)
    chair = forms.ChoiceField(label="Chair", error_messages=_pick("Choose the chair"))
    review_on = date_field(
        "Review date", required=False, hint="Leave it empty for twelve weeks after the meeting."
    )
    also = optional_choice(
        "Also on the list (optional)",
        "Choose a worker from the list",
        help_text="You and the chair are on it. Add more people from the meeting's page.",
    )

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        set_choices(self, "chair", [("", "Choose a worker"), *worker_choices(workers)])
        set_choices(self, "also", [("", "Nobody else"), *worker_choices(workers)])

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        also = self.workers.get(data.get("also") or "")
        return {
            "kind": data["kind"],
            "meets_on": data["meets_on"],
            "title": data.get("title", ""),
            "place": data.get("place", ""),
            "chair": self.workers[data["chair"]],
            "basis": self.basis(),
            "review_on": data.get("review_on"),
            "attendees": [also] if also else [],
        }


class AttendeeForm(GovukForm):
    worker = optional_choice(
        "A worker", "Choose a worker from the list", help_text="They will see this meeting."
    )
    name = optional_text(
        "Or someone without a Locus account: their name",
        max_length=200,
        hint="For example, a shopping centre's head of security.",
    )
    organisation = optional_text("Their organisation", max_length=200)

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        set_choices(self, "worker", [("", "Choose a worker"), *worker_choices(workers)])

    def chosen(self) -> Worker | None:
        return self.workers.get(self.cleaned_data.get("worker") or "")

    def values(self) -> dict[str, Any]:
        """The answers as the service takes them: a worker, or a name and organisation."""
        data = self.cleaned_data
        return {
            "worker": self.chosen(),
            "name": data.get("name", ""),
            "organisation": data.get("organisation", ""),
        }


def place_label(place: Context) -> str:
    """A place as the agenda's location list shows it and its search reads it: with its kind."""
    return f"{place.name} ({place.get_kind_display()})"


class ItemForm(GovukForm):
    kind = radios(
        "Which list?",
        "Choose which list it goes on",
        choices=ItemKind.choices,
        help_text="A young person who was harmed and who also harmed goes on both lists, "
        "as two items.",
    )
    person = radios(
        "Person",
        "Choose a person from the list",
        required=False,
    )
    context = forms.ChoiceField(
        label="Location",
        required=False,
        error_messages={"invalid_choice": "Choose a location from the list"},
    )
    # Checked by the service, so that a missing reason is reported with the other problems.
    reason = text_area("Why is it on the agenda?")
    source = forms.ChoiceField(
        label="For a person of concern: where does the information come from?",
        required=False,
        choices=[("", "Choose a source"), *Source.choices],
        help_text="A person of concern is associated with young people or places: say how "
        "that is known. Association is not membership of anything.",
    )
    confidence = forms.ChoiceField(
        label="For a person of concern: how sure is it?",
        required=False,
        choices=[("", "Choose"), *Confidence.choices],
    )

    def __init__(
        self,
        *args: Any,
        people: Sequence[Person],
        contexts: Sequence[Context],
        places: ListSearch,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The name searched for and how many it found, for the page's search box.
        self.search: dict[str, Any] = {"q": "", "found": 0}
        self.people = {str(p.pk): p for p in people}
        self.contexts = {str(c.pk): c for c in contexts}
        set_choices(
            self,
            "person",
            [
                (k, f"{p.full_name} ({p.get_kind_display().lower()})")
                for k, p in self.people.items()
            ],
        )
        if not self.people:
            # A legend over nothing reads as a broken page: say where the people come from.
            self.fields[
                "person"
            ].help_text = "No one to offer here yet: find a person by name above."
        set_choices(self, "context", place_choices(self.contexts, "Choose a location"))
        self.places = places
        self.narrow(places)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        location = data["kind"] == ItemKind.LOCATION
        return {
            "kind": data["kind"],
            "reason": data["reason"],
            "person": None if location else self.people.get(data.get("person") or ""),
            "context": self.contexts.get(data.get("context") or "") if location else None,
            "source": data.get("source", ""),
            "confidence": data.get("confidence", ""),
        }


class HoldForm(GovukForm):
    attended = forms.MultipleChoiceField(
        label="Who attended?",
        widget=forms.CheckboxSelectMultiple,
        error_messages=_pick("Choose at least one person who attended"),
    )
    summary = text_area("What was discussed overall (optional)", rows=5)
    review_on = date_field("Review date")

    def __init__(self, *args: Any, attendees: Iterable[PanelAttendee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "attended",
            [
                (
                    str(a.pk),
                    f"{a.worker}, {a.worker.team.name}"
                    if a.worker and a.worker.team
                    else f"{a.name}, {a.organisation}",
                )
                for a in attendees
            ],
        )


class DiscussionForm(GovukForm):
    discussion = text_area("What was discussed", "Enter what was discussed", rows=6)


class DecisionForm(GovukForm):
    text = text_area("Decision", "Enter the decision", rows=3)


class CancelForm(GovukForm):
    reason = text_area("Why is the meeting cancelled?", "Say why the meeting is cancelled", rows=3)


def _select(label: str, missing: str, hint: str = "") -> forms.ChoiceField:
    """A drop-down; ``missing`` is the message for an empty or unknown choice ("" = optional)."""
    return forms.ChoiceField(
        label=label,
        required=bool(missing),
        help_text=hint,
        error_messages=_pick(missing or f"Choose from the list: {label.lower()}"),
    )


class ActionForm(GovukForm):
    description = text_area("What will be done", "Describe the action")
    owner = _select("Owner", "Choose the worker who owns it", "A worker on the meeting's list.")
    agency = _select("Agency delivering it", "", "The owner's, unless you choose another.")
    due_on = date_field("Due date")
    status = radios(
        "Status",
        "A new action is planned or in progress",
        choices=[(s.value, s.label) for s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)],
        initial=ActionStatus.PLANNED.value,
    )
    builds_on = forms.MultipleChoiceField(
        label="Strengths it builds on (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the young person's aspirational profile.",
        error_messages={"invalid_choice": "Choose strengths from the list"},
    )

    def __init__(
        self,
        *args: Any,
        owners: Sequence[Worker],
        agencies: Sequence[Agency],
        strengths: Sequence[BuildOn],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The profile items offered, set by the page: the service is given the chosen ones.
        self.strengths: list[ProfileItem] = []
        # Whom the offer names, for the page's read.
        self.named = people_named_by(strengths)
        self.owners = {str(w.pk): w for w in owners}
        self.agencies = {str(a.pk): a for a in agencies}
        set_choices(self, "owner", [("", "Choose a worker"), *worker_choices(owners)])
        set_choices(
            self,
            "agency",
            [("", "The owner's agency"), *[(k, a.name) for k, a in self.agencies.items()]],
        )
        if strengths:
            set_choices(self, "builds_on", build_on_choices(strengths))
        else:
            del self.fields["builds_on"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner": self.owners[data["owner"]],
            "agency": self.agencies.get(data.get("agency") or ""),
            "due_on": data["due_on"],
            "status": data["status"],
        }

    def strength_ids(self) -> set[int]:
        return {int(v) for v in self.cleaned_data.get("builds_on", [])}


class ActionUpdateForm(GovukForm):
    """Progress on an action: offered only the statuses it may move to."""

    status = radios("Where is it now?", "Choose the action's status")
    note = text_area("What has happened", "Say what has happened")
    due_on = date_field("Due date", required=False, hint="Change it only if it has moved.")

    def __init__(self, *args: Any, action: PanelAction, **kwargs: Any) -> None:
        super().__init__(
            *args, initial={"status": action.status, "due_on": action.due_on}, **kwargs
        )
        labels = dict(ActionStatus.choices)
        set_choices(self, "status", [(s, labels[s]) for s in next_action_statuses(action.status)])
