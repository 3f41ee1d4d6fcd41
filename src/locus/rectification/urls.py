"""A person's disputes and objections: mounted under /people/<person_id>/accuracy/."""

from locus.common.urls import actions, routes
from locus.rectification import views

urlpatterns = routes(
    ("", views.accuracy_page, "accuracy"),
    ("disputes/new/", views.dispute_new, "dispute-new"),
    *actions("disputes/<int:dispute_id>/", "dispute", decide=views.dispute_decide),
    ("objections/new/", views.objection_new, "objection-new"),
    *actions("objections/<int:objection_id>/", "objection", decide=views.objection_decide),
)
