from django.urls import path

from locus.incidents import views

urlpatterns = [
    path("", views.incidents_list, name="incidents"),
    path("new/", views.incident_new, name="incident-new"),
    path("<int:incident_id>/", views.incident_page, name="incident"),
    path("<int:incident_id>/amend/", views.incident_amend_page, name="incident-amend"),
    path("<int:incident_id>/people/add/", views.involvement_add_page, name="involvement-add"),
    path(
        "<int:incident_id>/people/<int:involvement_id>/remove/",
        views.involvement_remove_page,
        name="involvement-remove",
    ),
]
