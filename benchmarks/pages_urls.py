"""The URLconf ``locus bench pages`` runs the site with: Locus's own, plus a bare page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    """The least a signed-in page can be: the middleware, the session, a response."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("locus.config.urls")),
]
