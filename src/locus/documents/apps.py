from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "locus.documents"
    label = "documents"
    verbose_name = "Documents"
