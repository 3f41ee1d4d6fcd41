"""The forms of the allocation and transfer pages. They parse; the rules (who may, which
team and worker, the note) are ``transfers.services``', whose messages land on these fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from locus.access.models import Team, Worker
from locus.common.forms import GovukForm, date_field, text_area, worker_label


class _WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return worker_label(obj)


def _workers(label: str, workers: Sequence[Worker], *, required: str, empty: str) -> Any:
    ids = [w.pk for w in workers]
    field = _WorkerChoice(
        label=label,
        queryset=Worker.objects.filter(pk__in=ids).select_related("team"),
        required=bool(required),
        empty_label=empty,
        error_messages={"required": required, "invalid_choice": "Choose a worker from the list"},
    )
    # The choices shown are the ones already read (no second query to list them).
    field.choices = [("", empty), *((w.pk, worker_label(w)) for w in workers)]
    return field


class AllocateForm(GovukForm):
    start = date_field("Allocated from", "the date the allocation starts")

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.put_first(
            worker=_workers(
                "Worker", workers, required="Choose the worker", empty="Choose a worker"
            )
        )


class EndAllocationForm(GovukForm):
    end = date_field("Allocation ends on", "the date the allocation ends")
    # Required here too, so a missing reason is said with a missing date, not after it.
    reason = forms.CharField(
        label="Why does it end?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the record: for example, the case closed, or the co-worker stepped back.",
        error_messages={"required": "Say why the allocation ends, for the record"},
    )


class ProposeForm(GovukForm):
    handover_note = text_area(
        "Handover note",
        rows=8,
        help_text=(
            "What the receiving worker needs to know: the plan, open actions, risks and what "
            "keeps the child safe, in words. Kept with the transfer on the child's record."
        ),
    )

    def __init__(
        self, *args: Any, teams: Sequence[Team], workers: Sequence[Worker], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team = forms.ModelChoiceField(
            label="Receiving team",
            queryset=Team.objects.filter(pk__in=[t.pk for t in teams]),
            empty_label="Choose a team",
            error_messages={
                "required": "Choose the receiving team",
                "invalid_choice": "Choose a team from the list",
            },
        )
        team.choices = [("", "Choose a team"), *((t.pk, t.name) for t in teams)]
        worker = _workers(
            "Receiving worker (optional)", workers, required="", empty="Let the manager choose"
        )
        worker.help_text = "The receiving team's manager decides who holds the case."
        self.put_first(to_team=team, to_worker=worker)


class AcceptForm(GovukForm):
    note = text_area("Note for the record (optional)", max_length=2000)

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.put_first(
            to_worker=_workers(
                "Worker who will hold the case",
                workers,
                required="Choose the worker who will hold the case",
                empty="Choose a worker",
            )
        )


class ReasonForm(GovukForm):
    reason = text_area("Reason", help_text="The proposer and the record keep it.")
