from django.urls import URLPattern, URLResolver

from locus.common.urls import actions, routes
from locus.interchange import views

urlpatterns: list[URLPattern | URLResolver] = [
    *routes(
        ("", views.imports_page, "imports"),
        ("upload/", views.import_upload, "import-upload"),
        ("<int:run_id>/", views.import_run, "import-run"),
        *actions(
            "<int:run_id>/",
            "import",
            confirm=views.import_confirm,
            cancel=views.import_cancel,
            retry=views.import_retry,
            rejects=views.import_rejects,
        ),
    )
]
