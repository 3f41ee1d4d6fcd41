from django.urls import path

from locus.audit import views

urlpatterns = [
    path("", views.audit_trail, name="audit"),
]
