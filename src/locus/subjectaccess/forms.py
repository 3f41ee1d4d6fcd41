from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from locus.access.models import Worker
from locus.common.forms import GovukForm, choose_one, date_field, optional_text, text_area
from locus.people.picker import Picker, pick_fields
from locus.subjectaccess.models import (
    RefusalGround,
    Requester,
    RequestStatus,
    SubjectAccessPackage,
)


def _team_field(label: str, hint: str, required: str) -> forms.TypedChoiceField:
    """A member of the data team, offered by :func:`_offer_team`."""
    return forms.TypedChoiceField(
        label=label, coerce=int, choices=[], help_text=hint, error_messages={"required": required}
    )


def _assignee_field() -> forms.TypedChoiceField:
    return _team_field(
        "Assigned to",
        "The member of the data team who works the request.",
        "Choose who works the request",
    )


def _radios(
    label: str, choices: Any, required: str, coerce: Callable[[Any], Any] = str
) -> forms.TypedChoiceField:
    """A choice that must be made, offered as radios (``coerce`` for the value's type)."""
    return forms.TypedChoiceField(
        label=label,
        coerce=coerce,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


def _offer_team(form: GovukForm, team: list[Worker], name: str = "assigned_to") -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "Choose a member of the data team")] + [(w.pk, str(w)) for w in team]


class IdentityFields(GovukForm):
    identity_checked_on = date_field(
        "Identity checked on", "the day identity was checked", required=False
    )
    identity_check = optional_text(
        "How identity was checked",
        max_length=300,
        hint="For example: passport seen; known to the allocated worker. ",
    )


class RequestForm(IdentityFields):
    received_on = date_field("Received on", "the day the request was received")
    requester = _radios("Who asked", Requester.choices, "Choose who asked")
    requester_detail = optional_text(
        "Name of the parent, carer or representative",
        max_length=300,
        hint="With how to reach them. Leave empty when the young person asked. ",
    )
    assigned_to = _assignee_field()
    notes = text_area("Notes", max_length=5000)

    field_order = [
        "received_on",
        "requester",
        "requester_detail",
        "identity_checked_on",
        "identity_check",
        "assigned_to",
        "notes",
    ]

    def __init__(self, *args: Any, picker: Picker, team: list[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_fields(self, "person", label="Young person", required="Find and choose the person")
        self.picker = picker
        self.team = {w.pk: w for w in team}
        _offer_team(self, team)
        picker.bind(self)

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "person": self.picker.person(d["person"]),
            "assigned_to": self.team.get(d["assigned_to"]),
            **{
                k: d[k]
                for k in (
                    "received_on",
                    "requester",
                    "requester_detail",
                    "identity_checked_on",
                    "identity_check",
                    "notes",
                )
            },
        }


class UpdateForm(IdentityFields):
    assigned_to = _assignee_field()
    notes = text_area("Notes", max_length=5000)
    start = forms.BooleanField(label="Mark the request as in progress", required=False)

    def __init__(self, *args: Any, team: list[Worker], status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = {w.pk: w for w in team}
        _offer_team(self, team)
        if status != RequestStatus.RECEIVED:
            del self.fields["start"]

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "assigned_to": self.team.get(d["assigned_to"]),
            "start": d.get("start", False),
            **{k: d[k] for k in ("identity_checked_on", "identity_check", "notes")},
        }


class ExtendForm(GovukForm):
    months = _radios(
        "Extend by",
        [(1, "One further month"), (2, "Two further months")],
        "Choose an extension of one or two months",
        coerce=int,
    )
    reason = text_area(
        "Why the request is complex or numerous",
        max_length=5000,
        help_text="The requester must be told of the extension, and why, within the first month.",
    )


class CloseForm(GovukForm):
    outcome = choose_one(
        "How the request ended",
        [
            (RequestStatus.COMPLETED, "Completed: the export was sent"),
            (RequestStatus.REFUSED, "Refused"),
            (RequestStatus.WITHDRAWN, "Withdrawn by the requester"),
        ],
        required="Choose how the request ended",
    )
    on = date_field("Ended on", "the day the request ended")
    refusal_ground = forms.ChoiceField(
        label="Ground for refusing",
        required=False,
        choices=[("", "Not refused"), *RefusalGround.choices],
    )
    note = text_area(
        "Note",
        max_length=5000,
        help_text="For a refusal, the reason given to the requester (with their right to "
        "complain to the ICO). For a withdrawal, how the requester withdrew it.",
    )


class ExportForm(GovukForm):
    approver = _team_field(
        "Who checks it and approves its release",
        "Another member of the data team. Until they approve it, only they may download it, "
        "to check it; then the data team may download it to send it.",
        "Choose who approves its release",
    )
    disclose_staff = forms.BooleanField(
        label="Name the staff who recorded, opened or acted on the records",
        required=False,
        help_text="Usually staff acting in a professional role are named unless that puts "
        "them at risk. Left unticked, staff are shown by role, team and agency only.",
    )
    include_restricted = forms.BooleanField(
        label="Include restricted police incidents",
        required=False,
        help_text="Only once the reporting police force has been consulted and agreed they "
        "may be disclosed: say who, when and what they said below.",
    )
    police_consulted = optional_text(
        "Who at the police force was consulted",
        max_length=300,
        hint="Their name, role and force. Only when including restricted police incidents. ",
    )
    police_consulted_on = date_field(
        "Day the police were consulted", "the day the police were consulted", required=False
    )
    police_outcome = text_area(
        "What the police said, and why",
        max_length=5000,
        help_text="For example: agreed to disclosure of both incidents; the investigation "
        "is closed.",
    )

    def __init__(self, *args: Any, approvers: list[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.approvers = {w.pk: w for w in approvers}
        _offer_team(self, approvers, "approver")

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {**d, "approver": self.approvers.get(d["approver"])}


class ApproveForm(GovukForm):
    reason = text_area(
        "What you checked, and why it may be released",
        max_length=5000,
        help_text="For example: read against the record; the redactions and the documents' "
        "files checked; nothing about another person left in.",
    )

    def __init__(
        self, *args: Any, package: SubjectAccessPackage, may_check: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.package = package
        # Whether the page links to the export's file, for its approver to check before
        # deciding (never to another member of the data team, who may not download it yet).
        self.may_check = may_check

    def service_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReturnForm(ApproveForm):
    reason = text_area(
        "What is wrong with it",
        max_length=5000,
        help_text="For example: a document's file names the child's friend; restricted "
        "incidents included without the police's agreement. Its maker is told and makes a "
        "new export; this one is deleted.",
    )


class ChangeApproverForm(ApproveForm):
    approver = _team_field(
        "Who checks it and approves its release instead",
        "Another member of the data team, not the one who asked for it. The one named now "
        "is no longer asked; the one you name is told.",
        "Choose who approves its release instead",
    )
    reason = text_area(
        "Why someone else checks it",
        max_length=5000,
        help_text="For example: the approver named is on leave until after the deadline.",
    )

    def __init__(
        self, *args: Any, package: SubjectAccessPackage, approvers: list[Worker], **kwargs: Any
    ) -> None:
        super().__init__(*args, package=package, **kwargs)
        self.approvers = {w.pk: w for w in approvers}
        _offer_team(self, approvers, "approver")

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"approver": self.approvers.get(d["approver"]), "reason": d["reason"]}
