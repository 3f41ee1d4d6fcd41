from django.urls import path

from locus.peers import views

urlpatterns = [
    path("<int:group_id>/", views.group_page, name="group"),
    path("<int:group_id>/map-export/", views.group_map_export, name="group-map-export"),
]
