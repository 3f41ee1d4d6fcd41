from django.urls import path

from locus.people import views

urlpatterns = [
    path("", views.people_list, name="people"),
    path("<int:person_id>/", views.person_page, name="person"),
    path("<int:person_id>/edit/", views.person_edit, name="person-edit"),
]
