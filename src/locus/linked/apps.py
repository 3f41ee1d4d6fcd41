from django.apps import AppConfig


class LinkedConfig(AppConfig):
    name = "locus.linked"
    verbose_name = "Linked cases"
