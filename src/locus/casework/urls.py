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
    (_CASE + "conference/", views.conference_page, "context-conference"),
    (_CASE + "plan/", views.plan_page, "context-plan"),
    (_CASE + "closure/", views.closure, "context-closure"),
)
# The form pages that take a step on a case: (route, name), the name keying views.STEPS.
_STEPS = (
    ("assessment/start/", "context-assessment-start"),
    ("assessment/evidence/", "context-evidence"),
    ("assessment/sign-off/", "context-assessment-signoff"),
    ("conference/schedule/", "context-conference-schedule"),
    ("conference/record/", "context-conference-record"),
    ("plan/start/", "context-plan-draft"),
    ("plan/goals/add/", "context-goal-add"),
    ("plan/actions/add/", "context-action-add"),
    ("plan/actions/<int:action_id>/update/", "context-action-update"),
    ("plan/actions/<int:action_id>/give/", "context-action-give"),
    ("plan/children/add/", "context-plan-child"),
    ("plan/submit/", "context-plan-submit"),
    ("plan/approve/", "context-plan-approve"),
    ("threshold/", "context-threshold"),
    ("screening/sign-off/", "context-screening-signoff"),
    ("screening/ask/", "context-screening-ask"),
    ("sign-offs/<int:request_id>/reassign/", "context-signoff-reassign"),
    ("review/", "context-review"),
)

urlpatterns = [path(route, view, name=name) for route, view, name in _PAGES] + [
    path(_CASE + route, views.case_step, {"step": name}, name=name) for route, name in _STEPS
]
