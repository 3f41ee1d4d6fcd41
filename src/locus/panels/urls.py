from django.urls import path

from locus.panels import views

urlpatterns = [
    path("", views.panels_list, name="panels"),
    path("new/", views.panel_new, name="panel-new"),
    path("<int:meeting_id>/", views.panel_page, name="panel"),
    path(
        "<int:meeting_id>/actions/<int:action_id>/update/",
        views.action_update,
        name="panel-action-update",
    ),
]

# The form pages that move a meeting on (views.STEPS): on the meeting, or on one agenda item.
urlpatterns += [
    path(f"<int:meeting_id>/{route}/", views.panel_step, {"step": step}, name=f"panel-{step}")
    for step, route in (
        ("attendee", "attendees/add"),
        ("item", "items/add"),
        ("hold", "held"),
        ("cancel", "cancel"),
        ("close", "close"),
        ("decision", "decisions/add"),
    )
]
urlpatterns += [
    path(
        f"<int:meeting_id>/items/<int:item_id>/{route}/",
        views.panel_step,
        {"step": step},
        name=f"panel-item-{step}",
    )
    for step, route in (
        ("discussion", "discussion"),
        ("decision", "decisions/add"),
        ("action", "actions/add"),
    )
]
