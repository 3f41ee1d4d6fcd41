from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # One sign-in page for everyone, so lockout and the sign-in record cover the admin too.
    path("admin/login/", RedirectView.as_view(url="/sign-in/?next=/admin/", query_string=False)),
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
