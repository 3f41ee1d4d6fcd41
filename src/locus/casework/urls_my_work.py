from django.urls import path

from locus.casework import views

urlpatterns = [
    path("", views.my_work, name="my-work"),
    # An action's owner reads and updates it here, whether or not they may see its case.
    path("actions/<int:action_id>/", views.own_action_page, name="own-action"),
]
