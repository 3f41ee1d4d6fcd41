from django.urls import path

from locus.panels import views

urlpatterns = [
    path("", views.panels_list, name="panels"),
    path("new/", views.panel_new, name="panel-new"),
    path("<int:meeting_id>/", views.panel_page, name="panel"),
    path("<int:meeting_id>/attendees/add/", views.attendee_add, name="panel-attendee"),
    path("<int:meeting_id>/items/add/", views.item_add, name="panel-item"),
    path("<int:meeting_id>/held/", views.panel_hold, name="panel-hold"),
    path("<int:meeting_id>/cancel/", views.panel_cancel, name="panel-cancel"),
    path("<int:meeting_id>/close/", views.panel_close, name="panel-close"),
    path("<int:meeting_id>/decisions/add/", views.decision_add, name="panel-decision"),
    path(
        "<int:meeting_id>/items/<int:item_id>/discussion/",
        views.item_discussion,
        name="panel-item-discussion",
    ),
    path(
        "<int:meeting_id>/items/<int:item_id>/actions/add/",
        views.action_add,
        name="panel-action",
    ),
    path(
        "<int:meeting_id>/actions/<int:action_id>/update/",
        views.action_update,
        name="panel-action-update",
    ),
]
