from locus.common.urls import actions, routes
from locus.subjectaccess import views

urlpatterns = routes(
    ("", views.request_list, "subject-access"),
    ("new/", views.request_new, "subject-access-new"),
    ("<int:request_id>/", views.request_page, "subject-access-request"),
    *actions(
        "<int:request_id>/",
        "subject-access-request",
        update=views.request_update,
        extend=views.request_extend,
        close=views.request_close,
        export=views.request_export,
    ),
    (
        "<int:request_id>/packages/<int:package_id>/download/",
        views.package_download,
        "subject-access-download",
    ),
    (
        "<int:request_id>/packages/<int:package_id>/approve/",
        views.package_approve,
        "subject-access-approve",
    ),
    (
        "<int:request_id>/packages/<int:package_id>/return/",
        views.package_return,
        "subject-access-return",
    ),
    (
        "<int:request_id>/packages/<int:package_id>/approver/",
        views.package_change_approver,
        "subject-access-change-approver",
    ),
)
