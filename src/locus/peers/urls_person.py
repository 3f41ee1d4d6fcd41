"""A young person's peers: mounted under /people/<person_id>/ next to people/urls.py."""

from django.urls import path

from locus.peers import views

urlpatterns = [
    path("peers/", views.peers_list, name="person-peers"),
    path("peers/add/", views.peer_add, name="person-peer-add"),
    path("peers/<int:association_id>/change/", views.peer_change, name="person-peer-change"),
    path("peers/<int:association_id>/end/", views.peer_end, name="person-peer-end"),
    path("peer-map/", views.peer_map_page, name="peer-map"),
    path("peer-map/purpose/", views.peer_map_purpose, name="peer-map-purpose"),
    path("peer-map/export/", views.peer_map_export, name="peer-map-export"),
    path("peer-map/print/", views.peer_map_print, name="peer-map-print"),
]
