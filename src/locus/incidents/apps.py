from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "locus.incidents"
    label = "incidents"
