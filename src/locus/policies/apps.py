from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "locus.policies"
    label = "policies"
    verbose_name = "The authority's policies"
