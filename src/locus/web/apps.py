from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "locus.web"
    label = "web"
