"""Documents: mounted under /documents/. A record's documents hang off its kind and id."""

from django.urls import path

from locus.documents import views

urlpatterns = [
    path("versions/<int:version_id>/download/", views.document_download, name="document-download"),
    path("<int:document_id>/", views.document_page, name="document"),
    path("<int:document_id>/replace/", views.document_replace, name="document-replace"),
    path("<int:document_id>/remove/", views.document_remove, name="document-remove"),
    path("<str:kind>/<int:owner_id>/", views.documents_page, name="documents"),
    path("<str:kind>/<int:owner_id>/add/", views.document_add, name="document-add"),
]
