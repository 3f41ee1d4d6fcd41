from django.urls import path

from locus.casework import views

urlpatterns = [
    path("", views.cases_list, name="context-cases"),
    path("referrals/", views.referrals_list, name="context-referrals"),
    path("referrals/new/", views.referral_new, name="context-referral-new"),
    path("referrals/<int:referral_id>/", views.referral_page, name="context-referral"),
    path(
        "referrals/<int:referral_id>/withdraw/",
        views.referral_withdraw,
        name="context-referral-withdraw",
    ),
    path("<int:case_id>/", views.case_page, name="context-case"),
    path("<int:case_id>/assessment/", views.assessment_page, name="context-assessment"),
    path(
        "<int:case_id>/assessment/start/", views.assessment_start, name="context-assessment-start"
    ),
    path("<int:case_id>/assessment/evidence/", views.evidence_add, name="context-evidence"),
    path(
        "<int:case_id>/assessment/sign-off/",
        views.assessment_signoff,
        name="context-assessment-signoff",
    ),
    path("<int:case_id>/conference/", views.conference_page, name="context-conference"),
    path(
        "<int:case_id>/conference/schedule/",
        views.conference_schedule,
        name="context-conference-schedule",
    ),
    path(
        "<int:case_id>/conference/record/",
        views.conference_record,
        name="context-conference-record",
    ),
    path("<int:case_id>/plan/", views.plan_page, name="context-plan"),
    path("<int:case_id>/plan/start/", views.plan_draft, name="context-plan-draft"),
    path("<int:case_id>/plan/goals/add/", views.goal_add, name="context-goal-add"),
    path("<int:case_id>/plan/actions/add/", views.action_add, name="context-action-add"),
    path(
        "<int:case_id>/plan/actions/<int:action_id>/update/",
        views.action_update,
        name="context-action-update",
    ),
    path("<int:case_id>/plan/children/add/", views.plan_child_add, name="context-plan-child"),
    path("<int:case_id>/plan/submit/", views.plan_submit, name="context-plan-submit"),
    path("<int:case_id>/plan/approve/", views.plan_approve, name="context-plan-approve"),
    path("<int:case_id>/threshold/", views.threshold_revise, name="context-threshold"),
    path(
        "<int:case_id>/screening/sign-off/",
        views.screening_signoff,
        name="context-screening-signoff",
    ),
    path("<int:case_id>/screening/ask/", views.screening_ask, name="context-screening-ask"),
    path(
        "<int:case_id>/sign-offs/<int:request_id>/reassign/",
        views.sign_off_reassign,
        name="context-signoff-reassign",
    ),
    path("<int:case_id>/review/", views.review_record, name="context-review"),
    path("<int:case_id>/closure/", views.closure, name="context-closure"),
]
