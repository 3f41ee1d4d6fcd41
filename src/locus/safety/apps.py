from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "locus.safety"
    label = "safety"
    verbose_name = "Safety mapping"
