from django.urls import path

from locus.places import views, views_places, views_rolls

# A school's roll hangs off the school's own page.
ROLL = "<int:school_id>/roll/"

urlpatterns = [
    path("", views.contexts_list, name="contexts"),
    path("add/", views_places.place_add, name="place-add"),
    path("<int:context_id>/", views.context_page, name="context"),
    path("<int:context_id>/edit/", views_places.place_edit, name="place-edit"),
    path("<int:context_id>/merge/", views_places.place_merge, name="place-merge"),
    path("<int:context_id>/history/", views_places.place_history, name="place-history"),
    path(ROLL, views_rolls.roll_page, name="school-roll"),
    path(f"{ROLL}add/", views_rolls.pupil_add, name="school-roll-add"),
    path(f"{ROLL}<int:enrolment_id>/leave/", views_rolls.pupil_leave, name="school-roll-leave"),
]
