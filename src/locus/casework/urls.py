from django.urls import path

from locus.casework import views

# (route, view, name), in the order Django tries them. A case's pages hang off "<case>/".
_CASE = "<int:case_id>/"
_PAGES = (
    ("", views.cases_list, "context-cases"),
    ("referrals/", views.referrals_list, "context-referrals"),
    ("referrals/new/", views.referral_new, "context-referral-new"),
    ("referrals/<int:referral_id>/", views.referral_page, "context-referral"),
    ("referrals/<int:referral_id>/withdraw/", views.referral_withdraw, "context-referral-withdraw"),
    (_CASE, views.case_page, "context-case"),
    (_CASE + "assessment/", views.assessment_page, "context-assessment"),
    (_CASE + "assessment/start/", views.assessment_start, "context-assessment-start"),
    (_CASE + "assessment/evidence/", views.evidence_add, "context-evidence"),
    (_CASE + "assessment/sign-off/", views.assessment_signoff, "context-assessment-signoff"),
    (_CASE + "conference/", views.conference_page, "context-conference"),
    (_CASE + "conference/schedule/", views.conference_schedule, "context-conference-schedule"),
    (_CASE + "conference/record/", views.conference_record, "context-conference-record"),
    (_CASE + "plan/", views.plan_page, "context-plan"),
    (_CASE + "plan/start/", views.plan_draft, "context-plan-draft"),
    (_CASE + "plan/goals/add/", views.goal_add, "context-goal-add"),
    (_CASE + "plan/actions/add/", views.action_add, "context-action-add"),
    (_CASE + "plan/actions/<int:action_id>/update/", views.action_update, "context-action-update"),
    (_CASE + "plan/children/add/", views.plan_child_add, "context-plan-child"),
    (_CASE + "plan/submit/", views.plan_submit, "context-plan-submit"),
    (_CASE + "plan/approve/", views.plan_approve, "context-plan-approve"),
    (_CASE + "threshold/", views.threshold_revise, "context-threshold"),
    (_CASE + "screening/sign-off/", views.screening_signoff, "context-screening-signoff"),
    (_CASE + "screening/ask/", views.screening_ask, "context-screening-ask"),
    (
        _CASE + "sign-offs/<int:request_id>/reassign/",
        views.sign_off_reassign,
        "context-signoff-reassign",
    ),
    (_CASE + "review/", views.review_record, "context-review"),
    (_CASE + "closure/", views.closure, "context-closure"),
)

urlpatterns = [path(route, view, name=name) for route, view, name in _PAGES]
