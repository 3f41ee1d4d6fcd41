from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "locus.exports"
    label = "exports"
    verbose_name = "Exports"
