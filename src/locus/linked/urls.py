from django.urls import path

from locus.linked import views

urlpatterns = [
    path("", views.caseload_links, name="linked"),
    path("review/", views.link_review, name="linked-review"),
    path("borough/", views.borough_links, name="linked-borough"),
]
