from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "locus.interchange"
    label = "interchange"
    verbose_name = "Imports"
