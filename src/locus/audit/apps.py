from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "locus.audit"
    label = "audit"
    verbose_name = "Audit trail"
