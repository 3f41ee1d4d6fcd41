from django.apps import AppConfig


class MovesConfig(AppConfig):
    name = "locus.moves"
    label = "moves"
    verbose_name = "Managed moves"
