from django.apps import AppConfig


class CocaseConfig(AppConfig):
    name = "locus.cocase"
    label = "cocase"
    verbose_name = "Co-case management"
