from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "locus.mapping"
    # The label stays "cocase" (the app's first name), so its tables and migrations keep theirs.
    label = "cocase"
    verbose_name = "Peer group mapping meetings"
