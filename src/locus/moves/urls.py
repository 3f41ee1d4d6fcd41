"""A young person's managed moves: mounted under /people/<person_id>/moves/."""

from django.urls import path

from locus.moves import views

urlpatterns = [
    path("", views.moves_page, name="person-moves"),
    path("add/", views.move_add, name="person-move-add"),
    path("<int:move_id>/", views.displacement_page, name="person-move"),
    path("<int:move_id>/correct/", views.move_correct, name="person-move-correct"),
    path("<int:move_id>/in-error/", views.move_in_error, name="person-move-in-error"),
]
