from django.urls import URLPattern, URLResolver

from locus.common.urls import routes
from locus.retention import views

urlpatterns: list[URLPattern | URLResolver] = [
    *routes(
        ("", views.retention_page, "retention"),
        ("rules/<str:kind>/", views.rule_edit, "retention-rule"),
        ("holds/new/", views.hold_new, "retention-hold-new"),
        ("holds/<int:hold_id>/", views.hold_page, "retention-hold"),
        ("holds/<int:hold_id>/lift/", views.hold_lift, "retention-hold-lift"),
        ("purge/", views.purge_page, "retention-purge"),
        ("runs/<int:run_id>/", views.run_page, "retention-run"),
    )
]
