"""Admin for context casework.

The threshold levels and assessment templates are reference data an authority
adapts here (a changed template is best added as a new version, so running
assessments keep theirs). Case records are read-only in effect: never deleted.
"""

from django.contrib import admin

from locus.casework.models import (
    Approval,
    AssessmentTemplate,
    ConferenceAttendee,
    ContextAssessment,
    ContextCase,
    ContextConference,
    ContextPlan,
    PlanAction,
    PlanReview,
    Referral,
    SignOffRequest,
    ThresholdLevel,
    ThresholdRevision,
)
from locus.common.admin import AuditedAdmin, CaseRecordAdmin


@admin.register(ThresholdLevel)
class ThresholdLevelAdmin(AuditedAdmin):
    list_display = ("order", "name", "suggested_decision", "screening_sign_off", "active")
    list_editable = ("active",)
    ordering = ("order",)


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(AuditedAdmin):
    list_display = ("name", "kind", "version", "active")
    list_filter = ("kind", "active")


@admin.register(Referral)
class ReferralAdmin(CaseRecordAdmin):
    list_display = ("pk", "about", "context", "referring_agency", "received_on", "status")
    list_filter = ("status", "about", "decision")
    list_select_related = ("context", "referring_agency")
    raw_id_fields = ("context", "recorded_by", "screened_by", "case", "threshold_level")


@admin.register(ContextCase)
class ContextCaseAdmin(CaseRecordAdmin):
    list_display = ("context", "status", "lead", "team", "opened_on")
    list_filter = ("status",)
    list_select_related = ("context", "lead", "team")
    raw_id_fields = ("context", "lead", "team", "opened_by", "closure_requested_by")


@admin.register(ContextAssessment)
class ContextAssessmentAdmin(CaseRecordAdmin):
    list_display = ("case", "status", "due_on", "assessor")
    list_select_related = ("case__context", "assessor")
    list_filter = ("status",)
    raw_id_fields = ("case", "assessor", "approved_by")


@admin.register(ContextConference)
class ContextConferenceAdmin(CaseRecordAdmin):
    list_display = ("case", "status", "due_on", "scheduled_for")
    list_select_related = ("case__context",)
    list_filter = ("status",)
    raw_id_fields = ("case", "chair", "assessment", "recorded_by")


@admin.register(ConferenceAttendee)
class ConferenceAttendeeAdmin(CaseRecordAdmin):
    list_display = ("conference", "worker", "name", "organisation", "attendance")
    list_select_related = ("conference__case__context", "worker")
    raw_id_fields = ("conference", "worker", "agency")


@admin.register(ContextPlan)
class ContextPlanAdmin(CaseRecordAdmin):
    list_display = ("case", "status", "approved_at")
    list_select_related = ("case__context",)
    list_filter = ("status",)
    raw_id_fields = ("case", "drafted_by", "agreed_at", "approved_by")


@admin.register(PlanAction)
class PlanActionAdmin(CaseRecordAdmin):
    list_display = ("description", "plan", "agency", "owner", "owner_name", "due_on", "status")
    list_select_related = ("plan__case__context", "agency", "owner")
    list_filter = ("status", "source")
    raw_id_fields = ("plan", "goal", "agency", "owner", "created_by")


@admin.register(PlanReview)
class PlanReviewAdmin(CaseRecordAdmin):
    list_display = ("plan", "status", "due_on", "held_on", "decision")
    list_select_related = ("plan__case__context",)
    list_filter = ("status", "decision")
    raw_id_fields = ("plan", "recorded_by")


@admin.register(Approval)
class ApprovalAdmin(CaseRecordAdmin):
    list_display = ("case", "subject", "outcome", "by", "at")
    list_select_related = ("case__context", "by")
    list_filter = ("subject", "outcome")
    raw_id_fields = ("case", "by")


@admin.register(SignOffRequest)
class SignOffRequestAdmin(CaseRecordAdmin):
    list_display = ("case", "subject", "manager", "requested_by", "requested_at", "decided_at")
    list_select_related = ("case__context", "manager", "requested_by")
    list_filter = ("subject",)
    raw_id_fields = ("case", "manager", "requested_by", "reassigned_by")


@admin.register(ThresholdRevision)
class ThresholdRevisionAdmin(CaseRecordAdmin):
    list_display = ("case", "before", "after", "by", "at")
    list_select_related = ("case__context", "before", "after", "by")
    raw_id_fields = ("case", "by")
