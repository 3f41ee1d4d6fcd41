from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "locus.retention"
    label = "retention"
    verbose_name = "Retention and legal holds"
