from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "locus.sharing"
    label = "sharing"
    verbose_name = "Sharing register"
