from locus.common.urls import routes
from locus.outreach import views

PLAN = "plans/<int:plan_id>/"
HOME = "homes/<int:context_id>/"

urlpatterns = routes(
    ("", views.plans_list, "visit-plans"),
    ("plans/new/", views.plan_new, "visit-plan-new"),
    (PLAN, views.plan_page, "visit-plan"),
    (f"{PLAN}visit/", views.visit_new, "visit-new"),
    (f"{PLAN}missed/", views.visit_missed, "visit-missed"),
    (f"{PLAN}end/", views.plan_end, "visit-plan-end"),
    (HOME, views.home_page, "protected-home"),
    (f"{HOME}consent/", views.consent_new, "home-consent"),
)
