from django.urls import URLPattern, URLResolver

# Filled in by the api feature (see locus.common.urls.routes for the house style).
urlpatterns: list[URLPattern | URLResolver] = []
