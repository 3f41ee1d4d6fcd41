from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "locus.profiles"
    label = "profiles"
    verbose_name = "Aspirational profiles"
