"""Admin for context casework.

The threshold levels and assessment templates are reference data an authority
adapts here (a changed template is best added as a new version, so running
assessments keep theirs). Case records are read only here: their states, approvals
and sign-offs move only through the casework services, which keep the rules (nobody
signs off their own work; the IT administrator signs off nothing).
"""

from django.contrib import admin

from locus.casework import models
from locus.common.admin import AuditedAdmin, register_case_records


@admin.register(models.ThresholdLevel)
class ThresholdLevelAdmin(AuditedAdmin):
    list_display = ("order", "name", "suggested_decision", "screening_sign_off", "active")
    list_editable = ("active",)
    ordering = ("order",)


@admin.register(models.AssessmentTemplate)
class AssessmentTemplateAdmin(AuditedAdmin):
    list_display = ("name", "kind", "version", "active")
    list_filter = ("kind", "active")


# Case records need no more than four of the options Django's admin takes by name (it builds
# each one's CaseRecordAdmin subclass from them): field names, space-separated, for
# list_display, list_filter, list_select_related and raw_id_fields.
register_case_records(
    {
        models.Referral: (
            "pk about context referring_agency received_on status",
            "status about decision",
            "context referring_agency",
            "context recorded_by screened_by case threshold_level",
        ),
        models.ContextCase: (
            "context status lead team opened_on",
            "status",
            "context lead team",
            "context lead team opened_by closure_requested_by",
        ),
        models.ContextAssessment: (
            "case status due_on assessor",
            "status",
            "case__context assessor",
            "case assessor approved_by",
        ),
        models.ContextConference: (
            "case status due_on scheduled_for",
            "status",
            "case__context",
            "case chair assessment recorded_by",
        ),
        models.ConferenceAttendee: (
            "conference worker name organisation attendance",
            "",
            "conference__case__context worker",
            "conference worker agency",
        ),
        models.ContextPlan: (
            "case status approved_at",
            "status",
            "case__context",
            "case drafted_by agreed_at approved_by",
        ),
        models.PlanAction: (
            "description plan agency owner owner_name due_on status",
            "status source",
            "plan__case__context agency owner",
            "plan goal agency owner created_by",
        ),
        models.PlanReview: (
            "plan status due_on held_on decision",
            "status decision",
            "plan__case__context",
            "plan recorded_by",
        ),
        models.Approval: (
            "case subject outcome by at",
            "subject outcome",
            "case__context by",
            "case by",
        ),
        models.SignOffRequest: (
            "case subject manager requested_by requested_at decided_at",
            "subject",
            "case__context manager requested_by",
            "case manager requested_by reassigned_by",
        ),
        models.ThresholdRevision: (
            "case before after by at",
            "",
            "case__context before after by",
            "case by",
        ),
    },
    read_only=True,
)
