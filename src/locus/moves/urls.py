"""A young person's managed moves: mounted under /people/<person_id>/moves/."""

from locus.common.urls import actions, routes
from locus.moves import views

urlpatterns = routes(
    ("", views.moves_page, "person-moves"),
    ("add/", views.move_add, "person-move-add"),
    ("<int:move_id>/", views.displacement_page, "person-move"),
    *actions("<int:move_id>/", "person-move", correct=views.move_correct),
    ("<int:move_id>/in-error/", views.move_in_error, "person-move-in-error"),
)
