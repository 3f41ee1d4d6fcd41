from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "locus.places"
    label = "places"
    verbose_name = "Contexts"
