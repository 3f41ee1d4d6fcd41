from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "locus.casework"
    label = "casework"
    verbose_name = "Context casework"
