from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("locus.web.urls")),
    path("people/", include("locus.people.urls")),
    path("contexts/", include("locus.places.urls")),
    path("groups/", include("locus.peers.urls")),
    path("incidents/", include("locus.incidents.urls")),
    path("audit/", include("locus.audit.urls")),
]

handler404 = "locus.web.views.not_found"
handler403 = "locus.web.views.forbidden"
