from django.urls import path

from locus.peers import views, views_groups

urlpatterns = [
    path("<int:group_id>/", views.group_page, name="group"),
    path("<int:group_id>/map-export/", views.group_map_export, name="group-map-export"),
    path("new/", views_groups.group_new, name="group-new"),
    path("<int:group_id>/members/", views_groups.group_members, name="group-members"),
    path("<int:group_id>/members/add/", views_groups.member_add, name="group-member-add"),
    path(
        "<int:group_id>/members/<int:membership_id>/end/",
        views_groups.member_end,
        name="group-member-end",
    ),
    path("<int:group_id>/merge/", views_groups.group_merge, name="group-merge"),
    path("<int:group_id>/split/", views_groups.group_split, name="group-split"),
    path("<int:group_id>/history/", views_groups.group_history, name="group-history"),
]
