from locus.common.urls import actions, routes
from locus.places import views, views_busy, views_hotspots, views_map, views_places, views_rolls

# A school's roll hangs off the school's own page.
ROLL = "<int:school_id>/roll/"

urlpatterns = routes(
    ("", views.contexts_list, "contexts"),
    ("add/", views_places.place_add, "place-add"),
    ("hotspots/", views_hotspots.hotspots_list, "hotspots"),
    ("hotspots/<str:key>/", views_hotspots.hotspot_page, "hotspot"),
    ("map/", views_map.borough_map, "borough-map"),
    ("map/shapes.json", views_map.borough_shapes, "borough-map-shapes"),
    ("<int:context_id>/", views.context_page, "context"),
    *actions(
        "<int:context_id>/",
        "place",
        edit=views_places.place_edit,
        merge=views_places.place_merge,
        history=views_places.place_history,
    ),
    ("<int:context_id>/co-presence/", views_busy.rule_set, "place-co-presence"),
    ("<int:context_id>/co-presence/remove/", views_busy.rule_remove, "place-co-presence-remove"),
    (ROLL, views_rolls.roll_page, "school-roll"),
    *actions(ROLL, "school-roll", add=views_rolls.pupil_add),
    (f"{ROLL}<int:enrolment_id>/leave/", views_rolls.pupil_leave, "school-roll-leave"),
)
