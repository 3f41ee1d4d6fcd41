from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "locus.rectification"
    label = "rectification"
    verbose_name = "Disputed accuracy and objections"
