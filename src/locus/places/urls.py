from django.urls import path

from locus.places import views

urlpatterns = [
    path("", views.contexts_list, name="contexts"),
    path("<int:context_id>/", views.context_page, name="context"),
]
