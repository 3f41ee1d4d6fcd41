from django.urls import include, path

from locus.incidents import views

# Who was involved, changed from the incident's page (each takes the incident's id too).
people = [
    path("add/", views.involvement_add_page, name="involvement-add"),
    path("<int:involvement_id>/remove/", views.involvement_remove_page, name="involvement-remove"),
]

urlpatterns = [
    path("", views.incidents_list, name="incidents"),
    path("new/", views.incident_new, name="incident-new"),
    path("<int:incident_id>/", views.incident_page, name="incident"),
    path("<int:incident_id>/amend/", views.incident_amend_page, name="incident-amend"),
    path("<int:incident_id>/people/", include(people)),
]
