from locus.common.urls import routes
from locus.policies import views

urlpatterns = routes(
    ("", views.policies_page, "policies"),
    ("<slug:kind>/", views.policy_page, "policy"),
    ("<slug:kind>/edit/", views.edit_page, "policy-edit"),
    ("<slug:kind>/versions/<int:number>/", views.version_page, "policy-version"),
)
