from django.urls import path

from locus.incidents import views

urlpatterns = [
    path("", views.incidents_list, name="incidents"),
    path("<int:incident_id>/", views.incident_page, name="incident"),
]
