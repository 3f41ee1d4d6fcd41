from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "locus.common"
    label = "common"
