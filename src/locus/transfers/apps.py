from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "locus.transfers"
    label = "transfers"
    verbose_name = "Allocation and transfer"
