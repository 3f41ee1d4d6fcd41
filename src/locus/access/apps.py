from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "locus.access"
    label = "access"
    verbose_name = "Agencies, teams and workers"

    def ready(self) -> None:
        from locus.access import checks  # noqa: F401  (registers the accounts' check)
