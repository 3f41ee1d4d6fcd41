from django.urls import URLPattern, URLResolver

# Filled in by the interchange feature (see locus.common.urls.routes for the house style).
urlpatterns: list[URLPattern | URLResolver] = []
