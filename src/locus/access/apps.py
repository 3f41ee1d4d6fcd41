from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "locus.access"
    label = "access"
    verbose_name = "Agencies, teams and workers"
