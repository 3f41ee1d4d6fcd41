from django.urls import path

from locus.places import views, views_rolls

# A school's roll hangs off the school's own page.
ROLL = "<int:school_id>/roll/"

urlpatterns = [
    path("", views.contexts_list, name="contexts"),
    path("<int:context_id>/", views.context_page, name="context"),
    path(ROLL, views_rolls.roll_page, name="school-roll"),
    path(f"{ROLL}add/", views_rolls.pupil_add, name="school-roll-add"),
    path(f"{ROLL}<int:enrolment_id>/leave/", views_rolls.pupil_leave, name="school-roll-leave"),
]
