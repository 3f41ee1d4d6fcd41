from locus.common.urls import actions, routes
from locus.exports import views

# "My exports" first; the named pages before "<key>/", which is any list's download.
urlpatterns = routes(
    ("", views.my_exports, "my-exports"),
    *actions(
        "runs/<int:run_id>/", "export-run", download=views.run_download, again=views.run_again
    ),
    ("annex-a/", views.annex_a_page, "exports-annex-a"),
    ("analysis/", views.analysis_page, "exports-analysis"),
    ("analysis/keys/new/", views.analysis_key_new, "exports-analysis-key-new"),
    ("<slug:key>/", views.list_download, "export-list"),
)
