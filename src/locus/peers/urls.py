from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path

from locus.peers import views, views_groups

# Running a group (peers/views_groups.py): each page's address after /groups/ and its name.
_RUNNING: dict[str, tuple[str, Callable[..., HttpResponse]]] = {
    "new/": ("group-new", views_groups.group_new),
    "<int:group_id>/members/": ("group-members", views_groups.group_members),
    "<int:group_id>/members/add/": ("group-member-add", views_groups.member_add),
    "<int:group_id>/members/<int:membership_id>/end/": (
        "group-member-end",
        views_groups.member_end,
    ),
    "<int:group_id>/merge/": ("group-merge", views_groups.group_merge),
    "<int:group_id>/split/": ("group-split", views_groups.group_split),
    "<int:group_id>/history/": ("group-history", views_groups.group_history),
}

urlpatterns = [
    path("cluster-map/", views.cluster_map_page, name="cluster-map"),
    path("<int:group_id>/", views.group_page, name="group"),
    path("<int:group_id>/map-export/", views.group_map_export, name="group-map-export"),
    path("<int:group_id>/map/print/", views.group_map_print, name="group-map-print"),
    *[path(route, view, name=name) for route, (name, view) in _RUNNING.items()],
]
