from django.urls import path

from locus.web import break_glass

urlpatterns = [
    path("access/break-glass/", break_glass.uses_page, name="break-glass"),
    path("access/break-glass/<int:use_id>/end/", break_glass.end, name="break-glass-end"),
    path("access/break-glass/<int:use_id>/review/", break_glass.review, name="break-glass-review"),
    path("access/break-glass/ask/<str:ref>/", break_glass.request_by_ref, name="break-glass-ref"),
    path(
        "people/<int:person_id>/emergency-access/",
        break_glass.request_by_id,
        name="break-glass-request",
    ),
]
