"""A person's disputes and objections: mounted under /people/<person_id>/accuracy/."""

from locus.common.urls import routes
from locus.rectification import views

urlpatterns = routes(
    ("", views.accuracy_page, "accuracy"),
    ("disputes/new/", views.dispute_new, "dispute-new"),
    ("disputes/<int:dispute_id>/decide/", views.dispute_decide, "dispute-decide"),
    ("objections/new/", views.objection_new, "objection-new"),
    ("objections/<int:objection_id>/decide/", views.objection_decide, "objection-decide"),
)
