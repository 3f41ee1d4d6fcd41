from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "locus.statutory"
    label = "statutory"
    verbose_name = "Statutory social care records"
