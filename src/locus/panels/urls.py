from django.urls import path

from locus.common.urls import routes
from locus.panels import views

_MEETING = "<int:meeting_id>/"

urlpatterns = routes(
    ("", views.panels_list, "panels"),
    ("new/", views.panel_new, "panel-new"),
    (_MEETING, views.panel_page, "panel"),
    (f"{_MEETING}actions/<int:action_id>/update/", views.action_update, "panel-action-update"),
)

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
