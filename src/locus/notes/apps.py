from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "locus.notes"
    label = "notes"
    verbose_name = "Case notes"
