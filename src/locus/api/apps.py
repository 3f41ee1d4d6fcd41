from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "locus.api"
    label = "api"
    verbose_name = "JSON API"
