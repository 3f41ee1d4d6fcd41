from django.urls import path

from locus.audit import views

urlpatterns = [
    path("", views.audit_trail, name="audit"),
    path("export.csv", views.audit_export, name="audit-export"),
]
