from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "locus.exports"
    label = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        # Annex A registers itself beside the lists a background export may prepare.
        from locus.exports import annex_a  # noqa: F401
