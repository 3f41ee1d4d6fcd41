"""Documents: mounted under /documents/. A record's documents hang off its kind and id."""

from locus.common.urls import routes
from locus.documents import views

_DOCUMENT = "<int:document_id>/"
_OWNER = "<str:kind>/<int:owner_id>/"

urlpatterns = routes(
    ("versions/<int:version_id>/download/", views.document_download, "document-download"),
    (_DOCUMENT, views.document_page, "document"),
    (f"{_DOCUMENT}replace/", views.document_replace, "document-replace"),
    (f"{_DOCUMENT}remove/", views.document_remove, "document-remove"),
    (_OWNER, views.documents_page, "documents"),
    (f"{_OWNER}add/", views.document_add, "document-add"),
)
