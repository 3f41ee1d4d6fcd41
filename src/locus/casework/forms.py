"""Forms for context casework. They parse; the services decide what is allowed.

The assessment form is built from the template's data (its domains), so an
authority's adapted template is the form its workers fill in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from locus.access import naming
from locus.access.models import Agency, Worker
from locus.casework.models import (
    ClosureOutcome,
    ContextAssessment,
    PlanAction,
    PlanGoal,
    Progress,
    Protective,
    Rating,
    Recommendation,
    ReferralAbout,
    ReviewDecision,
    ScreeningDecision,
    ThresholdLevel,
)
from locus.casework.services import AttendeeInput, FindingInput, ProgressInput
from locus.common.forms import ChoosingForm, GovukForm, optional_choice, set_choices
from locus.common.models import Source
from locus.forums.models import ActionStatus, next_action_statuses
from locus.mapping.forms import (
    ScheduleForm,
    date_field,
    time_field,
)
from locus.places.models import Context
from locus.profiles.selectors import BuildOn, build_on_choices
from locus.sharing.forms import BasisForm

LONG = {"rows": 5}
SHORT = {"rows": 3}
# A goal's note sits among fields the form adds after GovukForm styled its own: styled here.
GOAL_NOTE = {"rows": 2, "class": "govuk-textarea"}


def _required(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


def text_field(label: str, message: str = "", *, required: bool = True, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs=kw.pop("attrs", LONG)),
        error_messages={"required": message or f"Enter {label.lower()}"},
        **kw,
    )


def radios(label: str, message: str, choices: Any = (), **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages=_required(message),
        **kw,
    )


def context_label(context: Context) -> str:
    return f"{context.name} ({context.get_kind_display().lower()})"


# --- Referrals ---------------------------------------------------------------------------------


class ReferralForm(ChoosingForm, BasisForm):
    about = radios(
        "What is the referral about?",
        "Say whether it is about a context",
        ReferralAbout.choices,
    )
    context = optional_choice(
        "The context",
        "Choose a context from the list",
        help_text="The place, group or school the referral is about.",
    )
    other_contexts = optional_choice(
        "Other contexts involved (optional)",
        "Choose contexts from the list",
        field=forms.MultipleChoiceField,
        help_text="A group, a route, a shop: the screener sees every referral naming the same "
        "context. Hold Ctrl (or Cmd) to choose more than one.",
        widget=forms.SelectMultiple(attrs={"size": 6, "class": "govuk-select locus-multi"}),
    )
    children = optional_choice(
        "Children named (optional for a context)",
        "Choose children from the list",
        field=forms.MultipleChoiceField,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only children on your caseload can be named here; describe others in the "
        "summary without naming them.",
    )
    summary = text_field("What is happening?", "Say what is happening")
    received_on = date_field("Date received")
    referring_agency = optional_choice(
        "Referring agency",
        "Choose an agency from the list",
        help_text="When you record a referral made to you by another agency or a partner.",
    )
    referrer_name = forms.CharField(label="Referrer's name (optional)", required=False)
    referrer_contact = forms.CharField(label="Referrer's phone or email (optional)", required=False)

    def __init__(
        self,
        *args: Any,
        contexts: Sequence[Context],
        children: Sequence[tuple[int, str]],
        agencies: Sequence[Agency] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer("context", contexts, context_label, first="Choose a context")
        self.offer("other_contexts", contexts, context_label)
        set_choices(self, "children", [(str(pk), label) for pk, label in children])
        if agencies is None:
            del self.fields["referring_agency"]
        else:
            self.offer("referring_agency", agencies, lambda a: a.name, first="Your own agency")


class ScreenForm(ChoosingForm):
    level = radios("Threshold level", "Choose the threshold level")
    decision = radios("Decision", "Choose the decision", ScreeningDecision.choices)
    context = optional_choice(
        "Context to assess",
        "Choose a context the referral names",
        widget=forms.RadioSelect,
        help_text="For a decision to assess a context.",
    )
    lead = optional_choice(
        "Lead worker for the context case",
        "Choose a worker from the list",
        help_text="For a new case: the practitioner who will hold it (usually the one "
        "allocated to the children it concerns).",
    )
    manager = optional_choice(
        "Manager to sign off the screening decision",
        "Choose a manager from the list",
        help_text="Only at a level whose decision a manager signs off: a manager of the "
        "lead's team, not the lead or you.",
    )
    reason = text_field("Reason for the decision", "Give the reason for the decision")

    def __init__(
        self,
        *args: Any,
        levels: Sequence[ThresholdLevel],
        contexts: Sequence[Context],
        leads: Sequence[Worker],
        managers: Sequence[Worker],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer("level", levels, level_label)
        self.offer("context", contexts, context_label)
        self.offer_workers("lead", leads, first="Choose the lead")
        if any(lv.screening_sign_off for lv in levels):
            self.offer_workers("manager", managers, first="Choose a manager")
        else:
            del self.fields["manager"]


def level_label(level: ThresholdLevel) -> str:
    """A level as the screener reads it: what it means, and the decision it leads to."""
    text = f"{level.name}: {level.description}" if level.description else level.name
    text += f" Decision: {level.get_suggested_decision_display().lower()}."
    if level.screening_sign_off:
        text += " A manager signs the decision off."
    return text


def manager_field(label: str = "Manager to sign it off") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text="A manager of the case's team who did not write, lead or assess it. The "
        "request goes to their My work.",
        error_messages=_required("Choose the manager to sign it off"),
    )


class ManagerForm(ChoosingForm):
    """Ask a named manager to sign off (the choices are the eligible managers only)."""

    manager = manager_field()

    def __init__(self, *args: Any, managers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_workers("manager", managers, first="Choose a manager")


class ReassignForm(ManagerForm):
    reason = text_field("Why another manager?", "Say why another manager signs it off", attrs=SHORT)


class ThresholdForm(ChoosingForm):
    level = radios("New threshold level", "Choose the threshold level")
    reason = text_field("Why does the threshold change?", "Say why the threshold changes")

    def __init__(self, *args: Any, levels: Sequence[ThresholdLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("level", levels, level_label)


class AssessorForm(ChoosingForm):
    assessor = forms.ChoiceField(
        label="Assessor",
        help_text="Usually the case's lead. A manager who will sign the assessment off "
        "should not assess it.",
        error_messages=_required("Choose the assessor"),
    )

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_workers("assessor", workers)


class ReasonForm(GovukForm):
    reason = text_field("Why?", "Say why", attrs=SHORT)


# --- Assessment --------------------------------------------------------------------------------

RATING_CHOICES = [(r.value, r.label) for r in Rating]


class AssessmentForm(ChoosingForm):
    """One group of fields per domain of the template: strengths, concerns, rating."""

    capacity_analysis = text_field(
        "Analysis: the context's capacity to safeguard",
        required=False,
        help_text="What in the context keeps young people safe, what does not, and what must "
        "change first.",
    )
    recommendation = optional_choice(
        "Recommendation",
        "Choose a recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )

    manager = optional_choice(
        "Manager to sign it off (when you submit)",
        "Choose a manager from the list",
        help_text="A manager of the case's team who did not lead or assess it. The request "
        "goes to their My work.",
    )

    def __init__(
        self,
        *args: Any,
        assessment: ContextAssessment,
        managers: Sequence[Worker] = (),
        **kwargs: Any,
    ) -> None:
        findings = list(assessment.findings.all())
        initial = {
            "capacity_analysis": assessment.capacity_analysis,
            "recommendation": assessment.recommendation,
        }
        for f in findings:
            initial.update(
                {
                    f"{f.key}-strengths": f.strengths,
                    f"{f.key}-concerns": f.concerns,
                    f"{f.key}-rating": f.rating,
                }
            )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        domains = {d["key"]: d for d in assessment.template.domains}
        fields: dict[str, Any] = {}
        self.domains: list[tuple[dict[str, Any], list[str]]] = []
        for f in findings:
            spec = domains.get(f.key, {"title": f.title, "prompt": "", "indicators": []})
            names = [f"{f.key}-strengths", f"{f.key}-concerns", f"{f.key}-rating"]
            fields[names[0]] = text_field(f"Strengths: {f.title}", required=False, attrs=SHORT)
            fields[names[1]] = text_field(f"Concerns: {f.title}", required=False, attrs=SHORT)
            fields[names[2]] = optional_choice(
                f"Rating: {f.title}",
                f"Choose red, amber or green for {f.title}",
                choices=RATING_CHOICES,
                widget=forms.RadioSelect,
            )
            self.domains.append(({**spec, "title": f.title}, names))
        self.put_first(**fields)
        self.offer_workers("manager", managers, first="Choose a manager")

    def domain_fields(self) -> list[tuple[dict[str, Any], list[forms.BoundField]]]:
        return [(spec, [self[n] for n in names]) for spec, names in self.domains]

    def findings(self) -> dict[str, FindingInput]:
        data = self.cleaned_data
        return {
            names[0].rsplit("-", 1)[0]: FindingInput(
                strengths=data.get(names[0], ""),
                concerns=data.get(names[1], ""),
                rating=data.get(names[2], ""),
            )
            for _, names in self.domains
        }


class EvidenceForm(GovukForm):
    domain = forms.ChoiceField(label="Domain", error_messages=_required("Choose the domain"))
    text = text_field("Evidence", "Describe the evidence", attrs=SHORT)
    source = forms.ChoiceField(
        label="Where it came from",
        choices=[("", "Choose a source"), *Source.choices],
        error_messages=_required("Choose where the evidence came from"),
    )

    def __init__(self, *args: Any, domains: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "domain", [("", "Choose a domain"), *domains])


class SignOffForm(GovukForm):
    outcome = radios("Your decision", "Choose your decision")
    note = text_field(
        "Note", required=False, attrs=SHORT, help_text="Needed when you do not approve."
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", list(choices))


# --- Conference --------------------------------------------------------------------------------


class ConferenceScheduleForm(ChoosingForm):
    when = date_field("Date")
    time = time_field()
    location = forms.CharField(label="Where", max_length=200, required=False)
    chair = forms.ChoiceField(
        label="Chair",
        help_text="An independent chair, as for a child protection conference.",
        error_messages=_required("Choose the chair"),
    )

    moment = staticmethod(ScheduleForm.moment)

    def __init__(self, *args: Any, chairs: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_workers("chair", chairs, first="Choose the chair")


ATTENDANCE_CHOICES = [("attended", "Attended"), ("apologies", "Sent apologies"), ("", "Not there")]


def _partner_lines(text: str) -> list[tuple[str, str, str]]:
    """'Name, Organisation, Role' lines (organisation and role optional)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",", 2)]
        if parts and parts[0]:
            organisation, role = [*parts[1:], "", ""][:2]
            out.append((parts[0], organisation, role))
    return out


class ConferenceRecordForm(BasisForm):
    partners = text_field(
        "Partners and others who attended (optional)",
        required=False,
        attrs=SHORT,
        help_text="One on each line: name, organisation, role. For example: Pat Jones, "
        "Mare Street Residents' Association, Chair.",
    )
    partner_apologies = text_field(
        "Partners and others who sent apologies (optional)",
        required=False,
        attrs=SHORT,
        help_text="One on each line, as above.",
    )
    minutes = text_field(
        "Minutes",
        "Write the minutes",
        help_text="A conference discusses the context, not individual children: do not name "
        "children.",
    )
    decisions = text_field(
        "Decisions (optional)", required=False, attrs=SHORT, help_text="One decision on each line."
    )
    plan_agreed = radios(
        "Was a context safeguarding plan agreed?",
        "Say whether a plan was agreed",
        [("yes", "Yes"), ("no", "No")],
    )
    names_confirmed = forms.BooleanField(
        label="The names must stay in the minutes",
        required=False,
    )

    def __init__(self, *args: Any, workers: Sequence[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = list(workers)
        attendance = {
            f"worker_{w.pk}": forms.ChoiceField(
                label=naming.present_label(naming.holder_text(w), w),
                required=False,
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial="",
            )
            for w in self.workers
        }
        self.put_first(**attendance)

    def worker_fields(self) -> list[forms.BoundField]:
        return [self[f"worker_{w.pk}"] for w in self.workers]

    def attendees(self) -> list[AttendeeInput]:
        data = self.cleaned_data
        people = [
            AttendeeInput(attendance=data[f"worker_{w.pk}"], worker=w)
            for w in self.workers
            if data.get(f"worker_{w.pk}")
        ]
        for field, attendance in (("partners", "attended"), ("partner_apologies", "apologies")):
            people.extend(
                AttendeeInput(attendance=attendance, name=n, organisation=o, role=r)
                for n, o, r in _partner_lines(data.get(field, ""))
            )
        return people

    def decision_lines(self) -> list[str]:
        return [d for d in self.cleaned_data.get("decisions", "").splitlines() if d.strip()]


# --- Plan --------------------------------------------------------------------------------------


class GoalForm(GovukForm):
    statement = text_field(
        "Goal",
        "Write the goal",
        attrs=SHORT,
        help_text="A goal statement: a triangle indicator turned positive, for example "
        "'Young people are safe in the car park after school'.",
    )
    measure = text_field(
        "How it will be measured", "Say how progress will be measured", attrs=SHORT
    )
    domain_key = optional_choice(
        "Assessment domain (optional)",
        "Choose a domain of the assessment",
    )

    def __init__(self, *args: Any, domains: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "domain_key", [("", "None"), *domains])


class ActionForm(ChoosingForm):
    description = text_field("What will be done", "Describe the action", attrs=SHORT)
    goal = optional_choice(
        "Goal it serves (optional)",
        "Choose a goal of this plan",
    )
    agency = forms.ChoiceField(
        label="Agency or partner delivering it",
        error_messages=_required("Choose the agency or partner that delivers it"),
    )
    owner = optional_choice(
        "Owner",
        "Choose a worker from the list",
    )
    owner_name = forms.CharField(
        label="Or the owner's name",
        required=False,
        help_text="For a partner with no Locus account: name and role.",
    )
    due_on = date_field("Due date")
    protective = optional_choice(
        "Protective action (optional)",
        "Choose a kind of protective action from the list",
        choices=[("", "Not a protective action"), *Protective.choices],
        help_text="What it does to make the place safer, followed to the case's closure.",
    )
    builds_on = optional_choice(
        "Strengths it builds on (optional)",
        "Choose strengths from the list",
        field=forms.MultipleChoiceField,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the aspirational profiles of the children the plan affects.",
    )

    def __init__(
        self,
        *args: Any,
        goals: Sequence[PlanGoal],
        agencies: Sequence[Agency],
        owners: Iterable[Worker],
        strengths: Sequence[BuildOn] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only strengths of children the viewer sees are offered (build_on_for leaves out
        # the rest); with none to offer the question is not asked.
        if strengths:
            set_choices(self, "builds_on", build_on_choices(strengths))
        else:
            del self.fields["builds_on"]
        self.offer("goal", goals, lambda g: g.statement[:90], first="None")
        self.offer("agency", agencies, lambda a: a.name, first="Choose")
        self.offer_workers("owner", owners, first="Named below")

    def strength_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data.get("builds_on", [])]


class ActionUpdateForm(GovukForm):
    status = radios("Status now", "Choose the action's status")
    note = text_field("What has happened", "Say what has happened", attrs=SHORT)
    due_on = date_field("Due date", required=False, hint="Change it only if it has moved.")

    def __init__(self, *args: Any, action: PlanAction, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": action.status, "due_on": action.due_on})
        super().__init__(*args, **kwargs)
        labels = dict(ActionStatus.choices)
        set_choices(self, "status", [(s, labels[s]) for s in next_action_statuses(action.status)])


class GiveActionForm(ChoosingForm):
    """Give an action to someone else: who takes it on, and why."""

    owner = forms.ChoiceField(
        label="Who takes it on", error_messages=_required("Choose a worker from the list")
    )
    reason = text_field("Why does it go to them?", "Say why the action goes to someone else")
    understood = forms.BooleanField(
        label="Give it to them even if they cannot open this case",
        help_text="Someone who cannot open this case (a partner organisation's worker, or a "
        "worker outside its team) reads this action, the reason you give here and the updates "
        "written from now on. They do not read its earlier updates, its place, the rest of "
        "the plan or the children.",
        required=False,
    )

    def __init__(self, *args: Any, owners: Iterable[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_workers("owner", owners, first="Choose")


class PlanChildForm(GovukForm):
    link = radios("Child, and the child's own plan", "Choose the child")

    def __init__(self, *args: Any, options: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "link", list(options))


# --- Review and closure ------------------------------------------------------------------------


def goal_fields(
    goals: Sequence[PlanGoal], asked: str, message: str, note: str, *, required: bool
) -> dict[str, Any]:
    """Per goal, radios for its progress (or outcome), measured as the goal says, and a note:
    the ``goal_<id>`` fields :func:`goal_answers` reads. ``message`` may place the goal's
    statement with ``{}``."""
    fields: dict[str, Any] = {}
    for g in goals:
        short = goal_named(g.statement)
        fields[f"goal_{g.pk}"] = radios(
            f"{asked}: {g.statement}",
            message.format(short),
            Progress.choices,
            required=required,
            help_text=f"Measured by: {g.measure}",
        )
        fields[f"goal_{g.pk}_note"] = text_field(
            f"Note on {note}: {short} (optional)", required=False, attrs=GOAL_NOTE
        )
    return fields


def goal_named(statement: str, most: int = 70) -> str:
    """A goal's statement short enough to name it in a label, cut after a whole word and
    marked as cut ("... after…"), never in the middle of a word ("after s")."""
    if len(statement) <= most:
        return statement
    return statement[:most].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def goal_answers(data: dict[str, Any], goals: Sequence[PlanGoal]) -> dict[int, ProgressInput]:
    """The progress (or outcome) given for each goal, with its note: ``goal_<id>`` fields."""
    return {
        g.pk: ProgressInput(data.get(f"goal_{g.pk}", ""), data.get(f"goal_{g.pk}_note", ""))
        for g in goals
        if data.get(f"goal_{g.pk}")
    }


class ReviewForm(GovukForm):
    held_on = date_field("Date of the review")
    summary = text_field("Summary", "Summarise the review")
    decision = radios("Decision", "Choose the review's decision", ReviewDecision.choices)

    def __init__(
        self, *args: Any, goals: Sequence[PlanGoal], asks_to_close: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        # Whether the reviewer asks to close the case when the review decides to (the case's
        # team); its conference's chair does not, and goes back to the plan.
        self.asks_to_close = asks_to_close
        if not asks_to_close:
            # The chair decides; the case's team asks for the closure, and is told to.
            self.fields["decision"].help_text = (
                "If you decide to step down or close, the plan goes back to the case's lead, "
                "who is told to ask for the closure: only the case's team can ask to close it."
            )
        progress = goal_fields(
            self.goals, "Progress", "Record progress on the goal: {}", "progress", required=True
        )
        fields = dict(self.fields)
        self.fields = {"held_on": fields.pop("held_on"), **progress, **fields}

    def progress(self) -> dict[int, ProgressInput]:
        return goal_answers(self.cleaned_data, self.goals)


class ClosureRequestForm(ManagerForm):
    """The closure's evidence: the outcome, each domain re-rated (or why not), the outcome
    against each goal, and the manager asked to sign it off."""

    outcome = radios("Outcome", "Choose the outcome", ClosureOutcome.choices)
    reason = text_field("Why can the case close?", "Say why the case can close")
    no_rating_reason = text_field(
        "Or: why the domains are not re-rated",
        required=False,
        attrs=SHORT,
        help_text="Only when re-rating is not possible (for example, the context no longer "
        "exists).",
    )
    manager = manager_field("Manager to sign off the closure")

    def __init__(
        self,
        *args: Any,
        findings: Sequence[Any],
        goals: Sequence[PlanGoal],
        managers: Sequence[Worker],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, managers=managers, **kwargs)
        self.findings = list(findings)
        self.goals = list(goals)
        extra: dict[str, Any] = {}
        for f in self.findings:
            extra[f"rating_{f.key}"] = optional_choice(
                f"Rating now: {f.title}",
                f"Choose red, amber or green for {f.title}",
                choices=RATING_CHOICES,
                widget=forms.RadioSelect,
                help_text=f"At assessment: {f.get_rating_display() or 'not rated'}",
            )
        extra.update(
            goal_fields(
                self.goals,
                "Outcome",
                "Choose the outcome against the goal",
                "the outcome",
                required=False,
            )
        )
        fields = dict(self.fields)
        head = {k: fields.pop(k) for k in ("outcome", "reason")}
        self.fields = {**head, **extra, **fields}

    def ratings(self) -> dict[str, str]:
        data = self.cleaned_data
        return {f.key: data.get(f"rating_{f.key}", "") for f in self.findings}

    def goal_outcomes(self) -> dict[int, ProgressInput]:
        return goal_answers(self.cleaned_data, self.goals)
