from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "locus.panels"
    label = "panels"
    verbose_name = "Contextual HSB meetings and MACE panels"
