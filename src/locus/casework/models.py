"""Context casework: a context (a peer group, school, park, shopping centre...) as a Level 2 case.

Child protection asks whether parents can keep a child safe and runs a fixed
process: referral, assessment, conference, plan, reviews. Contextual
Safeguarding runs the same process on a *context* and asks about the
context's **capacity to safeguard** (docs/domain.md). The records here follow it:

``Referral`` (screened against the configurable ``ThresholdLevel``) ->
``ContextCase`` -> ``ContextAssessment`` (a triangle from an
``AssessmentTemplate``, held as data) -> ``ContextConference`` ->
``ContextPlan`` (goals, actions, the children it affects) -> ``PlanReview``
-> closure. Manager sign-offs are ``Approval`` rows.

Each record with a workflow has a state machine (``forums.machine.Machine``): a
dict of the moves allowed from each status. Services ask it for the next status, and
it raises :class:`InvalidTransition` with a plain message for any other move.
Deadlines are stored on the record (``due_on``) when it enters the state that
starts the clock (``deadlines.py``).

Ratings rate a context's domains, never a child: Locus does not score children.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Agency, Team, optional_worker, recorded_fields
from locus.common.modelkit import due_meta, link_meta, once_each, optional_fk
from locus.common.models import Source, one_open_constraint
from locus.forums import models as forums
from locus.forums.machine import PREVIOUS, Machine
from locus.forums.models import ACTION_MACHINE
from locus.incidents.models import Involvement
from locus.peers.models import GroupMembership
from locus.people.models import LegalStatusEpisode, Person, person_fk
from locus.places.models import Context

# --- Threshold ----------------------------------------------------------------------------


class ScreeningDecision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    LEVEL_1 = "level_1", "Level 1: work with the named children"
    CONTEXT_ASSESSMENT = "assessment", "Level 2: assess the context"


class ThresholdLevel(models.Model):
    """One level of the context threshold ("Context Well-Being Framework").

    Levels start at Universal and are data: an authority renames, adds or
    retires levels in the admin. Each leads to one screening decision
    (``suggested_decision``): threshold and decision must agree, so a case can
    never sit at "Universal" while being assessed at Level 2.
    """

    order = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    suggested_decision = models.CharField(
        "decision",
        max_length=12,
        choices=ScreeningDecision.choices,
        help_text="The screening decision this level leads to: a decision must agree with "
        "its level (a screener who judges otherwise chooses another level).",
    )
    active = models.BooleanField(default=True)
    screening_sign_off = models.BooleanField(
        default=False,
        help_text="A case opened at this level needs a manager's sign-off of the screening "
        "decision before its assessment is signed off.",
    )

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


# --- Referrals ----------------------------------------------------------------------------


class ReferralAbout(models.TextChoices):
    CONTEXT = "context", "A context"
    CHILD = "child", "A child or children"


class ReferralStatus(models.TextChoices):
    NEW = "new", "Awaiting a decision"
    SCREENED = "screened", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


REFERRAL_MACHINE = Machine(
    what="referral",
    statuses=ReferralStatus,
    moves={
        ReferralStatus.NEW: {
            "screen": ReferralStatus.SCREENED,
            "withdraw": ReferralStatus.WITHDRAWN,
        },
        ReferralStatus.SCREENED: {},
        ReferralStatus.WITHDRAWN: {},
    },
    verbs={"screen": "decide on it again", "withdraw": "withdraw it"},
)


class Referral(models.Model):
    """A referral from any agency, partners included, about a context or about children.

    A referral about children can name the contexts involved (a group, a
    route, a shop), so that the screener sees every referral naming the same
    context. ``due_on`` is the decision deadline (one working day).
    """

    about = models.CharField(max_length=10, choices=ReferralAbout.choices)
    context = optional_fk(
        Context,
        "referrals",
        help_text="The context the referral is about (for a referral about a context).",
    )
    summary = models.TextField(help_text="What is happening, as the referrer told it.")
    referring_agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="context_referrals"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    received_on = models.DateField()
    recorded_by, recorded_at = recorded_fields()
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    due_on = models.DateField()
    threshold_level = optional_fk(ThresholdLevel)
    decision = models.CharField(max_length=12, choices=ScreeningDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    screened_by = optional_worker()
    screened_at = models.DateTimeField(null=True, blank=True)
    case = optional_fk(
        "ContextCase", "referrals", help_text="The context case the decision opened or joined."
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["referring_agency"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(about="context") | models.Q(context__isnull=False),
                name="referral_about_context_names_it",
            )
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} received {self.received_on:%d/%m/%Y}"


class ReferralContext(models.Model):
    """A context a referral names (its subject, or one involved: a group, a route)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="named_contexts")
    context = models.ForeignKey(
        "places.Context", on_delete=models.PROTECT, related_name="referral_mentions"
    )

    Meta = link_meta("referral", "context", name="referral_context_once")

    def __str__(self) -> str:
        return f"context {self.context_id} in referral {self.referral_id}"


class ReferralChild(models.Model):
    """A child a referral names. Named only by a referrer who may see them."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="named_children")
    # A child purged under the retention rules leaves the referral with them.
    person = person_fk("context_referrals")

    Meta = link_meta(
        "referral",
        "person",
        name="referral_child_once",
        said=("child on a referral", "children on referrals"),
    )

    def __str__(self) -> str:
        return f"child {self.person_id} in referral {self.referral_id}"


# --- The case -----------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    CONFERENCE = "conference", "Conference"
    PLAN = "plan", "Plan"
    CLOSING = "closing", "Closure awaiting approval"
    CLOSED = "closed", "Closed"


CASE_MACHINE = Machine(
    what="case",
    statuses=CaseStatus,
    moves={
        CaseStatus.ASSESSMENT: {
            "call_conference": CaseStatus.CONFERENCE,
            "request_closure": CaseStatus.CLOSING,
        },
        CaseStatus.CONFERENCE: {
            "agree_plan": CaseStatus.PLAN,
            "request_closure": CaseStatus.CLOSING,
        },
        CaseStatus.PLAN: {"request_closure": CaseStatus.CLOSING},
        CaseStatus.CLOSING: {"approve_closure": CaseStatus.CLOSED, "refuse_closure": PREVIOUS},
        CaseStatus.CLOSED: {},
    },
    verbs={
        "call_conference": "call a conference now",
        "agree_plan": "agree a plan at a conference now",
        "request_closure": "ask to close it now",
        "approve_closure": "approve its closure now",
        "refuse_closure": "refuse its closure now",
    },
    states={
        CaseStatus.ASSESSMENT: "at assessment",
        CaseStatus.CONFERENCE: "waiting for its conference",
        CaseStatus.PLAN: "under a plan",
        CaseStatus.CLOSING: "waiting for a manager to approve its closure",
    },
)

OPEN_CASE_STATUSES = (
    CaseStatus.ASSESSMENT,
    CaseStatus.CONFERENCE,
    CaseStatus.PLAN,
    CaseStatus.CLOSING,
)


class ClosureOutcome(models.TextChoices):
    IMPROVED = "improved", "The context is safer: goals met"
    STEPPED_DOWN = "stepped_down", "Stepped down to Level 1 work and universal partners"
    NO_FURTHER_ACTION = "nfa", "No further action after assessment"
    # A home (or other place) where abuse happened, protected until it no longer is.
    NO_LONGER_USED = "no_longer_used", "No longer used for abuse"
    OTHER = "other", "Other"


class ContextCase(models.Model):
    """A Level 2 case: the context itself is the subject, led by a worker and their team.

    A context has at most one open case at a time; a later referral joins it.
    """

    context = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.ASSESSMENT
    )
    threshold_level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="context_cases_led"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="context_cases")
    opened_on = models.DateField()
    opened_by, opened_at = recorded_fields()
    status_before_closing = models.CharField(max_length=12, choices=CaseStatus.choices, blank=True)
    closure_outcome = models.CharField(max_length=15, choices=ClosureOutcome.choices, blank=True)
    closure_reason = models.TextField(blank=True)
    closure_requested_by = optional_worker()
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    #: The closure's evidence, asked for with the request: each assessment domain re-rated
    #: ({key: rating}), or the reason not to, and the outcome against each goal
    #: ({goal id: {"progress": ..., "note": ...}}).
    closure_ratings = models.JSONField(default=dict, blank=True)
    closure_no_rating_reason = models.TextField(blank=True)
    closure_goal_outcomes = models.JSONField(default=dict, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["team", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["context"],
                condition=~models.Q(status="closed"),
                name="context_case_one_open_per_context",
            )
        ]

    def __str__(self) -> str:
        return f"Context case: {self.context}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def takes_work(self) -> bool:
        """Open and not waiting for a manager to decide on closing it: the team may work its
        assessment, conference, plan and level (casework.services._still_open)."""
        return self.is_open and self.status != CaseStatus.CLOSING

    def linked_child_ids(
        self, involvements: models.Q | None = None, *, residents: bool = True
    ) -> set[int]:
        """Children linked to the case's context: in incidents there, named in referrals about
        it, on its plan, current members of it (a peer group; one who left is not) or living
        there (a home). A viewer's limits are given by the caller
        (``casework.selectors.linked_child_ids``): ``involvements`` narrows the incidents'
        children, and ``residents=False`` leaves out those living there."""
        context_id = self.context_id
        ids: set[int] = set()
        involved = Involvement.objects.filter(incident__context_id=context_id)
        if involvements is not None:
            involved = involved.filter(involvements)
        ids |= set(involved.values_list("person_id", flat=True))
        referrals = ReferralContext.objects.filter(context_id=context_id).values("referral_id")
        ids |= set(
            ReferralChild.objects.filter(
                models.Q(referral_id__in=referrals) | models.Q(referral__case=self)
            ).values_list("person_id", flat=True)
        )
        ids |= set(PlanChild.objects.filter(plan__case=self).values_list("person_id", flat=True))
        ids |= set(
            GroupMembership.objects.current()
            .filter(group_id=context_id)
            .values_list("person_id", flat=True)
        )
        if residents:
            ids |= set(Person.objects.filter(home_id=context_id).values_list("id", flat=True))
        return ids


# --- Assessment ---------------------------------------------------------------------------


class AssessmentKind(models.TextChoices):
    PEER_GROUP = "peer_group", "Peer group"
    LOCATION = "location", "Neighbourhood or location"
    SCHOOL = "school", "School (Beyond Referrals)"


class Rating(models.TextChoices):
    """A traffic light on one domain of a context (never on a child)."""

    RED = "red", "Red: significant concerns, little in place"
    AMBER = "amber", "Amber: some concerns, some in place"
    GREEN = "green", "Green: safe, in place"


class AssessmentTemplate(models.Model):
    """A configured assessment form: the triangle's domains for one kind of context.

    ``domains`` is a list of ``{"key", "title", "prompt", "indicators": [...]}``.
    Templates are data, not code, so an authority adapts them in the admin; a
    changed template is a new version, and each assessment keeps the one it
    was started with (its findings copy each domain's title).
    """

    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    name = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)
    context_kinds = models.JSONField(
        default=list, help_text="The kinds of context (places.ContextKind values) it assesses."
    )
    guidance = models.TextField(blank=True)
    domains = models.JSONField(default=list)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [once_each("template_kind_version_once", ["kind", "version"])]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class AssessmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Awaiting approval"
    APPROVED = "approved", "Approved"


ASSESSMENT_MACHINE = Machine(
    what="assessment",
    statuses=AssessmentStatus,
    moves={
        AssessmentStatus.NOT_STARTED: {"start": AssessmentStatus.IN_PROGRESS},
        AssessmentStatus.IN_PROGRESS: {
            "save": AssessmentStatus.IN_PROGRESS,
            "submit": AssessmentStatus.SUBMITTED,
        },
        AssessmentStatus.SUBMITTED: {
            "approve": AssessmentStatus.APPROVED,
            "return": AssessmentStatus.IN_PROGRESS,
        },
        AssessmentStatus.APPROVED: {},
    },
    verbs={
        "start": "start it again",
        "save": "change it now",
        "submit": "submit it now",
        "approve": "approve it now",
        "return": "return it now",
    },
)


class Recommendation(models.TextChoices):
    CONFERENCE = "conference", "Hold a context conference and agree a context safeguarding plan"
    STEP_DOWN = "step_down", "Step down: Level 1 work with the children and universal partners"
    CLOSE = "close", "No further action: the context can keep young people safe"


class ContextAssessment(models.Model):
    """The assessment of a context's capacity to safeguard, against a template's triangle."""

    case = models.OneToOneField(ContextCase, on_delete=models.CASCADE, related_name="assessment")
    template = models.ForeignKey(AssessmentTemplate, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED
    )
    due_on = models.DateField()
    assessor = optional_worker()
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = optional_worker()
    capacity_analysis = models.TextField(
        blank=True, help_text="The context's capacity to safeguard young people: the analysis."
    )
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Assessment of {self.case.context}"


class DomainFinding(models.Model):
    """One domain of the triangle: strengths, concerns, a rating, and the evidence."""

    assessment = models.ForeignKey(
        ContextAssessment, on_delete=models.CASCADE, related_name="findings"
    )
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField()
    strengths = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    updated_by = optional_worker()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "order"]
        constraints = [once_each("finding_domain_once", ["assessment", "key"])]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A piece of evidence for a domain, with where it came from (provenance)."""

    finding = models.ForeignKey(DomainFinding, on_delete=models.CASCADE, related_name="evidence")
    text = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices)
    recorded_by, recorded_at = recorded_fields()

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.text[:60]


# --- Conference ---------------------------------------------------------------------------


class ConferenceStatus(models.TextChoices):
    PENDING = "pending", "To be scheduled"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"


CONFERENCE_MACHINE = Machine(
    what="conference",
    statuses=ConferenceStatus,
    moves={
        ConferenceStatus.PENDING: {"schedule": ConferenceStatus.SCHEDULED},
        ConferenceStatus.SCHEDULED: {
            "schedule": ConferenceStatus.SCHEDULED,
            "record": ConferenceStatus.HELD,
        },
        ConferenceStatus.HELD: {},
    },
    verbs={"schedule": "schedule it now", "record": "record it now"},
)


class ContextConference(models.Model):
    """A context conference: mirrors a child protection conference, about the context.

    It discusses the context, not individual children; the minutes page warns
    when a child linked to the context is named. ``due_on`` is 15 working days
    from the assessment's approval.
    """

    case = models.ForeignKey(ContextCase, on_delete=models.CASCADE, related_name="conferences")
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.PENDING
    )
    due_on = models.DateField()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    chair = optional_worker()
    assessment = optional_fk(
        ContextAssessment, help_text="The assessment presented to the conference."
    )
    minutes = models.TextField(blank=True)
    names_confirmed = models.BooleanField(
        default=False,
        help_text="The recorder kept a child's name in the minutes knowingly, after the warning.",
    )
    plan_agreed = models.BooleanField(null=True, blank=True)
    recorded_by = optional_worker()
    recorded_at = models.DateTimeField(null=True, blank=True)

    Meta = due_meta()

    def __str__(self) -> str:
        return f"Context conference: {self.case.context}"


class ConferenceAttendee(models.Model):
    """Someone at (or sending apologies to) a conference: a worker, or a partner by name.

    Partners (a centre manager, a residents' association) often have no account,
    so they are recorded by name and organisation.
    """

    conference = models.ForeignKey(
        ContextConference, on_delete=models.CASCADE, related_name="attendees"
    )
    worker = optional_worker()
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    agency = optional_fk(Agency)
    role = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(max_length=10, choices=forums.Attendance.choices)
    # When the worker's access had waited since, if it waited for a second person when they
    # were recorded: the row says they were in the room and carries nothing (to them or their
    # agency) while that same wait lasts (``access.provisioning.same_wait_q``).
    access_waited_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(worker__isnull=False) | ~models.Q(name=""),
                name="attendee_worker_or_name",
            )
        ]
        indexes = [models.Index(fields=["worker"]), models.Index(fields=["agency"])]

    def __str__(self) -> str:
        return str(self.worker) if self.worker_id else self.name


class ConferenceDecision(forums.Decision):
    conference = models.ForeignKey(
        ContextConference, on_delete=models.CASCADE, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["conference", "order"]


# --- Plan ---------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Approved"
    ENDED = "ended", "Ended"


PLAN_MACHINE = Machine(
    what="plan",
    statuses=PlanStatus,
    moves={
        PlanStatus.DRAFT: {
            "edit": PlanStatus.DRAFT,
            "approve": PlanStatus.ACTIVE,
            "end": PlanStatus.ENDED,
        },
        PlanStatus.ACTIVE: {
            "edit": PlanStatus.ACTIVE,
            "review": PlanStatus.ACTIVE,
            "end": PlanStatus.ENDED,
        },
        PlanStatus.ENDED: {},
    },
    verbs={
        "edit": "add to it or change it",
        "approve": "approve it now",
        "review": "review it now",
        "end": "end it now",
    },
)


class ContextPlan(models.Model):
    """The context safeguarding plan: goals, actions by agencies and partners, reviews."""

    case = models.OneToOneField(ContextCase, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    drafted_by, drafted_at = recorded_fields()
    agreed_at = optional_fk(ContextConference, help_text="The conference that agreed the plan.")
    approved_by = optional_worker()
    approved_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Context safeguarding plan: {self.case.context}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"


class PlanGoal(models.Model):
    """A goal statement (Contextual Outcomes Framework) with how it will be measured."""

    plan = models.ForeignKey(ContextPlan, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField()
    measure = models.TextField(help_text="How progress towards the goal will be measured.")
    domain_key = models.CharField(
        max_length=60, blank=True, help_text="The assessment domain the goal turns positive."
    )
    order = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by, created_at = recorded_fields()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.statement[:60]


class ActionSource(models.TextChoices):
    """Where an action was agreed: in the casework itself, or at another forum (an HSB
    meeting, a MACE panel) that lands its actions on the plan (``services.action_land``)."""

    PLAN = "plan", "Context safeguarding plan"
    CONFERENCE = "conference", "Context conference"
    REVIEW = "review", "Plan review"
    HSB_MEETING = "hsb_meeting", "Contextual HSB meeting"
    MACE_PANEL = "mace_panel", "MACE panel"


class Protective(models.TextChoices):
    """What an action does to protect a place (a vulnerable home, a park): the kinds a
    plan follows to closure. An action of none of these kinds leaves it blank."""

    LIGHTING = "lighting", "Lighting"
    CCTV = "cctv", "CCTV"
    DOOR_ENTRY = "door_entry", "Door entry"
    SCHOOLS_OFFICER = "schools_officer", "Schools officer"
    YOUTH_SERVICE = "youth_service", "Youth service"
    POLICING = "policing", "Policing"
    HOUSING_MANAGEMENT = "housing", "Housing management"
    OTHER = "other", "Other protective action"


#: Forums outside the case whose actions land on an approved plan.
FORUM_SOURCES = frozenset({ActionSource.HSB_MEETING, ActionSource.MACE_PANEL})


class PlanAction(forums.Action):
    """An action on a plan, delivered by an agency and owned by a worker or a partner by name.

    ``source`` says where it was agreed; other forums (an HSB meeting, a MACE
    panel) land their actions on the same plans with their own source and a
    link to their item.
    """

    plan = models.ForeignKey(ContextPlan, on_delete=models.CASCADE, related_name="actions")
    goal = optional_fk(PlanGoal, "actions")
    agency = models.ForeignKey(
        "access.Agency",
        on_delete=models.PROTECT,
        related_name="context_plan_actions",
        help_text="The agency or partner organisation that delivers it.",
    )
    # A partner without a Locus account owns an action by name (``owner_name``), so a plan's
    # owner may be empty where every other forum's is a worker.
    owner = optional_worker("context_plan_actions")  # type: ignore[assignment]
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="The owner, when they have no Locus account."
    )
    source = models.CharField(max_length=30, choices=ActionSource.choices, default="plan")
    builds_on = models.ManyToManyField(
        "profiles.ProfileItem",
        blank=True,
        related_name="+",
        help_text="Strengths of the children the plan affects that the action builds on.",
    )
    completed_on = models.DateField(null=True, blank=True)
    protective = models.CharField(max_length=20, choices=Protective.choices, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["agency", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="plan_action_has_owner",
            )
        ]

    @property
    def owner_text(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name


class PlanActionUpdate(forums.ActionUpdate):
    """One step in an action's history: what happened, its status and due date after it.

    A step that gave the action to someone else names them (``given_to``) and the team of the
    owner it took the action from, as it was then (``from_team``): an owner who may not see
    the case, and a partner, read the history from the latest step that brought the action
    to their side (their team; a partner's, its organisation) from outside it, as the notes
    before it were written for the case's team (``context_cases.updates_shown``). Its note
    says whom it was given to, by whom and from whom, for every reader of the history; its
    ``reason`` (the giver's words alone) is what the new owner's own page shows under
    "Given to you"."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    given_to = optional_worker()
    from_team = optional_fk(
        Team,
        help_text="A hand-over's: the team of the owner it took the action from, as it was then.",
    )
    reason = models.TextField(blank=True, help_text="A hand-over's: why, in the giver's words.")


class PlanChild(models.Model):
    """A child the context plan affects, linked to the child's own plan where there is one.

    Linking gives nobody sight of the child: each page names only the children
    its viewer may already see.
    """

    plan = models.ForeignKey(ContextPlan, on_delete=models.CASCADE, related_name="children")
    person = person_fk("context_plan_links")
    episode = optional_fk(
        LegalStatusEpisode,
        on_delete=models.SET_NULL,
        help_text="The child's own plan (CIN, CP, looked after, youth justice) it links to.",
    )
    added_by, added_at = recorded_fields()

    Meta = link_meta(
        "plan", "person", name="plan_child_once", said=("child on a plan", "children on plans")
    )

    def __str__(self) -> str:
        return f"child {self.person_id} on plan {self.plan_id}"


# --- Reviews ------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


REVIEW_MACHINE = Machine(
    what="review",
    statuses=ReviewStatus,
    moves={
        ReviewStatus.DUE: {"record": ReviewStatus.HELD, "cancel": ReviewStatus.CANCELLED},
        ReviewStatus.HELD: {},
        ReviewStatus.CANCELLED: {},
    },
    verbs={"record": "record it again", "cancel": "cancel it"},
)


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    STEP_DOWN = "step_down", "Step down to Level 1 work and universal partners"
    CLOSE = "close", "Close: the context is safer"


class PlanReview(models.Model):
    """A review of the plan, due on a schedule (every 12 weeks), with progress per goal."""

    plan = models.ForeignKey(ContextPlan, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="due")
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, blank=True)
    recorded_by = optional_worker()
    recorded_at = models.DateTimeField(null=True, blank=True)

    Meta = due_meta()

    def __str__(self) -> str:
        return f"Review due {self.due_on:%d/%m/%Y}"


class Progress(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    IMPROVING = "improving", "Improving"
    NO_CHANGE = "no_change", "No change"
    WORSE = "worse", "Worse"


class GoalProgress(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=10, choices=Progress.choices)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "goal progress"
        ordering = ["review", "goal__order"]
        constraints = [once_each("progress_goal_once", ["review", "goal"])]

    def __str__(self) -> str:
        return f"{self.get_progress_display()} on goal {self.goal_id}"


class ThresholdRevision(models.Model):
    """The case's threshold level changed, with who changed it, when and why (history kept)."""

    case = models.ForeignKey(
        ContextCase, on_delete=models.CASCADE, related_name="threshold_revisions"
    )
    before = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="+")
    after = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by, at = recorded_fields()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Threshold {self.before} to {self.after}"


# --- Approvals ----------------------------------------------------------------------------


class ApprovalSubject(models.TextChoices):
    SCREENING = "screening", "Screening decision"
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    CLOSURE = "closure", "Closure"


class SignOffRequest(models.Model):
    """A sign-off asked of one named manager: the only one who may give it.

    The author picks an eligible manager (a manager of the case's team who did not
    write, lead or assess the piece); the request is in that manager's My work. It
    may be passed to another eligible manager, with a reason. It is open until the
    manager approves or returns the piece (``decided_at``).
    """

    case = models.ForeignKey(ContextCase, on_delete=models.CASCADE, related_name="sign_offs")
    subject = models.CharField(max_length=12, choices=ApprovalSubject.choices)
    manager = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    requested_by, requested_at = recorded_fields()
    reassigned_reason = models.TextField(blank=True)
    reassigned_by = optional_worker()
    reassigned_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-off request"
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["manager", "decided_at"])]
        constraints = [
            one_open_constraint(
                "sign_off_one_open_per_subject", ["case", "subject"], end="decided_at"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} sign-off asked of {self.manager}"


class ApprovalOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Not approved"


class Approval(models.Model):
    """A manager's sign-off (or refusal) of an assessment, a plan or a closure, with a note."""

    case = models.ForeignKey(ContextCase, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(max_length=12, choices=ApprovalSubject.choices)
    outcome = models.CharField(max_length=10, choices=ApprovalOutcome.choices)
    note = models.TextField(blank=True)
    by, at = recorded_fields()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.get_outcome_display().lower()}"


MACHINES = (
    REFERRAL_MACHINE,
    CASE_MACHINE,
    ASSESSMENT_MACHINE,
    CONFERENCE_MACHINE,
    PLAN_MACHINE,
    ACTION_MACHINE,
    REVIEW_MACHINE,
)
